import { describe, expect, it } from 'vitest';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import { testEvents as ev, testEntities } from '../testing.js';

// Organisations in the inbox engine: what an event creates belongs to its channel's organisation.

describe('inbox: organisations', () => {
  it("copies the channel's organisation onto the customers and conversations an event creates", async () => {
    const store = memoryStore();
    await store.channels.put(testEntities.channel({ id: 'PAGE_A', organizationId: 'org_a' }));
    await store.channels.put(testEntities.channel({ id: 'PAGE_B', organizationId: 'org_b' }));
    await store.channels.put(testEntities.channel({ id: 'PAGE_N' }));
    const inbox = createInbox({ store });
    // The same PSID on three pages: three customers, each in its page's organisation.
    await inbox.apply([
      ev.message({ pageId: 'PAGE_A', customerId: 'PSID_SAME', text: 'a' }),
      ev.message({ pageId: 'PAGE_B', customerId: 'PSID_SAME', text: 'b' }),
      ev.message({ pageId: 'PAGE_N', customerId: 'PSID_SAME', text: 'n' }),
      ev.echo({ pageId: 'PAGE_B', customerId: 'PSID_OTHER', text: 'from the page' }),
      ev.comment({ pageId: 'PAGE_A', customerId: 'PSID_SAME' }),
    ]);
    expect((await store.customers.get('PAGE_A:PSID_SAME'))?.organizationId).toBe('org_a');
    expect((await store.customers.get('PAGE_B:PSID_SAME'))?.organizationId).toBe('org_b');
    expect((await store.customers.get('PAGE_B:PSID_OTHER'))?.organizationId).toBe('org_b');
    expect(await store.customers.get('PAGE_N:PSID_SAME')).not.toHaveProperty('organizationId');

    const list = async (organizationId: string | null) =>
      (await store.conversations.list({ organizationId })).items.map((c) => [c.channelId, c.preview]);
    expect((await list('org_a')).map(([channelId]) => channelId)).toEqual(['PAGE_A', 'PAGE_A']);
    expect(await list('org_b')).toEqual([
      ['PAGE_B', 'from the page'],
      ['PAGE_B', 'b'],
    ]);
    expect(await list(null)).toEqual([['PAGE_N', 'n']]);
  });
});

import { describe, expect, it } from 'vitest';
import { AppMismatchError } from '../errors.js';
import { createInbox } from '../inbox.js';
import type { InboxEvents } from '../inbox.types.js';
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

  it('refuses an event verified by another app than its channel, stores nothing and reports it', async () => {
    const store = memoryStore();
    await store.channels.put(testEntities.channel({ id: 'PAGE_A', appId: 'APP_A', organizationId: 'org_a' }));
    await store.channels.put(testEntities.channel({ id: 'PAGE_B', appId: 'APP_B', organizationId: 'org_b' }));
    const inbox = createInbox({ store });
    const errors: Parameters<InboxEvents['error']>[0][] = [];
    inbox.on('error', (payload) => errors.push(payload));
    const forged = ev.message({ pageId: 'PAGE_B', customerId: 'PSID_SAME', text: 'forged', appId: 'APP_A' });
    const genuine = ev.message({ pageId: 'PAGE_A', customerId: 'PSID_SAME', text: 'hello', appId: 'APP_A' });
    const changes = await inbox.apply([forged, genuine]);
    expect(changes.every((c) => !('message' in c) || c.message.channelId === 'PAGE_A')).toBe(true);
    expect(errors).toHaveLength(1);
    const error = errors[0]!.error as AppMismatchError;
    expect(error).toBeInstanceOf(AppMismatchError);
    expect(error).toMatchObject({
      code: 'app_mismatch',
      eventId: forged.id,
      pageId: 'PAGE_B',
      eventAppId: 'APP_A',
      channelAppId: 'APP_B',
    });
    expect(errors[0]!.event).toBe(forged);
    expect(await store.customers.get('PAGE_B:PSID_SAME')).toBeUndefined();
    expect((await store.conversations.list({ organizationId: 'org_b' })).items).toEqual([]);
    // Not marked processed: the genuine delivery of that id, verified by B's app, still applies.
    expect(await store.events.has(forged.id)).toBe(false);
    await inbox.apply([{ ...forged, appId: 'APP_B' }]);
    expect((await store.conversations.list({ organizationId: 'org_b' })).items).toHaveLength(1);
    // Without an appId (the single-secret webhook form) nothing is checked.
    const plain = ev.message({ pageId: 'PAGE_B', customerId: 'PSID_2', text: 'no app named' });
    await inbox.apply([plain]);
    expect(await store.events.has(plain.id)).toBe(true);
  });

  it('rejects apply when nobody listens for errors, with the same typed error', async () => {
    const store = memoryStore();
    await store.channels.put(testEntities.channel({ id: 'PAGE_B', appId: 'APP_B' }));
    const inbox = createInbox({ store });
    await expect(inbox.apply([ev.message({ pageId: 'PAGE_B', appId: 'APP_A' })])).rejects.toBeInstanceOf(
      AppMismatchError,
    );
  });
});

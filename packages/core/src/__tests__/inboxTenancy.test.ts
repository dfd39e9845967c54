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

  it("never continues another organisation's rows left on a channel that changed hands", async () => {
    const store = memoryStore();
    // PAGE_X now belongs to org_b, but rows of org_a are still there (an event that raced a purge).
    await store.channels.put(testEntities.channel({ id: 'PAGE_X', organizationId: 'org_b' }));
    await store.customers.put(
      testEntities.customer({
        channelId: 'PAGE_X',
        psid: 'PSID_1',
        organizationId: 'org_a',
        name: 'Known to A',
      }),
    );
    await store.conversations.put(
      testEntities.conversation({
        id: 'conv_of_a',
        channelId: 'PAGE_X',
        customerId: 'PAGE_X:PSID_1',
        organizationId: 'org_a',
        lastInboundAt: null,
      }),
    );
    await store.messages.put(
      testEntities.message({
        id: 'msg_of_a',
        channelId: 'PAGE_X',
        conversationId: 'conv_of_a',
        mid: 'mid.a',
      }),
    );
    const inbox = createInbox({ store });
    await inbox.apply([
      ev.message({ pageId: 'PAGE_X', customerId: 'PSID_1', text: 'to B' }),
      ev.echo({ pageId: 'PAGE_X', customerId: 'PSID_1', text: 'B answers' }),
      ev.reaction({ pageId: 'PAGE_X', customerId: 'PSID_1', mid: 'mid.a', emoji: '❤️' }),
    ]);
    const customer = await store.customers.get('PAGE_X:PSID_1');
    expect(customer).toMatchObject({ organizationId: 'org_b' });
    expect(customer?.name).toBeUndefined();
    const ofB = (await store.conversations.list({ organizationId: 'org_b' })).items;
    expect(ofB).toHaveLength(1);
    expect(ofB[0]).toMatchObject({ preview: 'B answers', organizationId: 'org_b' });
    const ofA = await store.conversations.get('conv_of_a');
    expect(ofA).toMatchObject({ organizationId: 'org_a', lastInboundAt: null });
    expect(ofA?.preview).toBeUndefined();
    expect((await store.messages.list('conv_of_a')).items.map((m) => m.id)).toEqual(['msg_of_a']);
  });
});

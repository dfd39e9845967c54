import { describe, expect, it } from 'vitest';
import { memoryStore } from '../memoryStore.js';
import {
  describePersonaStoreContract,
  describePruneContract,
  describeStoreContract,
  describeTemplateStoreContract,
  testEntities,
} from '../testing.js';

describeStoreContract('memoryStore', () => memoryStore());
describePersonaStoreContract('memoryStore', () => memoryStore());
describeTemplateStoreContract('memoryStore', () => memoryStore());
describePruneContract('memoryStore', () => memoryStore());

describe('memoryStore specifics', () => {
  it('hands out frozen objects, so stored state cannot be changed by accident', async () => {
    const store = memoryStore();
    await store.messages.put(testEntities.message({ attachments: [{ kind: 'image', url: 'u' }] }));
    const got = await store.messages.get('msg_1');
    expect(Object.isFrozen(got)).toBe(true);
    expect(Object.isFrozen(got?.attachments)).toBe(true);
    expect(() => {
      (got as { text: string }).text = 'x';
    }).toThrow(TypeError);
  });

  it('rejects malformed rows and cursors with a ValidationError naming the field', async () => {
    const store = memoryStore();
    await expect(store.messages.put({ id: '' } as never)).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(store.conversations.list({ cursor: 'garbage' })).rejects.toThrow(/cursor/);
    await expect(store.messages.list('c', { before: 'x' })).rejects.toThrow(/before/);
    await expect(store.conversations.list({ limit: 1.5 })).rejects.toThrow(/limit/);
  });

  it('moves a message between conversations and re-indexes its mid', async () => {
    const store = memoryStore();
    await store.messages.put(testEntities.message({ mid: 'a' }));
    await store.messages.put(testEntities.message({ mid: 'b', conversationId: 'conv_2', createdAt: 5 }));
    expect(await store.messages.getByMid('PAGE_1', 'a')).toBeUndefined();
    expect((await store.messages.getByMid('PAGE_1', 'b'))?.conversationId).toBe('conv_2');
    expect((await store.messages.list('conv_1')).items).toEqual([]);
    expect((await store.messages.list('conv_2')).items.map((m) => m.id)).toEqual(['msg_1']);
  });

  it("falls back to a customer's next latest conversation when one moves to another customer", async () => {
    const store = memoryStore();
    const { conversation } = testEntities;
    await store.conversations.put(conversation({ id: 'old', createdAt: 1 }));
    await store.conversations.put(conversation({ id: 'new', createdAt: 2 }));
    const ana = { channelId: 'PAGE_1', customerId: 'PAGE_1:PSID_1', source: 'message' as const };
    const bo = { ...ana, customerId: 'PAGE_1:PSID_2' };
    expect((await store.conversations.findLatest(ana))?.id).toBe('new');
    await store.conversations.put(conversation({ id: 'new', createdAt: 2, customerId: 'PAGE_1:PSID_2' }));
    expect((await store.conversations.findLatest(ana))?.id).toBe('old');
    expect((await store.conversations.findLatest(bo))?.id).toBe('new');
    // An update that keeps its keys is still what the lookup returns.
    await store.conversations.put(
      conversation({ id: 'new', createdAt: 2, customerId: 'PAGE_1:PSID_2', unreadCount: 3 }),
    );
    expect((await store.conversations.findLatest(bo))?.unreadCount).toBe(3);
  });

  it('purges a channel from every entry and keeps what another channel shares them with', async () => {
    const store = memoryStore();
    const { conversation, customer, message } = testEntities;
    await store.customers.put(customer());
    await store.conversations.put(conversation());
    await store.messages.put(message({ direction: 'outbound', delivery: 'sent', mid: 'm1' }));
    // A conversation of another page filed under the same customer id (never written by the inbox).
    await store.conversations.put(conversation({ id: 'conv_2', channelId: 'PAGE_2' }));
    await store.messages.put(
      message({ id: 'msg_2', conversationId: 'conv_2', channelId: 'PAGE_2', mid: 'm2' }),
    );
    const report = await store.channels.purge('PAGE_1');
    expect(report).toMatchObject({ conversations: 1, messages: 1, customers: 1 });
    expect(await store.customers.get('PAGE_1:PSID_1')).toBeUndefined();
    expect(await store.conversations.get('conv_1')).toBeUndefined();
    expect(await store.messages.listBehind('conv_1', Number.MAX_SAFE_INTEGER, 'read')).toEqual([]);
    const key = { customerId: 'PAGE_1:PSID_1', source: 'message' as const };
    expect(await store.conversations.findLatest({ ...key, channelId: 'PAGE_1' })).toBeUndefined();
    expect((await store.conversations.findLatest({ ...key, channelId: 'PAGE_2' }))?.id).toBe('conv_2');
    expect((await store.messages.list('conv_2')).items.map((m) => m.id)).toEqual(['msg_2']);
    // The entries come back when the channel is written again.
    await store.customers.put(customer());
    await store.conversations.put(conversation({ createdAt: 5 }));
    expect((await store.conversations.findLatest({ ...key, channelId: 'PAGE_1' }))?.createdAt).toBe(5);
  });

  it("moves a message's unsettled state with it to another conversation", async () => {
    const store = memoryStore();
    const sent = testEntities.message({ direction: 'outbound', delivery: 'sent', mid: 'm1' });
    await store.messages.put(sent);
    expect((await store.messages.listBehind('conv_1', Number.MAX_SAFE_INTEGER, 'read')).length).toBe(1);
    await store.messages.put({ ...sent, conversationId: 'conv_2' });
    expect(await store.messages.listBehind('conv_1', Number.MAX_SAFE_INTEGER, 'read')).toEqual([]);
    expect(
      (await store.messages.listBehind('conv_2', Number.MAX_SAFE_INTEGER, 'read')).map((m) => m.id),
    ).toEqual(['msg_1']);
  });
});

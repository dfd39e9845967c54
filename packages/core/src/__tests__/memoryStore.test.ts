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
});

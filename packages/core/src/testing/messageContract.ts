import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../model.js';
import type { Store } from '../store.js';
import { tamper } from './contractSetup.js';
import { testEntities } from './entities.js';

const { message } = testEntities;

/**
 * The message section of the store contract: upserts, lookup by mid, paging newest first, `listBehind`
 * and `listPending`. Called by `describeStoreContract`.
 */
export function describeMessageContract(getStore: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = getStore();
  });

  describe('messages', () => {
    const put = (overrides: Partial<Message>) => store.messages.put(message(overrides));

    it('upserts, gets by id and by mid within a channel', async () => {
      await put({ id: 'm1', mid: 'mid.1' });
      expect((await store.messages.get('m1'))?.mid).toBe('mid.1');
      expect((await store.messages.getByMid('PAGE_1', 'mid.1'))?.id).toBe('m1');
      expect(await store.messages.getByMid('PAGE_2', 'mid.1')).toBeUndefined();
      await put({
        id: 'm2',
        direction: 'outbound',
        delivery: 'pending',
        author: { kind: 'agent', agentId: 'a1' },
      });
      expect(await store.messages.getByMid('PAGE_1', 'mid.2')).toBeUndefined();
      await put({
        id: 'm2',
        mid: 'mid.2',
        direction: 'outbound',
        delivery: 'sent',
        author: { kind: 'agent' },
      });
      expect((await store.messages.getByMid('PAGE_1', 'mid.2'))?.id).toBe('m2');
      const full = message({
        id: 'm3',
        mid: 'mid.3',
        text: undefined,
        attachments: [{ kind: 'image', url: 'https://cdn/x.png', payload: { any: ['json'] } }],
        reactions: [{ emoji: '❤️', name: 'love', by: 'customer', at: 5 }],
        replyTo: { mid: 'mid.1', messageId: 'm1' },
        editCount: 2,
      });
      await store.messages.put(full);
      expect(await store.messages.get('m3')).toEqual(JSON.parse(JSON.stringify(full)));
    });

    it('keeps what was stored when the caller changes objects afterwards', async () => {
      const input = message({ id: 'm1', attachments: [{ kind: 'image', url: 'u' }] });
      await store.messages.put(input);
      input.text = 'changed';
      input.attachments.push({ kind: 'file' });
      const got = await store.messages.get('m1');
      tamper(() => {
        (got as Message).reactions.push({ emoji: 'x', by: 'page', at: 1 });
      });
      const again = await store.messages.get('m1');
      expect(again?.text).toBe('Hello');
      expect(again?.attachments).toHaveLength(1);
      expect(again?.reactions).toEqual([]);
    });

    it('lists a conversation newest first and pages backwards with before', async () => {
      for (let i = 0; i < 60; i++)
        await put({ id: `m${String(i).padStart(2, '0')}`, createdAt: 1000 + (i % 30) });
      await put({ id: 'elsewhere', conversationId: 'conv_2', createdAt: 5000 });
      const first = await store.messages.list('conv_1');
      expect(first.items).toHaveLength(25);
      const seen: Message[] = [];
      let before: string | undefined;
      for (let page = 0; page < 20; page++) {
        const result = await store.messages.list('conv_1', { limit: 11, ...(before ? { before } : {}) });
        seen.push(...result.items);
        if (result.nextCursor === null) break;
        before = result.nextCursor;
      }
      expect(seen).toHaveLength(60);
      expect(new Set(seen.map((m) => m.id)).size).toBe(60);
      for (let i = 1; i < seen.length; i++) {
        const a = seen[i - 1]!;
        const b = seen[i]!;
        expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
      }
      expect((await store.messages.list('conv_2')).items.map((m) => m.id)).toEqual(['elsewhere']);
      expect(await store.messages.list('none')).toEqual({ items: [], nextCursor: null });
    });

    it('lists outbound and echo messages behind a delivery state up to a time (listBehind)', async () => {
      const out = (
        id: string,
        createdAt: number,
        delivery: Message['delivery'],
        direction: Message['direction'] = 'outbound',
      ) =>
        put({
          id,
          createdAt,
          delivery,
          direction,
          author: { kind: direction === 'echo' ? 'page' : 'agent' },
        });
      await out('p', 10, 'pending');
      await out('s', 20, 'sent');
      await out('e', 25, 'sent', 'echo');
      await out('d', 30, 'delivered');
      await out('r', 40, 'read');
      await out('f', 15, 'failed');
      await out('late', 100, 'sent');
      await put({ id: 'in', createdAt: 12, direction: 'inbound', delivery: 'delivered' });
      await put({
        id: 'other',
        conversationId: 'conv_2',
        createdAt: 5,
        direction: 'outbound',
        delivery: 'sent',
      });
      const ids = async (upTo: number, state: Message['delivery']) =>
        (await store.messages.listBehind('conv_1', upTo, state)).map((m) => m.id).sort();
      expect(await ids(50, 'read')).toEqual(['d', 'e', 'p', 's']);
      expect(await ids(50, 'delivered')).toEqual(['e', 'p', 's']);
      expect(await ids(20, 'delivered')).toEqual(['p', 's']);
      expect(await ids(50, 'sent')).toEqual(['p']);
      expect(await ids(9, 'read')).toEqual([]);
      await out('s', 20, 'read');
      expect(await ids(50, 'read')).toEqual(['d', 'e', 'p']);
    });

    it('lists pending messages oldest first, up to a limit (listPending)', async () => {
      await put({
        id: 'a',
        createdAt: 30,
        direction: 'outbound',
        delivery: 'pending',
        author: { kind: 'agent' },
      });
      await put({
        id: 'b',
        createdAt: 10,
        direction: 'outbound',
        delivery: 'pending',
        author: { kind: 'agent' },
      });
      await put({
        id: 'c',
        createdAt: 20,
        conversationId: 'conv_2',
        direction: 'outbound',
        delivery: 'pending',
        author: { kind: 'agent' },
      });
      await put({
        id: 'd',
        createdAt: 5,
        direction: 'outbound',
        delivery: 'sent',
        author: { kind: 'agent' },
      });
      expect((await store.messages.listPending()).map((m) => m.id)).toEqual(['b', 'c', 'a']);
      expect((await store.messages.listPending(2)).map((m) => m.id)).toEqual(['b', 'c']);
      await put({
        id: 'b',
        createdAt: 10,
        direction: 'outbound',
        delivery: 'failed',
        author: { kind: 'agent' },
      });
      expect((await store.messages.listPending()).map((m) => m.id)).toEqual(['c', 'a']);
    });
  });
}

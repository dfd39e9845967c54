import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { testEntities } from './entities.js';

const { customer, conversation, message } = testEntities;

/**
 * The optional bulk methods of a `Store` (`events.hasMany`/`addMany`, `customers.getMany`/`putMany`,
 * `conversations.findLatestMany`/`putMany`, `messages.getByMids`/`putMany`, `waiting.takeMany`): each
 * answers as the one-item method would, called once per item. A case is skipped for a store without
 * its method. Part of `describeStoreContract`.
 */
export function describeBulkContract(getStore: () => Store): void {
  describe('bulk methods (stores that have them)', () => {
    it('events: hasMany answers the applied ids among those asked; addMany marks several', async (ctx) => {
      const { events } = getStore();
      if (!events.hasMany || !events.addMany) return ctx.skip();
      expect([...(await events.hasMany([]))]).toEqual([]);
      await events.add('e1');
      await events.addMany(['e2', 'e3', 'e2']);
      await events.addMany([]);
      expect([...(await events.hasMany(['e0', 'e1', 'e2', 'e3', 'e4']))].sort()).toEqual(['e1', 'e2', 'e3']);
      expect(await events.has('e3')).toBe(true);
      await expect(events.addMany(['e5', ''])).rejects.toThrow();
    });

    it('customers: getMany returns the stored ones by id; putMany writes each as put would', async (ctx) => {
      const { customers } = getStore();
      if (!customers.getMany || !customers.putMany) return ctx.skip();
      const a = customer({ psid: 'A', name: 'Ana' });
      const b = customer({ psid: 'B', organizationId: 'org_1' });
      await customers.putMany([a, { ...a, name: 'Ana Lopez' }, b]);
      await customers.putMany([]);
      const found = await customers.getMany([a.id, b.id, 'PAGE_1:nobody']);
      expect([...found.keys()].sort()).toEqual([a.id, b.id]);
      expect(found.get(a.id)).toEqual({ ...a, name: 'Ana Lopez' });
      expect(found.get(b.id)).toEqual(await customers.get(b.id));
    });

    it('conversations: findLatestMany is findLatest per customer; putMany writes each as put would', async (ctx) => {
      const { conversations } = getStore();
      if (!conversations.findLatestMany || !conversations.putMany) return ctx.skip();
      const older = conversation({ id: 'c1', customerId: 'PAGE_1:A', createdAt: 10, lastMessageAt: 10 });
      const newer = conversation({ id: 'c2', customerId: 'PAGE_1:A', createdAt: 20, lastMessageAt: 20 });
      const other = conversation({ id: 'c3', customerId: 'PAGE_1:B', createdAt: 5, lastMessageAt: 5 });
      const comment = conversation({
        id: 'c4',
        customerId: 'PAGE_1:B',
        source: 'comment',
        createdAt: 50,
        lastMessageAt: 50,
        comment: { commentId: 'cmt', postId: 'post', privateReplySentAt: null },
      });
      await conversations.putMany([older, newer, other, comment, { ...other, preview: 'Updated' }]);
      const found = await conversations.findLatestMany({
        channelId: 'PAGE_1',
        customerIds: ['PAGE_1:A', 'PAGE_1:B', 'PAGE_1:C'],
        source: 'message',
      });
      expect([...found.keys()].sort()).toEqual(['PAGE_1:A', 'PAGE_1:B']);
      expect(found.get('PAGE_1:A')?.id).toBe('c2');
      expect(found.get('PAGE_1:B')).toEqual({ ...other, preview: 'Updated' });
      for (const customerId of ['PAGE_1:A', 'PAGE_1:B']) {
        expect(found.get(customerId)).toEqual(
          await conversations.findLatest({ channelId: 'PAGE_1', customerId, source: 'message' }),
        );
      }
      const onOtherPage = await conversations.findLatestMany({
        channelId: 'PAGE_2',
        customerIds: ['PAGE_1:A'],
        source: 'message',
      });
      expect(onOtherPage.size).toBe(0);
      expect((await conversations.list({})).items.map((c) => c.id)).toEqual(['c4', 'c2', 'c1', 'c3']);
    });

    it('messages: getByMids returns the stored ones of a channel by mid; putMany writes each as put would', async (ctx) => {
      const { messages } = getStore();
      if (!messages.getByMids || !messages.putMany) return ctx.skip();
      const a = message({ id: 'm1', mid: 'mid.1', createdAt: 1 });
      const b = message({ id: 'm2', mid: 'mid.2', createdAt: 2, text: 'Second' });
      const pending = message({
        id: 'm3',
        direction: 'outbound',
        delivery: 'pending',
        author: { kind: 'agent' },
        createdAt: 3,
      });
      await messages.putMany([a, b, pending, { ...b, text: 'Second, edited' }]);
      const found = await messages.getByMids('PAGE_1', ['mid.1', 'mid.2', 'mid.9']);
      expect([...found.keys()].sort()).toEqual(['mid.1', 'mid.2']);
      expect(found.get('mid.2')?.text).toBe('Second, edited');
      expect(found.get('mid.1')).toEqual(await messages.getByMid('PAGE_1', 'mid.1'));
      expect((await messages.getByMids('PAGE_2', ['mid.1'])).size).toBe(0);
      expect((await messages.list('conv_1')).items.map((m) => m.id)).toEqual(['m3', 'm2', 'm1']);
      expect((await messages.listPending()).map((m) => m.id)).toEqual(['m3']);
      await expect(messages.putMany([{ ...a, id: '' }])).rejects.toThrow();
    });

    it('waiting: takeMany removes and returns the effects of several messages, in order, by mid', async (ctx) => {
      const { waiting } = getStore();
      if (!waiting?.takeMany) return ctx.skip();
      await waiting.add('PAGE_1', 'mid.1', { type: 'unsend' });
      await waiting.add('PAGE_1', 'mid.2', { type: 'edit', text: 'One', editCount: 1 });
      await waiting.add('PAGE_1', 'mid.2', { type: 'edit', text: 'Two', editCount: 2 });
      await waiting.add('PAGE_2', 'mid.1', { type: 'unsend' });
      const taken = await waiting.takeMany('PAGE_1', ['mid.1', 'mid.2', 'mid.3']);
      expect([...taken.keys()].sort()).toEqual(['mid.1', 'mid.2']);
      expect(taken.get('mid.2')).toEqual([
        { type: 'edit', text: 'One', editCount: 1 },
        { type: 'edit', text: 'Two', editCount: 2 },
      ]);
      expect(await waiting.take('PAGE_1', 'mid.2')).toEqual([]);
      expect(await waiting.take('PAGE_2', 'mid.1')).toEqual([{ type: 'unsend' }]);
    });
  });
}

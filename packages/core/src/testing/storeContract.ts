import { beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../model.js';
import type { Store } from '../store.js';
import { describeBulkContract } from './bulkContract.js';
import { testEntities } from './entities.js';
import { describeTenancyContract } from './tenancyContract.js';
import { describeThreadContract } from './threadContract.js';

const { channel, customer, conversation, message } = testEntities;

/** Tries to change an object a store returned; frozen objects throw in strict mode, which is fine. */
function tamper(apply: () => void): void {
  try {
    apply();
  } catch {
    // frozen: the store protects itself this way
  }
}

/**
 * The behaviour every `Store` must have, as a vitest suite: run it against an adapter to prove it can
 * replace `memoryStore()`. `makeStore` is called before every test and must return an empty store.
 * Covers every method: upserts, copies (a caller cannot change stored state through an object it
 * passed or got back), latest-conversation lookup, list filters, ordering and cursor paging,
 * message paging, `listBehind`, `listPending`, processed event ids, organisations (filters by
 * `organizationId` and `channelIds`), and the optional bulk methods the inbox batches with. When the store has `atomic`,
 * also its units: rollback, nesting, and no lost update between concurrent units (of `options.sibling`
 * too, when given); the `atomic` cases are skipped for a store without it. Likewise `waiting`: order,
 * removal on take, watermarks that only rise, and a take undone by a unit that rolls back.
 *
 * @example
 * // postgresStore.test.ts
 * import { describeStoreContract } from '@pagedesk/core/testing';
 * describeStoreContract('postgresStore', async () => {
 *   await db.truncateAll();
 *   return postgresStore(db);
 * });
 */
export function describeStoreContract(
  name: string,
  makeStore: () => Store | Promise<Store>,
  options: {
    /**
     * Another instance over the same data (as a second server would open it), for the `atomic`
     * section: its units and the first store's must never interleave. Called after `makeStore`.
     */
    sibling?: () => Store | Promise<Store>;
  } = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    describe('channels', () => {
      it('returns undefined for an unknown channel and an empty list at first', async () => {
        expect(await store.channels.get('nope')).toBeUndefined();
        expect(await store.channels.list()).toEqual([]);
      });
      it('upserts by id and lists every channel', async () => {
        await store.channels.put(channel({ id: 'A' }));
        await store.channels.put(channel({ id: 'B' }));
        await store.channels.put(channel({ id: 'A', name: 'Renamed' }));
        expect((await store.channels.get('A'))?.name).toBe('Renamed');
        const ids = (await store.channels.list()).map((c) => c.id).sort();
        expect(ids).toEqual(['A', 'B']);
      });
      it('keeps what was stored when the caller changes objects afterwards', async () => {
        const input = channel({ id: 'A' });
        await store.channels.put(input);
        input.name = 'changed after put';
        input.settings.agentIds.push('x');
        const got = await store.channels.get('A');
        tamper(() => {
          (got as { name: string }).name = 'changed after get';
        });
        const again = await store.channels.get('A');
        expect(again?.name).toBe('Acme Support');
        expect(again?.settings.agentIds).toEqual([]);
      });
    });

    describe('credentials', () => {
      it('puts, gets and deletes the secrets of a channel', async () => {
        expect(await store.credentials.get('A')).toBeUndefined();
        await store.credentials.put('A', { accessToken: 'token-a', connectedByUserId: 'u1' });
        expect(await store.credentials.get('A')).toEqual({ accessToken: 'token-a', connectedByUserId: 'u1' });
        await store.credentials.put('A', { accessToken: 'token-b' });
        expect((await store.credentials.get('A'))?.accessToken).toBe('token-b');
        await store.credentials.delete('A');
        expect(await store.credentials.get('A')).toBeUndefined();
        await store.credentials.delete('A');
      });
    });

    describe('customers', () => {
      it('upserts and gets by id', async () => {
        expect(await store.customers.get('PAGE_1:PSID_1')).toBeUndefined();
        await store.customers.put(customer());
        await store.customers.put(
          customer({ name: 'Ana B.', profileStatus: 'fetched', profileFetchedAt: 5 }),
        );
        expect(await store.customers.get('PAGE_1:PSID_1')).toEqual(
          customer({ name: 'Ana B.', profileStatus: 'fetched', profileFetchedAt: 5 }),
        );
      });
    });

    describe('conversations', () => {
      it('upserts and gets by id, keeping every field', async () => {
        const c = conversation({
          source: 'comment',
          comment: {
            commentId: 'c1',
            postId: 'p1',
            permalink: 'https://fb.com/p1',
            privateReplySentAt: null,
          },
          preview: 'Hi',
        });
        await store.conversations.put(c);
        expect(await store.conversations.get(c.id)).toEqual(c);
        await store.conversations.put({ ...c, status: 'resolved', resolvedAt: 9 });
        expect((await store.conversations.get(c.id))?.status).toBe('resolved');
        expect(await store.conversations.get('nope')).toBeUndefined();
      });

      it('finds the most recent conversation of a customer per channel and source, whatever its status', async () => {
        await store.conversations.put(
          conversation({ id: 'old', createdAt: 1, status: 'resolved', resolvedAt: 2 }),
        );
        await store.conversations.put(
          conversation({ id: 'new', createdAt: 10, status: 'resolved', resolvedAt: 11 }),
        );
        await store.conversations.put(
          conversation({ id: 'other-customer', createdAt: 20, customerId: 'PAGE_1:PSID_2' }),
        );
        await store.conversations.put(
          conversation({ id: 'other-channel', createdAt: 20, channelId: 'PAGE_2' }),
        );
        await store.conversations.put(
          conversation({
            id: 'comment',
            createdAt: 30,
            source: 'comment',
            comment: { commentId: 'c1', postId: 'p1', privateReplySentAt: null },
          }),
        );
        const q = { channelId: 'PAGE_1', customerId: 'PAGE_1:PSID_1' };
        expect((await store.conversations.findLatest({ ...q, source: 'message' }))?.id).toBe('new');
        expect((await store.conversations.findLatest({ ...q, source: 'comment' }))?.id).toBe('comment');
        expect((await store.conversations.findLatest({ ...q, source: 'comment', postId: 'p1' }))?.id).toBe(
          'comment',
        );
        expect(
          await store.conversations.findLatest({ ...q, source: 'comment', postId: 'p2' }),
        ).toBeUndefined();
        expect(
          await store.conversations.findLatest({
            channelId: 'PAGE_3',
            customerId: 'PAGE_1:PSID_1',
            source: 'message',
          }),
        ).toBeUndefined();
        // An update of an older conversation does not make it the latest.
        await store.conversations.put(conversation({ id: 'old', createdAt: 1, lastMessageAt: 99 }));
        expect((await store.conversations.findLatest({ ...q, source: 'message' }))?.id).toBe('new');
      });

      it('lists newest activity first (lastMessageAt descending, then id) with each filter', async () => {
        await store.customers.put(customer({ id: 'PAGE_1:PSID_1', name: 'Ana Lopez', username: 'ana.l' }));
        await store.customers.put(customer({ id: 'PAGE_1:PSID_2', psid: 'PSID_2', name: 'Bo Chen' }));
        const rows: Conversation[] = [
          conversation({ id: 'a', lastMessageAt: 10, unreadCount: 2, preview: 'Where is my ORDER?' }),
          conversation({
            id: 'b',
            lastMessageAt: 30,
            status: 'resolved',
            resolvedAt: 31,
            assigneeId: 'agent-1',
          }),
          conversation({ id: 'c', lastMessageAt: 20, customerId: 'PAGE_1:PSID_2', platform: 'instagram' }),
          conversation({ id: 'd', lastMessageAt: 20, channelId: 'PAGE_2', source: 'comment' }),
        ];
        for (const row of rows) await store.conversations.put(row);
        const ids = async (query: Parameters<Store['conversations']['list']>[0]) =>
          (await store.conversations.list(query)).items.map((c) => c.id);
        expect(await ids({})).toEqual(['b', 'c', 'd', 'a']);
        expect(await ids({ channelId: 'PAGE_2' })).toEqual(['d']);
        expect(await ids({ platform: 'instagram' })).toEqual(['c']);
        expect(await ids({ source: 'comment' })).toEqual(['d']);
        expect(await ids({ status: 'open' })).toEqual(['c', 'd', 'a']);
        expect(await ids({ assigneeId: 'agent-1' })).toEqual(['b']);
        expect(await ids({ assigneeId: null })).toEqual(['c', 'd', 'a']);
        expect(await ids({ unread: true })).toEqual(['a']);
        expect(await ids({ unread: false })).toEqual(['b', 'c', 'd']);
        expect(await ids({ search: 'order' })).toEqual(['a']);
        expect(await ids({ search: 'CHEN' })).toEqual(['c']);
        expect((await ids({ search: 'ana.l' })).sort()).toEqual(['a', 'b', 'd']);
        expect(await ids({ status: 'open', channelId: 'PAGE_1', search: 'bo' })).toEqual(['c']);
      });

      it('pages with cursors: every conversation once, 25 by default, at most 100', async () => {
        for (let i = 0; i < 130; i++) {
          await store.conversations.put(
            conversation({ id: `c${String(i).padStart(3, '0')}`, lastMessageAt: i % 40 }),
          );
        }
        const first = await store.conversations.list({});
        expect(first.items).toHaveLength(25);
        expect(first.nextCursor).not.toBeNull();
        const big = await store.conversations.list({ limit: 500 });
        expect(big.items).toHaveLength(100);

        const seen: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 20; page++) {
          const result = await store.conversations.list({ limit: 7, ...(cursor ? { cursor } : {}) });
          seen.push(...result.items.map((c) => c.id));
          if (result.nextCursor === null) break;
          cursor = result.nextCursor;
        }
        expect(seen).toHaveLength(130);
        expect(new Set(seen).size).toBe(130);
        const all = await Promise.all(seen.map((id) => store.conversations.get(id)));
        for (let i = 1; i < all.length; i++) {
          const a = all[i - 1]!;
          const b = all[i]!;
          expect(
            a.lastMessageAt > b.lastMessageAt || (a.lastMessageAt === b.lastMessageAt && a.id < b.id),
          ).toBe(true);
        }
        const last = await store.conversations.list({ limit: 100, ...(cursor ? { cursor } : {}) });
        expect(last.nextCursor).toBeNull();
      });

      it('rejects a limit below 1 with a PagedeskError', async () => {
        await expect(store.conversations.list({ limit: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
      });
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

    describe('events', () => {
      it('remembers processed event ids', async () => {
        expect(await store.events.has('e1')).toBe(false);
        await store.events.add('e1');
        await store.events.add('e1');
        expect(await store.events.has('e1')).toBe(true);
        expect(await store.events.has('e2')).toBe(false);
      });
    });

    describe('atomic (stores that have it)', () => {
      it('rolls back every write of a unit that throws and rethrows the same error', async (ctx) => {
        if (!store.atomic) return ctx.skip();
        await store.channels.put(channel({ id: 'KEEP' }));
        const failure = new Error('unit failed');
        let sawOwnWrite = false;
        const attempt = store.atomic(async () => {
          await store.channels.put(channel({ id: 'A' }));
          await store.channels.put(channel({ id: 'KEEP', name: 'Changed in the unit' }));
          await store.customers.put(customer());
          await store.conversations.put(conversation());
          await store.messages.put(message({ id: 'm1', mid: 'mid.1' }));
          await store.credentials.put('A', { accessToken: 'token' });
          await store.events.add('e1');
          // A unit reads its own writes.
          sawOwnWrite = (await store.channels.get('A'))?.id === 'A';
          throw failure;
        });
        await expect(attempt).rejects.toBe(failure);
        expect(sawOwnWrite).toBe(true);
        expect(await store.channels.get('A')).toBeUndefined();
        expect((await store.channels.get('KEEP'))?.name).toBe('Acme Support');
        expect(await store.customers.get('PAGE_1:PSID_1')).toBeUndefined();
        expect(await store.conversations.get('conv_1')).toBeUndefined();
        expect(await store.messages.get('m1')).toBeUndefined();
        expect(await store.messages.getByMid('PAGE_1', 'mid.1')).toBeUndefined();
        expect(await store.credentials.get('A')).toBeUndefined();
        expect(await store.events.has('e1')).toBe(false);
      });

      it('commits a unit that returns and resolves with its result', async (ctx) => {
        if (!store.atomic) return ctx.skip();
        const result = await store.atomic(async () => {
          await store.channels.put(channel({ id: 'A' }));
          await store.events.add('e1');
          return 42;
        });
        expect(result).toBe(42);
        expect((await store.channels.get('A'))?.id).toBe('A');
        expect(await store.events.has('e1')).toBe(true);
      });

      it('runs a nested unit inside the outer one: they commit or roll back together', async (ctx) => {
        const atomic = store.atomic?.bind(store);
        if (!atomic) return ctx.skip();
        const failure = new Error('outer failed');
        const attempt = atomic(async () => {
          const inner = await atomic(async () => {
            await store.channels.put(channel({ id: 'INNER' }));
            return 'inner';
          });
          expect(inner).toBe('inner');
          await store.channels.put(channel({ id: 'OUTER' }));
          throw failure;
        });
        await expect(attempt).rejects.toBe(failure);
        expect(await store.channels.get('INNER')).toBeUndefined();
        expect(await store.channels.get('OUTER')).toBeUndefined();

        await atomic(async () => {
          await atomic(async () => store.channels.put(channel({ id: 'INNER' })));
          await store.channels.put(channel({ id: 'OUTER' }));
        });
        expect((await store.channels.list()).map((c) => c.id).sort()).toEqual(['INNER', 'OUTER']);
      });

      it('never interleaves units: 20 concurrent read-modify-writes lose no update', async (ctx) => {
        if (!store.atomic) return ctx.skip();
        const other = options.sibling ? await options.sibling() : store;
        expect(typeof other.atomic).toBe('function');
        await store.conversations.put(conversation({ id: 'counter', unreadCount: 0 }));
        const bump = (target: Store) =>
          target.atomic!(async () => {
            const current = await target.conversations.get('counter');
            // Widen the window a lost update needs: another unit running now would read the same count.
            await new Promise((resolve) => setTimeout(resolve, 2));
            await target.conversations.put({ ...current!, unreadCount: current!.unreadCount + 1 });
          });
        await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? store : other)));
        expect((await store.conversations.get('counter'))?.unreadCount).toBe(20);
        expect((await other.conversations.get('counter'))?.unreadCount).toBe(20);
      });

      it('never interleaves units of one scope, nor a scoped unit with an unscoped one', async (ctx) => {
        if (!store.atomic) return ctx.skip();
        const other = options.sibling ? await options.sibling() : store;
        await store.conversations.put(conversation({ id: 'counter', unreadCount: 0 }));
        const bump = (target: Store, scope: string | undefined) =>
          target.atomic!(async () => {
            const current = await target.conversations.get('counter');
            await new Promise((resolve) => setTimeout(resolve, 2));
            await target.conversations.put({ ...current!, unreadCount: current!.unreadCount + 1 });
          }, scope);
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            bump(i % 2 === 0 ? store : other, i % 3 === 0 ? undefined : 'PAGE_1'),
          ),
        );
        expect((await store.conversations.get('counter'))?.unreadCount).toBe(20);
      });
    });

    describe('waiting (stores that have it)', () => {
      const reaction = (at: number) => ({
        type: 'reaction' as const,
        action: 'react' as const,
        emoji: '👍',
        at,
      });

      it('holds effects per channel and mid, hands them over in order once, then has none', async (ctx) => {
        const waiting = store.waiting;
        if (!waiting) return ctx.skip();
        expect(await waiting.take('PAGE_1', 'mid.1')).toEqual([]);
        await waiting.add('PAGE_1', 'mid.1', reaction(1));
        await waiting.add('PAGE_1', 'mid.1', { type: 'edit', text: 'Edited', editCount: 1 });
        await waiting.add('PAGE_1', 'mid.1', { type: 'delivery', state: 'read', at: 3 });
        await waiting.add('PAGE_2', 'mid.1', { type: 'unsend' });
        expect(await waiting.take('PAGE_1', 'mid.1')).toEqual([
          reaction(1),
          { type: 'edit', text: 'Edited', editCount: 1 },
          { type: 'delivery', state: 'read', at: 3 },
        ]);
        expect(await waiting.take('PAGE_1', 'mid.1')).toEqual([]);
        expect(await waiting.take('PAGE_2', 'mid.1')).toEqual([{ type: 'unsend' }]);
      });

      it('keeps the highest watermarks per customer; a read raises delivered too', async (ctx) => {
        const waiting = store.waiting;
        if (!waiting) return ctx.skip();
        expect(await waiting.watermarks('PAGE_1', 'PSID_1')).toBeUndefined();
        await waiting.raise('PAGE_1', 'PSID_1', 'delivered', 100);
        expect(await waiting.watermarks('PAGE_1', 'PSID_1')).toEqual({ delivered: 100, read: -Infinity });
        await waiting.raise('PAGE_1', 'PSID_1', 'read', 80);
        expect(await waiting.watermarks('PAGE_1', 'PSID_1')).toEqual({ delivered: 100, read: 80 });
        await waiting.raise('PAGE_1', 'PSID_1', 'read', 200);
        await waiting.raise('PAGE_1', 'PSID_1', 'delivered', 150);
        expect(await waiting.watermarks('PAGE_1', 'PSID_1')).toEqual({ delivered: 200, read: 200 });
        expect(await waiting.watermarks('PAGE_2', 'PSID_1')).toBeUndefined();
      });

      it('undoes a take when its unit rolls back', async (ctx) => {
        const { waiting, atomic } = store;
        if (!waiting || !atomic) return ctx.skip();
        await waiting.add('PAGE_1', 'mid.1', reaction(1));
        const failure = new Error('the message write failed');
        const attempt = atomic.call(store, async () => {
          expect(await waiting.take('PAGE_1', 'mid.1')).toEqual([reaction(1)]);
          throw failure;
        });
        await expect(attempt).rejects.toBe(failure);
        expect(await waiting.take('PAGE_1', 'mid.1')).toEqual([reaction(1)]);
      });
    });

    describeTenancyContract(() => store);
    describeBulkContract(() => store);
    describeThreadContract(() => store);
  });
}

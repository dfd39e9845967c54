import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { testEntities } from './entities.js';

const { channel, customer, conversation, message } = testEntities;

/**
 * The unit sections of the store contract, for stores that have them: `atomic` (rollback, nesting, no
 * lost update, also against `sibling`, another instance over the same data) and `waiting`. Called by
 * `describeStoreContract`; each case is skipped for a store without the method.
 */
export function describeUnitContract(getStore: () => Store, sibling?: () => Store | Promise<Store>): void {
  let store: Store;
  beforeEach(() => {
    store = getStore();
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
      const other = sibling ? await sibling() : store;
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
      const other = sibling ? await sibling() : store;
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
}

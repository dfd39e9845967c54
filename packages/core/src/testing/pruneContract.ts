import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';

/**
 * The behaviour of the optional `Store.prune`, as a vitest suite (skipped for a store without it):
 * what was recorded before the cutoff goes (processed event ids, waiting effects), what came after
 * stays, and the report counts what went. `makeStore` is called before every test and must return an
 * empty store.
 *
 * @example
 * describePruneContract('postgresStore', async () => { await truncate(); return store; });
 */
export function describePruneContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name} prune`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('keeps what was recorded after the cutoff', async (ctx) => {
      if (!store.prune) return ctx.skip();
      await store.events.add('e1');
      await store.waiting?.add('PAGE_1', 'mid.1', { type: 'unsend' });
      expect(await store.prune({ olderThan: Date.now() - 60_000 })).toEqual({ events: 0, waiting: 0 });
      expect(await store.events.has('e1')).toBe(true);
      if (store.waiting) expect(await store.waiting.take('PAGE_1', 'mid.1')).toEqual([{ type: 'unsend' }]);
    });

    it('deletes processed event ids and waiting effects recorded before it, and counts them', async (ctx) => {
      if (!store.prune) return ctx.skip();
      for (const id of ['e1', 'e2', 'e3']) await store.events.add(id);
      await store.waiting?.add('PAGE_1', 'mid.1', { type: 'unsend' });
      await store.waiting?.add('PAGE_2', 'mid.2', { type: 'edit', text: 'Edited', editCount: 1 });
      const report = await store.prune({ olderThan: Date.now() + 60_000 });
      expect(report).toEqual({ events: 3, waiting: store.waiting ? 2 : 0 });
      expect(await store.events.has('e1')).toBe(false);
      if (store.waiting) expect(await store.waiting.take('PAGE_1', 'mid.1')).toEqual([]);
      // A pruned id can be recorded again, and a second prune finds nothing more.
      await store.events.add('e1');
      expect(await store.events.has('e1')).toBe(true);
      expect(await store.prune({ olderThan: Date.now() - 60_000 })).toEqual({ events: 0, waiting: 0 });
    });

    it('refuses a cutoff that is not a finite number', async (ctx) => {
      if (!store.prune) return ctx.skip();
      await expect(store.prune({ olderThan: Number.NaN })).rejects.toThrow(/olderThan/);
      await expect(store.prune({} as never)).rejects.toThrow(/olderThan/);
    });
  });
}

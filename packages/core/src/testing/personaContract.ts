import { beforeEach, describe, expect, it } from 'vitest';
import type { PersonaRecord } from '../personaRecord.js';
import type { Store } from '../store.js';

/**
 * The behaviour of the optional `Store.personas` section, as a vitest suite (skipped for a store
 * without it): get by page and agent, upsert, keys kept apart, copies, and bad input refused.
 * `makeStore` is called before every test and must return an empty store.
 *
 * @example
 * describePersonaStoreContract('postgresStore', async () => { await truncate(); return store; });
 */
export function describePersonaStoreContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name} personas`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    const record = (overrides: Partial<PersonaRecord> = {}): PersonaRecord => ({
      channelId: 'PAGE_1',
      agentId: 'ana',
      personaId: 'persona_1',
      name: 'Ana',
      avatarUrl: 'https://host.example/ana.png',
      createdAt: 1_700_000_000_000,
      ...overrides,
    });

    it('gets what was put, by page and agent; a second put replaces it', async (context) => {
      if (!store.personas) return context.skip();
      expect(await store.personas.get('PAGE_1', 'ana')).toBeUndefined();
      await store.personas.put(record());
      expect(await store.personas.get('PAGE_1', 'ana')).toEqual(record());
      await store.personas.put(
        record({ personaId: 'persona_2', avatarUrl: 'https://host.example/ana-2.png' }),
      );
      expect(await store.personas.get('PAGE_1', 'ana')).toEqual(
        record({ personaId: 'persona_2', avatarUrl: 'https://host.example/ana-2.png' }),
      );
    });

    it('keeps pages and agents apart, and keys that look alike too', async (context) => {
      if (!store.personas) return context.skip();
      await store.personas.put(record());
      await store.personas.put(record({ agentId: 'ben', personaId: 'p_ben' }));
      await store.personas.put(record({ channelId: 'PAGE_1/x', agentId: 'y', personaId: 'p_tricky' }));
      expect((await store.personas.get('PAGE_2', 'ana'))?.personaId).toBeUndefined();
      expect((await store.personas.get('PAGE_1', 'ben'))?.personaId).toBe('p_ben');
      expect((await store.personas.get('PAGE_1', 'x/y'))?.personaId).toBeUndefined();
      expect((await store.personas.get('PAGE_1/x', 'y'))?.personaId).toBe('p_tricky');
    });

    it('stores a copy: changing the object put or got back changes nothing stored', async (context) => {
      if (!store.personas) return context.skip();
      const given = record();
      await store.personas.put(given);
      given.personaId = 'changed';
      const got = await store.personas.get('PAGE_1', 'ana');
      try {
        (got as PersonaRecord).personaId = 'changed too';
      } catch {
        // frozen: fine
      }
      expect((await store.personas.get('PAGE_1', 'ana'))?.personaId).toBe('persona_1');
    });

    it('refuses a malformed record or key, naming the field', async (context) => {
      if (!store.personas) return context.skip();
      await expect(store.personas.put(record({ personaId: '' }))).rejects.toThrow(/personaId/);
      await expect(store.personas.get('', 'ana')).rejects.toThrow(/channelId/);
    });
  });
}

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import type { ReplyTemplate } from '../templates.js';

/**
 * The behaviour of the optional `Store.templates` section, as a vitest suite (skipped for a store
 * without it): get, upsert, list per organisation in name order, delete, copies, bad input refused.
 * `makeStore` is called before every test and must return an empty store.
 *
 * @example
 * describeTemplateStoreContract('postgresStore', async () => { await truncate(); return store; });
 */
export function describeTemplateStoreContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name} templates`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    const template = (overrides: Partial<ReplyTemplate> = {}): ReplyTemplate => ({
      id: 'tpl_1',
      organizationId: 'org_a',
      name: 'Greeting',
      parts: [{ text: 'Hi {{customer.firstName|there}}' }, { text: 'How can we help?' }],
      channelIds: null,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
      ...overrides,
    });

    it('gets what was put; a second put replaces it', async (context) => {
      if (!store.templates) return context.skip();
      expect(await store.templates.get('tpl_1')).toBeUndefined();
      await store.templates.put(template());
      expect(await store.templates.get('tpl_1')).toEqual(template());
      await store.templates.put(template({ name: 'Hello', channelIds: ['PAGE_1'], updatedBy: 'ana' }));
      expect(await store.templates.get('tpl_1')).toEqual(
        template({ name: 'Hello', channelIds: ['PAGE_1'], updatedBy: 'ana' }),
      );
    });

    it("lists one organisation's templates by name, and those without one apart", async (context) => {
      if (!store.templates) return context.skip();
      await store.templates.put(template({ id: 't3', name: 'refund' }));
      await store.templates.put(template({ id: 't2', name: 'Apology' }));
      await store.templates.put(template({ id: 't1', name: 'apology' }));
      await store.templates.put(template({ id: 'b1', organizationId: 'org_b', name: 'Other' }));
      const { organizationId: _none, ...single } = template({ id: 's1', name: 'Single' });
      await store.templates.put(single);
      expect((await store.templates.list({ organizationId: 'org_a' })).map((t) => t.id)).toEqual([
        't1',
        't2',
        't3',
      ]);
      expect((await store.templates.list({ organizationId: 'org_b' })).map((t) => t.id)).toEqual(['b1']);
      expect((await store.templates.list({ organizationId: null })).map((t) => t.id)).toEqual(['s1']);
      expect(await store.templates.list({ organizationId: 'org_c' })).toEqual([]);
    });

    it('deletes and says whether it existed', async (context) => {
      if (!store.templates) return context.skip();
      await store.templates.put(template());
      expect(await store.templates.delete('tpl_1')).toBe(true);
      expect(await store.templates.delete('tpl_1')).toBe(false);
      expect(await store.templates.get('tpl_1')).toBeUndefined();
    });

    it('stores a copy: changing the object put or got back changes nothing stored', async (context) => {
      if (!store.templates) return context.skip();
      const given = template();
      await store.templates.put(given);
      given.name = 'changed';
      const got = (await store.templates.get('tpl_1')) as ReplyTemplate;
      try {
        got.name = 'changed too';
      } catch {
        // A frozen copy is fine too.
      }
      expect((await store.templates.get('tpl_1'))?.name).toBe('Greeting');
    });

    it('refuses a malformed template, naming the field', async (context) => {
      if (!store.templates) return context.skip();
      await expect(store.templates.put({ ...template(), parts: [] })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringContaining('parts'),
      });
      await expect(store.templates.get('')).rejects.toMatchObject({ code: 'invalid_input' });
    });
  });
}

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { describeBulkContract } from './bulkContract.js';
import { tamper } from './contractSetup.js';
import { describeConversationContract } from './conversationContract.js';
import { testEntities } from './entities.js';
import { describeMessageContract } from './messageContract.js';
import { describeTenancyContract } from './tenancyContract.js';
import { describeThreadContract } from './threadContract.js';
import { describeUnitContract } from './unitContract.js';

const { channel, customer } = testEntities;

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

    describe('events', () => {
      it('remembers processed event ids', async () => {
        expect(await store.events.has('e1')).toBe(false);
        await store.events.add('e1');
        await store.events.add('e1');
        expect(await store.events.has('e1')).toBe(true);
        expect(await store.events.has('e2')).toBe(false);
      });
    });

    describeConversationContract(() => store);
    describeMessageContract(() => store);
    describeUnitContract(() => store, options.sibling);
    describeTenancyContract(() => store);
    describeBulkContract(() => store);
    describeThreadContract(() => store);
  });
}

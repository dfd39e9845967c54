import { beforeEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../model.js';
import type { ConversationQuery, Store } from '../store.js';
import { testEntities } from './entities.js';

const { channel, conversation } = testEntities;

/**
 * The organisation section of the store contract: the `organizationId` and `channelIds` filters of
 * `channels.list` and `conversations.list`. Called by `describeStoreContract`; `getStore` returns the
 * empty store made for the current test.
 */
export function describeTenancyContract(getStore: () => Store): void {
  describe('organisations', () => {
    let store: Store;
    beforeEach(() => {
      store = getStore();
    });

    const ids = async (query: ConversationQuery) =>
      (await store.conversations.list(query)).items.map((c) => c.id);

    it('lists the channels of one organisation, or of none with null', async () => {
      await store.channels.put(channel({ id: 'A1', organizationId: 'org_a' }));
      await store.channels.put(channel({ id: 'A2', organizationId: 'org_a' }));
      await store.channels.put(channel({ id: 'B1', organizationId: 'org_b' }));
      await store.channels.put(channel({ id: 'N1' }));
      const list = async (filter?: Parameters<Store['channels']['list']>[0]) =>
        (await store.channels.list(filter)).map((c) => c.id).sort();
      expect(await list()).toEqual(['A1', 'A2', 'B1', 'N1']);
      expect(await list({})).toEqual(['A1', 'A2', 'B1', 'N1']);
      expect(await list({ organizationId: 'org_a' })).toEqual(['A1', 'A2']);
      expect(await list({ organizationId: 'org_b' })).toEqual(['B1']);
      expect(await list({ organizationId: null })).toEqual(['N1']);
      expect(await list({ organizationId: 'org_c' })).toEqual([]);
      // A channel that moves to another organisation leaves the first one's list.
      await store.channels.put(channel({ id: 'A2', organizationId: 'org_b' }));
      expect(await list({ organizationId: 'org_a' })).toEqual(['A1']);
      expect(await list({ organizationId: 'org_b' })).toEqual(['A2', 'B1']);
    });

    it('filters conversations by organisation (null: those without one) and by a set of channels', async () => {
      const rows: Conversation[] = [
        conversation({ id: 'a1', channelId: 'A1', organizationId: 'org_a', lastMessageAt: 50 }),
        conversation({ id: 'a2', channelId: 'A2', organizationId: 'org_a', lastMessageAt: 40 }),
        conversation({ id: 'b1', channelId: 'B1', organizationId: 'org_b', lastMessageAt: 45 }),
        conversation({ id: 'n1', channelId: 'N1', lastMessageAt: 30 }),
      ];
      for (const row of rows) await store.conversations.put(row);
      expect(await ids({})).toEqual(['a1', 'b1', 'a2', 'n1']);
      expect(await ids({ organizationId: 'org_a' })).toEqual(['a1', 'a2']);
      expect(await ids({ organizationId: 'org_b' })).toEqual(['b1']);
      expect(await ids({ organizationId: null })).toEqual(['n1']);
      expect(await ids({ organizationId: 'org_c' })).toEqual([]);
      expect(await ids({ channelIds: ['A2', 'B1'] })).toEqual(['b1', 'a2']);
      expect(await ids({ channelIds: ['A2'] })).toEqual(['a2']);
      expect(await ids({ channelIds: [] })).toEqual([]);
      expect(await ids({ channelIds: [], organizationId: 'org_a' })).toEqual([]);
      // Filters combine: a channel of another organisation yields nothing.
      expect(await ids({ organizationId: 'org_a', channelIds: ['B1', 'A2'] })).toEqual(['a2']);
      expect(await ids({ organizationId: 'org_a', channelId: 'B1' })).toEqual([]);
      expect(await ids({ organizationId: null, channelIds: ['N1', 'A1'] })).toEqual(['n1']);
      expect((await store.conversations.list({ channelIds: [] })).nextCursor).toBeNull();
    });

    it('pages one organisation with cursors, never reaching another', async () => {
      for (let i = 0; i < 30; i++) {
        const org = i % 3 === 0 ? 'org_b' : 'org_a';
        await store.conversations.put(
          conversation({
            id: `c${String(i).padStart(2, '0')}`,
            channelId: org === 'org_a' ? 'A1' : 'B1',
            organizationId: org,
            lastMessageAt: i % 7,
            unreadCount: i % 2,
          }),
        );
      }
      for (const [query, expected] of [
        [{ organizationId: 'org_a' }, 20],
        [{ organizationId: 'org_b' }, 10],
        [{ organizationId: 'org_a', unread: true }, 10],
        [{ organizationId: 'org_b', status: 'open', assigneeId: null }, 10],
      ] as const) {
        const seen: Conversation[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 20; page++) {
          const result = await store.conversations.list({
            ...query,
            limit: 3,
            ...(cursor ? { cursor } : {}),
          });
          seen.push(...result.items);
          if (result.nextCursor === null) break;
          cursor = result.nextCursor;
        }
        expect(seen).toHaveLength(expected);
        expect(new Set(seen.map((c) => c.id)).size).toBe(expected);
        expect(seen.every((c) => c.organizationId === query.organizationId)).toBe(true);
      }
    });
  });
}

import { beforeEach, describe, expect, it } from 'vitest';
import { compareConversations, matchesConversationQuery } from '../conversationQuery.js';
import type { Conversation } from '../model.js';
import type { Store } from '../store.js';
import { testEntities } from './entities.js';

const { customer, conversation } = testEntities;

/**
 * The conversation section of the store contract: upserts, latest-conversation lookup, list filters
 * (core's `matchesConversationQuery`), order (`compareConversations`) and cursor paging. Called by
 * `describeStoreContract`.
 */
export function describeConversationContract(getStore: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = getStore();
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
          latestId: 'c2',
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
      expect(await store.conversations.findLatest({ ...q, source: 'comment', postId: 'p2' })).toBeUndefined();
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
      // The rank follows createdAt as stored now: the latest moved below another is the latest no more.
      await store.conversations.put(conversation({ id: 'new', createdAt: 0 }));
      expect((await store.conversations.findLatest({ ...q, source: 'message' }))?.id).toBe('old');
      await store.conversations.put(conversation({ id: 'new', createdAt: 10 }));
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

    it("matches core's list predicate and order for every filter and search", async () => {
      const people = [
        customer({ id: 'PAGE_1:P1', psid: 'P1', name: 'Ana Lopez', username: 'ana_l' }),
        customer({ id: 'PAGE_1:P2', psid: 'P2', name: 'BO CHEN' }),
        customer({
          id: 'PAGE_2:P3',
          channelId: 'PAGE_2',
          psid: 'P3',
          name: 'Chloé 100% Real',
          username: 'chloe',
        }),
        customer({ id: 'PAGE_2:P4', channelId: 'PAGE_2', psid: 'P4', name: 'Dee' }),
      ];
      for (const person of people) await store.customers.put(person);
      const rows: Conversation[] = people.flatMap((person, i) =>
        [0, 1, 2].map((k) =>
          conversation({
            id: `x${i}${k}`,
            channelId: person.channelId,
            customerId: person.id,
            platform: i === 3 ? 'instagram' : 'messenger',
            source: k === 2 ? 'comment' : 'message',
            status: k === 1 ? 'resolved' : 'open',
            assigneeId: k === 0 ? null : `agent-${i % 2}`,
            unreadCount: (i + k) % 3,
            lastMessageAt: 1000 - ((i * 3 + k) % 5) * 10,
            ...(k === 0 ? { preview: i % 2 ? 'Where is my ORDER #5?' : 'price_list please' } : {}),
            ...(i === 1 ? { organizationId: 'org_b' } : {}),
          }),
        ),
      );
      for (const row of rows) await store.conversations.put(row);
      const queries: Array<Parameters<Store['conversations']['list']>[0]> = [
        {},
        { status: 'resolved' },
        { channelId: 'PAGE_2', source: 'message' },
        { channelIds: ['PAGE_2'] },
        { channelIds: [] },
        { organizationId: 'org_b' },
        { organizationId: null },
        { platform: 'instagram' },
        { assigneeId: null },
        { assigneeId: 'agent-1', unread: true },
        { unread: false },
        { search: 'order' },
        { search: ' bo chen ' },
        { search: 'CHLOÉ' },
        { search: '100%' },
        { search: 'e_l' },
        { search: '_' },
        { search: 'ana', status: 'open', channelId: 'PAGE_1' },
        { search: '   ' },
      ];
      for (const query of queries) {
        const expected = rows
          .map((c) => ({ ...c, customer: people.find((p) => p.id === c.customerId) }))
          .filter((c) => matchesConversationQuery(c, query))
          .sort(compareConversations)
          .map((c) => c.id);
        const got = (await store.conversations.list({ ...query, limit: 100 })).items.map((c) => c.id);
        expect(got, JSON.stringify(query)).toEqual(expected);
      }
    });

    it('rejects a limit below 1 with a PagedeskError', async () => {
      await expect(store.conversations.list({ limit: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
    });
  });
}

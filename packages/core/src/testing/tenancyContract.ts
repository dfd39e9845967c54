import { beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../model.js';
import type { ConversationQuery, Store } from '../store.js';
import { testEntities } from './entities.js';

const { channel, customer, conversation, message } = testEntities;

/**
 * Two organisations whose pages look alike: the same PSID, names, previews, mids, post ids and
 * agent ids, so only the organisation (and the page) tells their rows apart.
 */
async function twoLookAlikeOrganisations(store: Store) {
  const orgs = [
    { org: 'org_a', page: 'PAGE_A' },
    { org: 'org_b', page: 'PAGE_B' },
  ] as const;
  for (const { org, page } of orgs) {
    await store.channels.put(channel({ id: page, organizationId: org, name: 'Support' }));
    await store.credentials.put(page, { accessToken: `token-of-${page}` });
    await store.customers.put(
      customer({ channelId: page, psid: 'PSID_SAME', organizationId: org, name: 'Ana Lopez' }),
    );
    const conv = (id: string, extra: Partial<Conversation> = {}) =>
      conversation({
        id: `${page}-${id}`,
        channelId: page,
        organizationId: org,
        customerId: `${page}:PSID_SAME`,
        preview: 'Where is my order?',
        ...extra,
      });
    await store.conversations.put(conv('open', { lastMessageAt: 100, unreadCount: 1 }));
    await store.conversations.put(conv('mine', { lastMessageAt: 90, assigneeId: 'agent-1' }));
    await store.conversations.put(
      conv('comment', {
        lastMessageAt: 80,
        source: 'comment',
        status: 'resolved',
        resolvedAt: 81,
        comment: { commentId: 'cmt_1', postId: 'post_1', privateReplySentAt: null },
      }),
    );
    const msg = (id: string, extra: Partial<Message> = {}) =>
      message({ id: `${page}-${id}`, channelId: page, conversationId: `${page}-open`, ...extra });
    await store.messages.put(msg('in', { mid: 'mid.same', createdAt: 100 }));
    await store.messages.put(msg('out', { direction: 'outbound', delivery: 'pending', createdAt: 101 }));
    await store.messages.put(
      msg('c', { conversationId: `${page}-comment`, mid: 'mid.comment', createdAt: 80 }),
    );
    await store.waiting?.add(page, 'mid.later', { type: 'unsend' });
    await store.waiting?.raise(page, 'PSID_SAME', 'read', 100);
  }
}

/**
 * The organisation section of the store contract: the `organizationId` and `channelIds` filters of
 * `channels.list` and `conversations.list`, two look-alike organisations (the same PSID on two pages)
 * that no query mixes up, and `channels.purge`. Called by `describeStoreContract`; `getStore` returns the
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
      expect(await ids({ channelIds: ['A2', 'B1', 'A2', 'NOPE'] })).toEqual(['b1', 'a2']);
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

    it('keeps two look-alike organisations apart through every query', async () => {
      await twoLookAlikeOrganisations(store);
      for (const [org, page, other] of [
        ['org_a', 'PAGE_A', 'PAGE_B'],
        ['org_b', 'PAGE_B', 'PAGE_A'],
      ] as const) {
        const queries: ConversationQuery[] = [
          {},
          { status: 'open' },
          { status: 'open', assigneeId: null },
          { assigneeId: 'agent-1' },
          { assigneeId: null },
          { unread: true },
          { unread: false },
          { source: 'comment' },
          { platform: 'messenger' },
          { search: 'ana' },
          { search: 'order' },
          { channelIds: [page, other] },
          { limit: 1 },
        ];
        for (const query of queries) {
          const page1 = await store.conversations.list({ ...query, organizationId: org });
          expect(page1.items.length, JSON.stringify(query)).toBeGreaterThan(0);
          expect(page1.items.every((c) => c.channelId === page && c.organizationId === org)).toBe(true);
          if (page1.nextCursor) {
            const next = await store.conversations.list({
              ...query,
              organizationId: org,
              cursor: page1.nextCursor,
            });
            expect(next.items.every((c) => c.organizationId === org)).toBe(true);
          }
        }
        expect(await ids({ organizationId: org, channelId: other })).toEqual([]);
        expect(await ids({ organizationId: org, channelIds: [other] })).toEqual([]);
        expect((await store.channels.list({ organizationId: org })).map((c) => c.id)).toEqual([page]);
        const latest = await store.conversations.findLatest({
          channelId: page,
          customerId: `${page}:PSID_SAME`,
          source: 'comment',
          postId: 'post_1',
        });
        expect(latest?.id).toBe(`${page}-comment`);
        expect((await store.messages.getByMid(page, 'mid.same'))?.id).toBe(`${page}-in`);
        const thread = await store.messages.list(`${page}-open`);
        expect(thread.items.map((m) => m.id)).toEqual([`${page}-out`, `${page}-in`]);
        expect((await store.customers.get(`${page}:PSID_SAME`))?.organizationId).toBe(org);
        expect((await store.credentials.get(page))?.accessToken).toBe(`token-of-${page}`);
      }
      expect(await ids({ organizationId: null })).toEqual([]);
    });

    it("purges one organisation's channel and everything reached through it, and nothing of the other", async () => {
      await twoLookAlikeOrganisations(store);
      const report = await store.channels.purge('PAGE_A');
      expect(report).toEqual({
        channelId: 'PAGE_A',
        channel: true,
        conversations: 3,
        messages: 3,
        customers: 1,
        credentials: true,
        waiting: store.waiting ? 2 : 0,
      });
      expect(await store.channels.get('PAGE_A')).toBeUndefined();
      expect(await store.credentials.get('PAGE_A')).toBeUndefined();
      expect(await store.customers.get('PAGE_A:PSID_SAME')).toBeUndefined();
      expect(await store.conversations.get('PAGE_A-open')).toBeUndefined();
      expect(await store.messages.get('PAGE_A-in')).toBeUndefined();
      expect(await store.messages.getByMid('PAGE_A', 'mid.same')).toBeUndefined();
      expect((await store.messages.list('PAGE_A-open')).items).toEqual([]);
      expect(await store.messages.listBehind('PAGE_A-open', 1000, 'read')).toEqual([]);
      expect(
        await store.conversations.findLatest({
          channelId: 'PAGE_A',
          customerId: 'PAGE_A:PSID_SAME',
          source: 'message',
        }),
      ).toBeUndefined();
      expect(await ids({ organizationId: 'org_a' })).toEqual([]);
      expect((await store.messages.listPending()).map((m) => m.id)).toEqual(['PAGE_B-out']);
      if (store.waiting) {
        expect(await store.waiting.take('PAGE_A', 'mid.later')).toEqual([]);
        expect(await store.waiting.watermarks('PAGE_A', 'PSID_SAME')).toBeUndefined();
        expect(await store.waiting.watermarks('PAGE_B', 'PSID_SAME')).toEqual({ delivered: 100, read: 100 });
      }
      // The other organisation keeps every row.
      expect(await ids({ organizationId: 'org_b' })).toEqual([
        'PAGE_B-open',
        'PAGE_B-mine',
        'PAGE_B-comment',
      ]);
      expect((await store.messages.getByMid('PAGE_B', 'mid.same'))?.id).toBe('PAGE_B-in');
      expect(await store.credentials.get('PAGE_B')).toEqual({ accessToken: 'token-of-PAGE_B' });
      expect((await store.channels.list()).map((c) => c.id)).toEqual(['PAGE_B']);

      // Purging again (or an unknown channel) removes nothing and says so; the page can come back.
      expect(await store.channels.purge('PAGE_A')).toEqual({
        channelId: 'PAGE_A',
        channel: false,
        conversations: 0,
        messages: 0,
        customers: 0,
        credentials: false,
        waiting: 0,
      });
      await store.channels.put(channel({ id: 'PAGE_A', organizationId: 'org_b' }));
      expect((await store.channels.list({ organizationId: 'org_b' })).map((c) => c.id).sort()).toEqual([
        'PAGE_A',
        'PAGE_B',
      ]);
    });
  });
}

import type { ConversationWithCustomer } from '@pagedesk/core';
import { compareConversations } from '@pagedesk/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstSorted } from '../fakeData.js';
import { createFakeTransport } from '../fakeTransport.js';
import { NOW } from './helpers.js';

describe('the fake transport pages', () => {
  it('serves the same pages as a full sort, without sorting every row for the first ones', () => {
    const { data } = createFakeTransport({ now: () => NOW, conversations: 300, messagesPerConversation: 1 });
    fc.assert(
      fc.property(
        fc.subarray(data.conversations),
        fc.integer({ min: 1, max: 120 }),
        fc.boolean(),
        (list, count, unreadOnly) => {
          const keep = (c: ConversationWithCustomer) => !unreadOnly || c.unreadCount > 0;
          const expected = list.filter(keep).sort(compareConversations);
          const { head, total } = firstSorted(list, count, keep);
          expect(total).toBe(expected.length);
          expect(head.slice(0, count).map((c) => c.id)).toEqual(expected.slice(0, count).map((c) => c.id));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pages through every conversation once, in list order', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 230, messagesPerConversation: 1 });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result = await transport.listConversations({ limit: 50, ...(cursor ? { cursor } : {}) });
      seen.push(...result.items.map((c) => c.id));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual([...transport.data.conversations].sort(compareConversations).map((c) => c.id));
  });
});

describe('the fake transport search', () => {
  it('matches message bodies as the stores do, not only names and previews', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 6, messagesPerConversation: 2 });
    const target = transport.data.conversations[2] as ConversationWithCustomer;
    transport.receive(target.id, { text: 'My parcel ZX-4471 is lost' });
    transport.receive(target.id, { text: 'Thanks' });
    const found = await transport.listConversations({ search: 'zx-4471' });
    expect(found.items.map((c) => c.id)).toEqual([target.id]);
    expect(
      (await transport.listConversations({ search: 'zx-4471', channelId: 'another-page' })).items,
    ).toEqual([]);
  });
});

import './helpers.js';
import type { ConversationWithCustomer, Message } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { upsertConversationPages, upsertMessagePages } from '../liveCache.js';
import { compareConversations } from '../queryKeys.js';
import { NOW } from './helpers.js';

function conversationPages(count: number, pageSize: number, lastCursor: string | null = null) {
  const transport = createFakeTransport({ now: () => NOW, conversations: count, seed: 7 });
  const sorted = [...transport.data.conversations].sort(compareConversations);
  const pages: Array<{ items: ConversationWithCustomer[]; nextCursor: string | null }> = [];
  for (let i = 0; i < sorted.length; i += pageSize) {
    const last = i + pageSize >= sorted.length;
    pages.push({ items: sorted.slice(i, i + pageSize), nextCursor: last ? lastCursor : `c${i}` });
  }
  return { pages, pageParams: pages.map((_, i) => (i === 0 ? null : `c${i}`)), sorted };
}

describe('upsertConversationPages', () => {
  it('moves an updated conversation to the top and copies only the pages that change', () => {
    const data = conversationPages(40, 10);
    const moved = data.sorted[25] as ConversationWithCustomer;
    const top = data.sorted[0] as ConversationWithCustomer;
    const updated = { ...moved, lastMessageAt: top.lastMessageAt + 1_000 };
    const next = upsertConversationPages(data, updated, {});
    expect(next.pages.flatMap((p) => p.items.map((c) => c.id))).toEqual([
      moved.id,
      ...data.sorted.filter((c) => c.id !== moved.id).map((c) => c.id),
    ]);
    expect(next.pages[0]?.items).toHaveLength(11);
    expect(next.pages[2]?.items).toHaveLength(9);
    // Untouched pages keep their identity (no per-event copy of every loaded conversation)…
    expect(next.pages[1]).toBe(data.pages[1]);
    expect(next.pages[3]).toBe(data.pages[3]);
    // …and the cached input is never mutated.
    expect(data.pages[0]?.items).toHaveLength(10);
    expect(data.pages[2]?.items).toHaveLength(10);
  });

  it('removes a conversation that stops matching, and leaves a list it was never in as it is', () => {
    const data = conversationPages(20, 10);
    const target = data.sorted[3] as ConversationWithCustomer;
    const resolved = { ...target, status: 'resolved' as const };
    const next = upsertConversationPages(data, resolved, { status: 'open' });
    expect(next.pages.flatMap((p) => p.items).some((c) => c.id === target.id)).toBe(false);
    expect(next.pages[1]).toBe(data.pages[1]);
    const outside = { ...resolved, id: 'not-loaded' };
    expect(upsertConversationPages(data, outside, { status: 'open' })).toBe(data);
  });

  it('appends past the end only when the list has no more pages', () => {
    const oldest = (list: ConversationWithCustomer[]) => list.at(-1) as ConversationWithCustomer;
    const done = conversationPages(20, 10);
    const older = {
      ...oldest(done.sorted),
      id: 'older',
      lastMessageAt: oldest(done.sorted).lastMessageAt - 1,
    };
    expect(upsertConversationPages(done, older, {}).pages.at(-1)?.items.at(-1)?.id).toBe('older');
    expect(done.pages.at(-1)?.items.at(-1)?.id).not.toBe('older');
    const more = conversationPages(20, 10, 'next');
    const next = upsertConversationPages(more, older, {});
    expect(next.pages.flatMap((p) => p.items).some((c) => c.id === 'older')).toBe(false);
  });
});

describe('upsertMessagePages', () => {
  it('inserts a new message into the newest page only', () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1, messagesPerConversation: 30 });
    const id = transport.data.conversations[0]?.id as string;
    const newestFirst = transport.data.messages(id);
    const data = {
      pages: [
        { items: newestFirst.slice(0, 15), nextCursor: 'older' },
        { items: newestFirst.slice(15), nextCursor: null },
      ],
      pageParams: [null, 'older'],
    };
    const message = { ...(newestFirst[0] as Message), id: 'fresh', createdAt: NOW + 1 };
    const next = upsertMessagePages(data, message);
    expect(next.pages[0]?.items[0]?.id).toBe('fresh');
    expect(next.pages[1]).toBe(data.pages[1]);
    expect(data.pages[0]?.items).toHaveLength(15);
  });
});

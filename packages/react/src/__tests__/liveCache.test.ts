import { compareConversations } from '@pagedesk/core';
import './helpers.js';
import type { ConversationWithCustomer, Message } from '@pagedesk/core';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import {
  patchConversation,
  sharePagesById,
  upsertConversationPages,
  upsertMessagePages,
} from '../liveCache.js';
import { pagedeskKeys } from '../queryKeys.js';
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

  it('keeps a search hit listed when a reply replaces the preview (bodies match on the server)', () => {
    const data = conversationPages(20, 10);
    const target = data.sorted[3] as ConversationWithCustomer;
    const hit = { ...target, preview: 'Where is order 1042?' };
    const listed = { pages: [{ items: [hit], nextCursor: null }], pageParams: [null] };
    const replied = { ...hit, preview: 'It ships today', lastMessageAt: hit.lastMessageAt + 1 };
    const next = upsertConversationPages(listed, replied, { search: 'order 1042' });
    expect(next.pages[0]?.items.map((c) => c.preview)).toEqual(['It ships today']);
    // The other filters still apply, and a conversation the search never listed is left to the server.
    expect(
      upsertConversationPages(
        listed,
        { ...replied, status: 'resolved' },
        { search: 'order 1042', status: 'open' },
      ).pages[0]?.items,
    ).toEqual([]);
    expect(upsertConversationPages(listed, { ...replied, id: 'other' }, { search: 'order 1042' })).toBe(
      listed,
    );
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

  it('never moves a receipt backwards when the send answer arrives after the live "read"', () => {
    const base = {
      ...(createFakeTransport({ now: () => NOW, conversations: 1 }).data.messages('conv-1')[0] as Message),
    };
    const read: Message = { ...base, id: 'out', direction: 'outbound', delivery: 'read', readAt: NOW + 2 };
    const data = { pages: [{ items: [read], nextCursor: null }], pageParams: [null] };
    const late: Message = { ...read, delivery: 'sent', sentAt: NOW + 1 };
    delete late.readAt;
    const next = upsertMessagePages(data, late).pages[0]?.items[0];
    expect(next).toMatchObject({ delivery: 'read', readAt: NOW + 2, sentAt: NOW + 1 });
    // A failed or pending state (a retry) still replaces it.
    expect(upsertMessagePages(data, { ...read, delivery: 'pending' }).pages[0]?.items[0]?.delivery).toBe(
      'pending',
    );
  });
});

describe('sharePagesById', () => {
  it('keeps the identity of unchanged items that moved, where index-based sharing made new ones', () => {
    const data = conversationPages(30, 10);
    const moved = data.sorted[15] as ConversationWithCustomer;
    // What a refetch returns: equal copies, one conversation moved to the top and changed.
    const copies = structuredClone(data.sorted);
    const changed = { ...(copies[15] as ConversationWithCustomer), lastMessageAt: NOW + 1, preview: 'new' };
    const reordered = [changed, ...copies.filter((c) => c.id !== moved.id)];
    const next = {
      pages: [0, 10, 20].map((i, p) => ({
        items: reordered.slice(i, i + 10),
        nextCursor: data.pages[p]?.nextCursor ?? null,
      })),
      pageParams: data.pageParams,
    };
    const shared = sharePagesById(data, next) as typeof data;
    const byId = new Map(data.sorted.map((c) => [c.id, c] as const));
    for (const item of shared.pages.flatMap((p) => p.items)) {
      if (item.id === moved.id) {
        expect(item).not.toBe(moved);
        expect(item.preview).toBe('new');
        // Its unchanged parts are still shared.
        expect(item.customer).toBe(moved.customer);
      } else expect(item).toBe(byId.get(item.id));
    }
  });

  it('returns the previous data when nothing changed, and reuses unchanged pages', () => {
    const data = conversationPages(30, 10);
    expect(sharePagesById(data, structuredClone(data))).toBe(data);
    const next = structuredClone(data);
    (next.pages[2]?.items[0] as ConversationWithCustomer).preview = 'changed';
    const shared = sharePagesById(data, next) as typeof data;
    expect(shared).not.toBe(data);
    expect(shared.pages[0]).toBe(data.pages[0]);
    expect(shared.pages[1]).toBe(data.pages[1]);
    expect(shared.pages[2]).not.toBe(data.pages[2]);
  });

  it('falls back to deep sharing for data that is not a page list', () => {
    const before = { a: [1, 2], b: { c: 1 } };
    const after = sharePagesById(before, { a: [1, 2], b: { c: 2 } }) as typeof before;
    expect(after.a).toBe(before.a);
    expect(after.b).toEqual({ c: 2 });
  });
});

describe('patchConversation', () => {
  it('drops a state older than the one held (two servers published out of order), takes newer and equal ones', () => {
    const client = new QueryClient();
    const data = conversationPages(5, 10);
    const target = data.sorted[2] as ConversationWithCustomer;
    client.setQueryData(pagedeskKeys.conversations({}), data);
    client.setQueryData(pagedeskKeys.conversation(target.id), target);
    const held = () => client.getQueryData<ConversationWithCustomer>(pagedeskKeys.conversation(target.id));
    const listed = () =>
      client
        .getQueryData<typeof data>(pagedeskKeys.conversations({}))
        ?.pages[0]?.items.find((c) => c.id === target.id);

    const assigned = { ...target, assigneeId: 'agent-2', updatedAt: target.updatedAt + 2 };
    patchConversation(client, assigned);
    expect(held()?.assigneeId).toBe('agent-2');
    // The state before it, published by the other server after it: dropped, list and detail alike.
    patchConversation(client, { ...target, assigneeId: 'agent-1', updatedAt: target.updatedAt + 1 });
    expect(held()?.assigneeId).toBe('agent-2');
    expect(listed()?.assigneeId).toBe('agent-2');
    // The same state again (a customer change copied onto it) still lands.
    patchConversation(client, { ...assigned, customer: { ...assigned.customer!, name: 'Renamed' } });
    expect(held()?.customer?.name).toBe('Renamed');
    expect(listed()?.customer?.name).toBe('Renamed');
  });
});

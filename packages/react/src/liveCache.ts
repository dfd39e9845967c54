'use client';

import type { ConversationFilter, ConversationWithCustomer, Customer, Message, Paged } from '@pagedesk/core';
import { compareConversations, DELIVERY_RANK, matchesConversationQuery } from '@pagedesk/core/rules';
import { type InfiniteData, type QueryClient, replaceEqualDeep } from '@tanstack/react-query';
import { pagedeskKeys } from './queryKeys.js';

type ConversationPages = InfiniteData<Paged<ConversationWithCustomer>, string | null>;
type MessagePages = InfiniteData<Paged<Message>, string | null>;

/**
 * Whether a conversation belongs in a list after a live change. The server's search also matches
 * message bodies, which the browser does not hold: a listed conversation stays while the other
 * filters hold (a reply replacing the preview must not drop it), and a new one waits for a refetch.
 */
function stillMatches(conversation: ConversationWithCustomer, filter: ConversationFilter, listed: boolean) {
  if (matchesConversationQuery(conversation, filter)) return true;
  if (!listed || !filter.search?.trim()) return false;
  const { search: _bodies, ...rest } = filter;
  return matchesConversationQuery(conversation, rest);
}

/** Puts a conversation at its place in one cached list, or removes it when it no longer matches. */
export function upsertConversationPages(
  data: ConversationPages,
  conversation: ConversationWithCustomer,
  filter: ConversationFilter,
): ConversationPages {
  // Only the pages that change are copied: a live event must not copy every loaded conversation.
  let removed = false;
  const pages = data.pages.map((page) => {
    if (!page.items.some((c) => c.id === conversation.id)) return page;
    removed = true;
    return { ...page, items: page.items.filter((c) => c.id !== conversation.id) };
  });
  if (!stillMatches(conversation, filter, removed)) return removed ? { ...data, pages } : data;
  for (const [i, page] of pages.entries()) {
    const index = page.items.findIndex((item) => compareConversations(conversation, item) < 0);
    if (index !== -1) {
      const items = page.items.slice();
      items.splice(index, 0, conversation);
      pages[i] = { ...page, items };
      return { ...data, pages };
    }
  }
  const last = pages.at(-1);
  if (!last) return data;
  // Past the end of a list with more pages: it will arrive with the page that holds it.
  if (last.nextCursor === null) pages[pages.length - 1] = { ...last, items: [...last.items, conversation] };
  return { ...data, pages };
}

/**
 * Writes a conversation into every cached list and its detail entry, unless the cache holds a newer
 * state: two servers publish in their own order, and the server moves `updatedAt` forward on every
 * write, so a state with an earlier one arrived late.
 */
export function patchConversation(client: QueryClient, conversation: ConversationWithCustomer): void {
  const held = findConversation(client, conversation.id);
  if (held && held.updatedAt > conversation.updatedAt) return;
  for (const [key, data] of client.getQueriesData<ConversationPages>({
    queryKey: pagedeskKeys.conversationLists(),
  })) {
    if (!data) continue;
    const filter = (key[2] ?? {}) as ConversationFilter;
    client.setQueryData<ConversationPages>(key, upsertConversationPages(data, conversation, filter));
  }
  const detailKey = pagedeskKeys.conversation(conversation.id);
  if (client.getQueryData(detailKey) !== undefined) client.setQueryData(detailKey, conversation);
}

/**
 * A customer changed (details edited in another inbox, blocked, profile fetched): the customer entry
 * and every cached conversation of theirs show it, so the list and headers follow the panel.
 */
export function patchCustomer(client: QueryClient, customer: Customer): void {
  client.setQueryData(pagedeskKeys.customer(customer.id), customer);
  const conversations = new Map<string, ConversationWithCustomer>();
  const found = (c: ConversationWithCustomer | undefined) => {
    if (c?.customerId === customer.id) conversations.set(c.id, { ...c, customer });
  };
  for (const [, data] of client.getQueriesData<ConversationPages>({
    queryKey: pagedeskKeys.conversationLists(),
  }))
    for (const page of data?.pages ?? []) page.items.forEach(found);
  for (const [, data] of client.getQueriesData<ConversationWithCustomer>({
    queryKey: ['pagedesk', 'conversation'],
  }))
    found(data);
  for (const conversation of conversations.values()) patchConversation(client, conversation);
}

/** A cached conversation, from its detail entry or any loaded list. */
export function findConversation(
  client: QueryClient,
  conversationId: string,
): ConversationWithCustomer | undefined {
  const detail = client.getQueryData<ConversationWithCustomer>(pagedeskKeys.conversation(conversationId));
  if (detail) return detail;
  for (const [, data] of client.getQueriesData<ConversationPages>({
    queryKey: pagedeskKeys.conversationLists(),
  }))
    for (const page of data?.pages ?? []) {
      const found = page.items.find((c) => c.id === conversationId);
      if (found) return found;
    }
  return undefined;
}

/**
 * A receipt never goes backwards: the send's answer can arrive after the live "read" of the same
 * message (the customer read it while the answer travelled), and must not turn "Seen" into "Sent".
 */
function receiptKept(current: Message, next: Message): Message {
  // Only receipts (sent → delivered → read) are guarded: a pending or failed message moves freely.
  const was = DELIVERY_RANK[current.delivery];
  const now = DELIVERY_RANK[next.delivery];
  if (was < DELIVERY_RANK.sent || now < DELIVERY_RANK.sent || now >= was) return next;
  return {
    ...next,
    delivery: current.delivery,
    ...(current.deliveredAt === undefined ? {} : { deliveredAt: current.deliveredAt }),
    ...(current.readAt === undefined ? {} : { readAt: current.readAt }),
  };
}

/** Replaces a message in place, or inserts a new one by time into the newest page. */
export function upsertMessagePages(
  data: MessagePages,
  message: Message,
  replaceId = message.id,
): MessagePages {
  let found = false;
  const isTarget = (m: Message) => m.id === replaceId || m.id === message.id;
  const pages = data.pages.map((page) => {
    if (!page.items.some(isTarget)) return page;
    const items: Message[] = [];
    for (const m of page.items) {
      if (!isTarget(m)) items.push(m);
      else if (!found) {
        items.push(m.id === message.id ? receiptKept(m, message) : message);
        found = true;
      }
    }
    return { ...page, items };
  });
  if (found) return { ...data, pages };
  const first = pages[0];
  if (!first) return { ...data, pages: [{ items: [message], nextCursor: null }] };
  const index = first.items.findIndex((m) => m.createdAt <= message.createdAt);
  const items = [...first.items];
  items.splice(index === -1 ? items.length : index, 0, message);
  pages[0] = { ...first, items };
  return { ...data, pages };
}

/** Removes a message (an optimistic bubble replaced by the server's messages). */
export function removeMessage(client: QueryClient, conversationId: string, messageId: string): void {
  client.setQueryData<MessagePages>(pagedeskKeys.messages(conversationId), (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) =>
            page.items.some((m) => m.id === messageId)
              ? { ...page, items: page.items.filter((m) => m.id !== messageId) }
              : page,
          ),
        }
      : data,
  );
}

/** Writes a message into its conversation's cached messages, when they are loaded. */
export function patchMessage(client: QueryClient, message: Message, replaceId?: string): void {
  client.setQueryData<MessagePages>(pagedeskKeys.messages(message.conversationId), (data) =>
    data ? upsertMessagePages(data, message, replaceId) : data,
  );
}

/** Finds a cached message by id in a conversation. */
export function findMessage(
  client: QueryClient,
  conversationId: string,
  messageId: string,
): Message | undefined {
  const data = client.getQueryData<MessagePages>(pagedeskKeys.messages(conversationId));
  for (const page of data?.pages ?? []) {
    const message = page.items.find((m) => m.id === messageId);
    if (message) return message;
  }
  return undefined;
}

type Pages<T> = InfiniteData<Paged<T>, string | null>;

function isPages(value: unknown): value is Pages<{ id: string }> {
  return typeof value === 'object' && value !== null && Array.isArray((value as { pages?: unknown }).pages);
}

/**
 * Structural sharing by id for paged lists (react-query's `structuralSharing`): an item deep-equal to
 * the cached item with the same id keeps its identity wherever it moved, so memoised rows skip
 * rendering. react-query's default matches items by index: one message inserted at the top of a page
 * made every later item a new object, and every visible row rendered again for each live message.
 */
export function sharePagesById(previous: unknown, next: unknown): unknown {
  if (!isPages(previous) || !isPages(next)) return replaceEqualDeep(previous, next);
  const before = new Map<string, { id: string }>();
  for (const page of previous.pages) for (const item of page.items) before.set(item.id, item);
  let unchanged =
    previous.pages.length === next.pages.length &&
    replaceEqualDeep(previous.pageParams, next.pageParams) === previous.pageParams;
  const pages = next.pages.map((page, p) => {
    const old = previous.pages[p];
    let same =
      old !== undefined && old.items.length === page.items.length && old.nextCursor === page.nextCursor;
    const items = page.items.map((item, i) => {
      const shared = replaceEqualDeep(before.get(item.id), item);
      if (shared !== old?.items[i]) same = false;
      return shared;
    });
    if (same && old) return old;
    unchanged = false;
    return { ...page, items };
  });
  return unchanged ? previous : { ...next, pages };
}

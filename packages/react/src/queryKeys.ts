import type { ConversationQuery, ConversationWithCustomer } from '@pagedesk/core';

/** The filters of a conversation list: a `ConversationQuery` without paging. */
export type ConversationFilter = Omit<ConversationQuery, 'cursor' | 'limit'>;

/**
 * The react-query keys the kit uses, all under `['pagedesk']`, so a host can invalidate or prefill
 * them (`queryClient.invalidateQueries({ queryKey: pagedeskKeys.all })`).
 */
export const pagedeskKeys = {
  all: ['pagedesk'] as const,
  conversationLists: () => ['pagedesk', 'conversations'] as const,
  conversations: (filter: ConversationFilter) =>
    ['pagedesk', 'conversations', normaliseFilter(filter)] as const,
  conversation: (id: string) => ['pagedesk', 'conversation', id] as const,
  messages: (conversationId: string) => ['pagedesk', 'messages', conversationId] as const,
  /** The customer's earlier conversations shown above this one, and their messages. */
  thread: (conversationId: string) => ['pagedesk', 'thread', conversationId] as const,
  channels: () => ['pagedesk', 'channels'] as const,
  agents: () => ['pagedesk', 'agents'] as const,
  customer: (id: string) => ['pagedesk', 'customer', id] as const,
  /** Every template list; `templates(channelId)` one channel's (or, without it, all the principal's). */
  templateLists: () => ['pagedesk', 'templates'] as const,
  templates: (channelId?: string) => ['pagedesk', 'templates', channelId ?? null] as const,
};

/** Drops undefined and empty-string fields so equal filters share one cache entry. */
export function normaliseFilter(filter: ConversationFilter): ConversationFilter {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === '' || value === false) continue;
    out[key] = key === 'search' && typeof value === 'string' ? value.trim() : value;
  }
  return out as ConversationFilter;
}

/** Whether a conversation belongs in a list with this filter, mirroring the server's query. */
export function matchesFilter(conversation: ConversationWithCustomer, filter: ConversationFilter): boolean {
  if (filter.channelId !== undefined && conversation.channelId !== filter.channelId) return false;
  if (filter.platform !== undefined && conversation.platform !== filter.platform) return false;
  if (filter.customerId !== undefined && conversation.customerId !== filter.customerId) return false;
  if (filter.source !== undefined && conversation.source !== filter.source) return false;
  if (filter.status !== undefined && conversation.status !== filter.status) return false;
  if (filter.assigneeId !== undefined && conversation.assigneeId !== filter.assigneeId) return false;
  if (filter.unread && conversation.unreadCount <= 0) return false;
  const search = filter.search?.trim().toLowerCase();
  if (search) {
    const { customer } = conversation;
    const haystack = [
      customer.name,
      customer.username,
      customer.firstName,
      customer.lastName,
      conversation.preview,
    ];
    if (!haystack.some((value) => value?.toLowerCase().includes(search))) return false;
  }
  return true;
}

/** The list order: newest activity first, then id, like the store. */
export function compareConversations(a: ConversationWithCustomer, b: ConversationWithCustomer): number {
  if (a.lastMessageAt !== b.lastMessageAt) return b.lastMessageAt - a.lastMessageAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

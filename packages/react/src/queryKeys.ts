import type { ConversationFilter } from '@pagedesk/core';

export type { ConversationFilter };

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

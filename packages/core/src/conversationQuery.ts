import type { Conversation, Customer, Platform } from './model.js';

// The conversation list's rules, written once: which conversations a query matches and in which order
// they come. The memory store, the React kit's cache and fake transport call these; the PostgreSQL
// store's SQL says the same, and the store contract suite checks every store against them.

/** Filters of the conversation list; results are ordered by `lastMessageAt` descending, then id. */
export interface ConversationQuery {
  /**
   * Only conversations of this organisation; `null` only those without one (a single-tenant host);
   * omitted, no filter.
   */
  organizationId?: string | null;
  channelId?: string;
  /** Only conversations of these channels; an empty list matches nothing. */
  channelIds?: readonly string[];
  platform?: Platform;
  /** Only this customer's conversations (with `channelId`, one customer's thread on a channel). */
  customerId?: string;
  source?: Conversation['source'];
  status?: Conversation['status'];
  /** A user id, or null for unassigned conversations. */
  assigneeId?: string | null;
  /** Only conversations with unread messages. */
  unread?: boolean;
  /** Case-insensitive match on the customer's name or username, or the preview text. */
  search?: string;
  cursor?: string;
  /** At most 100; 25 when omitted. */
  limit?: number;
}

/** The filters of a conversation list: a {@link ConversationQuery} without paging. */
export type ConversationFilter = Omit<ConversationQuery, 'cursor' | 'limit'>;

/** The customer fields a list search reads. */
export type SearchedCustomer = Pick<Customer, 'name' | 'username'>;

/**
 * The conversation list order: newest activity (`lastMessageAt`) first, then id ascending (code
 * units), so equal times still page in one stable order.
 *
 * @example
 * conversations.sort(compareConversations);
 */
export function compareConversations(
  a: Pick<Conversation, 'lastMessageAt' | 'id'>,
  b: Pick<Conversation, 'lastMessageAt' | 'id'>,
): number {
  return b.lastMessageAt - a.lastMessageAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The search text as lists compare it (trimmed, lower case), or undefined when it searches nothing.
 *
 * @example
 * normaliseSearch('  Ada '); // 'ada'
 */
export function normaliseSearch(search: string | undefined): string | undefined {
  const text = search?.trim().toLowerCase();
  return text ? text : undefined;
}

/**
 * Whether a conversation matches every filter of `filter` except the search (organisation, channels,
 * platform, source, status, assignee, unread). Pure: stores call it before reading the customer.
 *
 * @param conversation - The conversation to test.
 * @param filter - The list's filters; omitted fields do not filter.
 * @returns True when the conversation belongs in the list as far as these fields go.
 * @example
 * matchesConversationFields(conversation, { status: 'open', unread: true });
 */
export function matchesConversationFields(conversation: Conversation, filter: ConversationFilter): boolean {
  const c = conversation;
  if (filter.organizationId !== undefined && (c.organizationId ?? null) !== filter.organizationId)
    return false;
  if (filter.channelIds !== undefined && !filter.channelIds.includes(c.channelId)) return false;
  if (filter.channelId !== undefined && c.channelId !== filter.channelId) return false;
  if (filter.platform !== undefined && c.platform !== filter.platform) return false;
  if (filter.customerId !== undefined && c.customerId !== filter.customerId) return false;
  if (filter.source !== undefined && c.source !== filter.source) return false;
  if (filter.status !== undefined && c.status !== filter.status) return false;
  if (filter.assigneeId !== undefined && c.assigneeId !== filter.assigneeId) return false;
  if (filter.unread !== undefined && c.unreadCount > 0 !== filter.unread) return false;
  return true;
}

/**
 * Whether a conversation matches a list search: a case-insensitive substring of the customer's name
 * or username, or of the conversation's preview.
 *
 * @param search - The search text as {@link normaliseSearch} returns it.
 * @param conversation - The conversation to test.
 * @param customer - Its customer, when known.
 * @returns True when any searched field holds the text.
 * @example
 * matchesConversationSearch('ada', conversation, customer);
 */
export function matchesConversationSearch(
  search: string,
  conversation: Pick<Conversation, 'preview'>,
  customer: SearchedCustomer | undefined,
): boolean {
  return (
    includesText(customer?.name, search) ||
    includesText(customer?.username, search) ||
    includesText(conversation.preview, search)
  );
}

function includesText(value: string | undefined, search: string): boolean {
  return value?.toLowerCase().includes(search) === true;
}

/**
 * Whether a conversation with its customer belongs in a list with `filter`: every field and the
 * search. What `Store.conversations.list` and `InboxTransport.listConversations` return.
 *
 * @param conversation - The conversation, with its customer.
 * @param filter - The list's filters (paging fields are ignored).
 * @returns True when the conversation is in the list.
 * @example
 * const open = conversations.filter((c) => matchesConversationQuery(c, { status: 'open' }));
 */
export function matchesConversationQuery(
  conversation: Conversation & { customer?: SearchedCustomer | undefined },
  filter: ConversationFilter,
): boolean {
  if (!matchesConversationFields(conversation, filter)) return false;
  const search = normaliseSearch(filter.search);
  return search === undefined || matchesConversationSearch(search, conversation, conversation.customer);
}

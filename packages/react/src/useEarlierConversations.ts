'use client';

import type { Conversation, ConversationWithCustomer, Message, Page, PagedeskError } from '@pagedesk/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { usePagedeskContext } from './context.js';
import { pagedeskKeys } from './queryKeys.js';

/** One earlier conversation of the customer, with the messages loaded so far (oldest first). */
export interface EarlierConversation {
  conversation: ConversationWithCustomer;
  messages: Message[];
}

/** What {@link useEarlierConversations} returns. */
export interface UseEarlierConversationsResult {
  /** The loaded earlier conversations, oldest first: what the thread shows above the open one. */
  conversations: EarlierConversation[];
  /** More earlier messages or conversations can be loaded. */
  hasEarlier: boolean;
  isLoadingEarlier: boolean;
  isError: boolean;
  error: PagedeskError | null;
  /** Loads the next page back: older messages of the earliest loaded conversation, or the one before it. */
  loadEarlier: () => void;
}

// The customer's conversations on the channel are read once (the newest 100: a customer with more is
// rare, and the older ones stay reachable through search); their messages page in on demand.
const THREAD_LIMIT = 100;

interface ThreadParam {
  /** Index into the earlier conversations, nearest first. */
  index: number;
  before: string | null;
}

/**
 * The same customer's earlier conversations on the same channel (direct messages), for the thread
 * above the open conversation: nothing is loaded until `loadEarlier` is first called (the agent
 * scrolled to the top), then one page of messages per call, conversation after conversation.
 *
 * @example
 * const earlier = useEarlierConversations(conversation);
 * if (earlier.hasEarlier) earlier.loadEarlier();
 */
export function useEarlierConversations(
  conversation: Conversation | undefined,
  options: { pageSize?: number } = {},
): UseEarlierConversationsResult {
  const { transport } = usePagedeskContext('useEarlierConversations');
  const pageSize = options.pageSize ?? 50;
  const [started, setStarted] = useState<string | null>(null);
  // Comment threads belong to their post: only direct messages form the customer's thread.
  const threaded = conversation?.source === 'message';
  const key = pagedeskKeys.thread(conversation?.id ?? '');
  const list = useQuery<Page<ConversationWithCustomer>, PagedeskError>({
    queryKey: key,
    queryFn: () =>
      transport.listConversations({
        channelId: conversation!.channelId,
        customerId: conversation!.customerId,
        source: 'message',
        limit: THREAD_LIMIT,
      }),
    enabled: threaded,
    staleTime: 60_000,
  });
  const earlier = useMemo(() => {
    if (!conversation || !list.data) return [];
    return list.data.items
      .filter((c) => c.id !== conversation.id && c.createdAt <= conversation.createdAt)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }, [conversation, list.data]);
  const ids = earlier.map((c) => c.id).join(' ');
  const pages = useInfiniteQuery({
    queryKey: [...key, 'messages', ids, pageSize],
    queryFn: async ({ pageParam }: { pageParam: ThreadParam }) => ({
      param: pageParam,
      page: await transport.listMessages(earlier[pageParam.index]!.id, {
        limit: pageSize,
        ...(pageParam.before ? { before: pageParam.before } : {}),
      }),
    }),
    initialPageParam: { index: 0, before: null } as ThreadParam,
    getNextPageParam: ({ param, page }): ThreadParam | undefined =>
      page.nextCursor
        ? { index: param.index, before: page.nextCursor }
        : param.index + 1 < earlier.length
          ? { index: param.index + 1, before: null }
          : undefined,
    enabled: started !== null && started === conversation?.id && earlier.length > 0,
    staleTime: 60_000,
  });
  const conversations = useMemo(() => {
    const out: EarlierConversation[] = [];
    for (const { param, page } of pages.data?.pages ?? []) {
      const target = earlier[param.index];
      if (!target) continue;
      if (out[0]?.conversation !== target) out.unshift({ conversation: target, messages: [] });
      // Pages come newest first; each page's items too.
      const entry = out[0]!;
      entry.messages = [...page.items].reverse().concat(entry.messages);
    }
    return out;
  }, [pages.data, earlier]);
  const opened = started === conversation?.id;
  const hasEarlier = opened
    ? pages.hasNextPage || (pages.isPending && earlier.length > 0)
    : earlier.length > 0;
  const isLoadingEarlier = opened && (pages.isFetching || list.isFetching);
  return {
    conversations,
    hasEarlier,
    isLoadingEarlier,
    isError: list.isError || pages.isError,
    error: (list.error ?? pages.error) as PagedeskError | null,
    loadEarlier: () => {
      if (!conversation || earlier.length === 0) return;
      if (!opened) setStarted(conversation.id);
      else if (pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
    },
  };
}

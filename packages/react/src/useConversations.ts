'use client';

import type { ConversationWithCustomer, Paged, PagedeskError } from '@pagedesk/core';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { usePagedeskContext } from './context.js';
import { sharePagesById } from './liveCache.js';
import { type ConversationFilter, normaliseFilter, pagedeskKeys } from './queryKeys.js';

/** What {@link useConversations} returns. */
export interface UseConversationsResult {
  /** Loaded conversations, newest activity first, kept current by live updates. */
  conversations: ConversationWithCustomer[];
  isLoading: boolean;
  isError: boolean;
  error: PagedeskError | null;
  hasMore: boolean;
  isLoadingMore: boolean;
  /** Loads the next page (no-op while one is loading or none is left). */
  loadMore: () => void;
  refetch: () => void;
}

/**
 * The conversation list for a filter, paged by cursor (infinite) and patched live: a new or updated
 * conversation moves to its place, and leaves the list when it stops matching the filter.
 *
 * @example
 * const { conversations, loadMore, hasMore } = useConversations({ status: 'open', unread: true });
 */
export function useConversations(
  filter: ConversationFilter = {},
  options: { pageSize?: number } = {},
): UseConversationsResult {
  const { transport } = usePagedeskContext('useConversations');
  const normalised = normaliseFilter(filter);
  const pageSize = options.pageSize ?? 50;
  const client = useQueryClient();
  const queryOptions = {
    queryKey: pagedeskKeys.conversations(normalised),
    queryFn: ({ pageParam }: { pageParam: string | null }) =>
      transport.listConversations({
        ...normalised,
        limit: pageSize,
        ...(pageParam ? { cursor: pageParam } : {}),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last: Paged<ConversationWithCustomer>) => last.nextCursor,
    structuralSharing: sharePagesById,
  };
  // Ask for the first page while rendering (as react-query's usePrefetchInfiniteQuery does): the
  // query hook alone starts it in an effect, after the empty list has been committed and painted.
  if (client.getQueryState(queryOptions.queryKey) === undefined)
    void client.prefetchInfiniteQuery(queryOptions);
  const query = useInfiniteQuery(queryOptions);
  const conversations = useMemo(() => {
    const seen = new Set<string>();
    const out: ConversationWithCustomer[] = [];
    // A conversation can move between pages while paging; show it once.
    for (const page of query.data?.pages ?? [])
      for (const item of page.items) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        out.push(item);
      }
    return out;
  }, [query.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, refetch } = query;
  return {
    conversations,
    isLoading: query.isPending,
    isError: query.isError,
    error: query.error as PagedeskError | null,
    hasMore: hasNextPage,
    isLoadingMore: isFetchingNextPage,
    loadMore: () => {
      if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
    },
    refetch: () => void refetch(),
  };
}

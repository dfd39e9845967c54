'use client';

import type { Message, PagedeskError } from '@pagedesk/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { usePagedeskContext } from './context.js';
import { sharePagesById } from './liveCache.js';
import { useChecks } from './loadChecks.js';
import { loadFailed } from './persist.js';
import { pagedeskKeys } from './queryKeys.js';

/** What {@link useMessages} returns. */
export interface UseMessagesResult {
  /** Loaded messages, oldest first (reading order), kept current by live updates. */
  messages: Message[];
  isLoading: boolean;
  isError: boolean;
  error: PagedeskError | null;
  /** Older messages exist on the server. */
  hasOlder: boolean;
  isLoadingOlder: boolean;
  loadOlder: () => void;
  refetch: () => void;
}

/**
 * A conversation's messages, loaded backwards page by page (infinite) and patched live.
 *
 * @example
 * const { messages, loadOlder, hasOlder } = useMessages(conversationId);
 */
export function useMessages(
  conversationId: string | undefined,
  options: { pageSize?: number } = {},
): UseMessagesResult {
  const { transport, agentId } = usePagedeskContext('useMessages');
  const pageSize = options.pageSize ?? 50;
  const query = useInfiniteQuery({
    queryKey: pagedeskKeys.messages(conversationId ?? ''),
    queryFn: ({ pageParam }) =>
      transport.listMessages(conversationId as string, {
        limit: pageSize,
        ...(pageParam ? { before: pageParam } : {}),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: Boolean(conversationId),
    structuralSharing: sharePagesById,
  });
  const checks = useChecks();
  const messages = useMemo(() => {
    const seen = new Set<string>();
    const out: Message[] = [];
    for (const page of query.data?.pages ?? [])
      for (const item of page.items) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        out.push(item);
      }
    out.reverse();
    // Replies that failed before the server stored them come back after a reload, with their retry.
    const kept = checks && query.data && conversationId ? loadFailed(checks, agentId, conversationId) : [];
    const missing = kept.filter((f) => !seen.has(f.message.id)).map((f) => f.message);
    return missing.length ? [...out, ...missing].sort((a, b) => a.createdAt - b.createdAt) : out;
  }, [query.data, agentId, conversationId, checks]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, refetch } = query;
  return {
    messages,
    isLoading: Boolean(conversationId) && query.isPending,
    isError: query.isError,
    error: query.error as PagedeskError | null,
    hasOlder: hasNextPage,
    isLoadingOlder: isFetchingNextPage,
    loadOlder: () => {
      if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
    },
    refetch: () => void refetch(),
  };
}

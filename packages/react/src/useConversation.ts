'use client';

import type { ConversationPatch, ConversationWithCustomer, PagedeskError } from '@pagedesk/core';
import { type UseQueryResult, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { usePagedeskContext } from './context.js';
import { patchConversation } from './liveCache.js';
import { pagedeskKeys } from './queryKeys.js';

/**
 * One conversation with its customer, kept current by live updates.
 *
 * @example
 * const { data: conversation } = useConversation(id);
 */
export function useConversation(
  id: string | undefined,
): UseQueryResult<ConversationWithCustomer, PagedeskError> {
  const { transport } = usePagedeskContext('useConversation');
  return useQuery<ConversationWithCustomer, PagedeskError>({
    queryKey: pagedeskKeys.conversation(id ?? ''),
    queryFn: () => transport.getConversation(id as string),
    enabled: Boolean(id),
  });
}

/**
 * Resolve, reopen, assign or mark a conversation read; the result is written to every cached list.
 *
 * @example
 * const update = useUpdateConversation(id);
 * update.mutate({ status: 'resolved' });
 */
export function useUpdateConversation(id: string) {
  const { transport } = usePagedeskContext('useUpdateConversation');
  const client = useQueryClient();
  return useMutation<ConversationWithCustomer, PagedeskError, ConversationPatch>({
    mutationFn: (patch) => transport.updateConversation(id, patch),
    onSuccess: (conversation) => {
      client.setQueryData(pagedeskKeys.conversation(id), conversation);
      patchConversation(client, conversation);
    },
  });
}

'use client';

import type { ConversationWithCustomer, PagedeskError } from '@pagedesk/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { usePagedeskContext } from './context.js';
import { patchConversation } from './liveCache.js';
import { pagedeskKeys } from './queryKeys.js';
import { transportMethod } from './transportMethod.js';

/**
 * Takes, passes or requests a Messenger thread from a bot sharing the page (handover protocol), or
 * checks who holds it. The conversation comes back with its `threadOwner` and replaces the cached one;
 * while another app holds the thread, sends are refused with `ThreadControlError`.
 *
 * @example
 * const thread = useThreadControl(conversationId);
 * thread.mutate({ action: 'take' });
 */
export function useThreadControl(conversationId: string) {
  const { transport } = usePagedeskContext('useThreadControl');
  const client = useQueryClient();
  return useMutation<
    ConversationWithCustomer,
    PagedeskError,
    { action: 'take' | 'pass' | 'request' | 'check'; targetAppId?: string; metadata?: string }
  >({
    mutationFn: ({ action, ...options }) =>
      transportMethod(transport, 'threadControl', 'useThreadControl')(conversationId, action, options),
    onSuccess: (conversation) => {
      client.setQueryData(pagedeskKeys.conversation(conversation.id), conversation);
      patchConversation(client, conversation);
    },
  });
}

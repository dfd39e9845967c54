'use client';

import type { CommentAction, Message, PagedeskError } from '@pagedesk/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { usePagedeskContext } from './context.js';
import { patchMessage } from './liveCache.js';
import { transportMethod } from './transportMethod.js';

/**
 * Hides, unhides, deletes, likes or unlikes a comment on Meta (likes: Facebook only). The message
 * comes back with its `moderation` (state, and who did what) and replaces the cached one.
 *
 * @example
 * const moderate = useModerateComment();
 * moderate.mutate({ messageId: comment.id, action: 'hide' });
 */
export function useModerateComment() {
  const { transport } = usePagedeskContext('useModerateComment');
  const client = useQueryClient();
  return useMutation<Message, PagedeskError, { messageId: string; action: CommentAction }>({
    mutationFn: ({ messageId, action }) =>
      transportMethod(transport, 'moderateComment', 'useModerateComment')(messageId, action),
    onSuccess: (message) => patchMessage(client, message),
  });
}

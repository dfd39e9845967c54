'use client';

import type { Message, PagedeskError, ReplyTemplate, ReplyTemplateInput } from '@pagedesk/core';
import { type UseQueryResult, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { usePagedeskContext } from './context.js';
import { patchMessage } from './liveCache.js';
import { pagedeskKeys } from './queryKeys.js';
import { transportMethod } from './transportMethod.js';

/** Options of {@link useTemplates}. */
export interface UseTemplatesOptions {
  /** Only templates that may be sent on this channel (a conversation's `channelId`). */
  channelId?: string;
  /** Case-insensitive match on the name or any part's text (a picker's search box). */
  search?: string;
}

/** Whether a template matches a picker's search: every word in its name or its parts' text. */
export function templateMatches(template: ReplyTemplate, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [template.name, ...template.parts.map((part) => part.text ?? '')].join('\n').toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * The reply templates the signed-in agent may send, by name; with `channelId` only those meant for
 * that channel, with `search` only those matching it (filtered in the browser: the list is fetched
 * once per channel and typing never refetches).
 *
 * @example
 * const { data: templates = [] } = useTemplates({ channelId: conversation.channelId, search });
 */
export function useTemplates(
  options: UseTemplatesOptions = {},
): UseQueryResult<ReplyTemplate[], PagedeskError> {
  const { transport } = usePagedeskContext('useTemplates');
  const { channelId, search = '' } = options;
  const select = useCallback(
    (templates: ReplyTemplate[]) =>
      search.trim() ? templates.filter((t) => templateMatches(t, search)) : templates,
    [search],
  );
  return useQuery<ReplyTemplate[], PagedeskError, ReplyTemplate[]>({
    queryKey: pagedeskKeys.templates(channelId),
    queryFn: () =>
      transportMethod(
        transport,
        'listTemplates',
        'useTemplates',
      )(channelId === undefined ? {} : { channelId }),
    select,
    staleTime: 60_000,
  });
}

/**
 * Creates a template (without `id`) or changes one (with `id`), for an admin's template editor; every
 * template list refetches after it. A template that breaks a channel's rule rejects with
 * `RuleViolationError` naming the part and the channel.
 *
 * @example
 * const save = useSaveTemplate();
 * save.mutate({ input: { name: 'Greeting', parts: [{ text: 'Hi {{customer.firstName|there}}' }], channelIds: null } });
 */
export function useSaveTemplate() {
  const { transport } = usePagedeskContext('useSaveTemplate');
  const client = useQueryClient();
  return useMutation<
    ReplyTemplate,
    PagedeskError,
    { id?: string; input: ReplyTemplateInput | Partial<ReplyTemplateInput> }
  >({
    mutationFn: ({ id, input }) =>
      id === undefined
        ? transportMethod(transport, 'createTemplate', 'useSaveTemplate')(input as ReplyTemplateInput)
        : transportMethod(transport, 'updateTemplate', 'useSaveTemplate')(id, input),
    onSuccess: () => client.invalidateQueries({ queryKey: pagedeskKeys.templateLists() }),
  });
}

/** Deletes a template (admin); every template list refetches after it. */
export function useDeleteTemplate() {
  const { transport } = usePagedeskContext('useDeleteTemplate');
  const client = useQueryClient();
  return useMutation<void, PagedeskError, string>({
    mutationFn: (id) => transportMethod(transport, 'deleteTemplate', 'useDeleteTemplate')(id),
    onSuccess: () => client.invalidateQueries({ queryKey: pagedeskKeys.templateLists() }),
  });
}

/**
 * Sends a template in a conversation: its parts in order through the normal send path (window,
 * rules, personas), each part's message added to the conversation as it is answered. A variable
 * without a value rejects with `TemplateVariableError` before anything is sent.
 *
 * @example
 * const send = useSendTemplate(conversationId);
 * send.mutate(template.id);
 */
export function useSendTemplate(conversationId: string) {
  const { transport } = usePagedeskContext('useSendTemplate');
  const client = useQueryClient();
  return useMutation<Message[], PagedeskError, string>({
    mutationFn: (templateId) =>
      transportMethod(transport, 'sendTemplate', 'useSendTemplate')(conversationId, templateId),
    onSuccess: (messages) => {
      for (const message of messages) patchMessage(client, message);
    },
  });
}

'use client';

import type { Message, PagedeskError, SurveyDraft } from '@pagedesk/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { usePagedeskContext } from './context.js';
import { patchMessage } from './liveCache.js';
import { transportMethod } from './transportMethod.js';

/**
 * Sends a satisfaction survey (Messenger's Customer Feedback Template) into the conversation: CSAT
 * 1-5, NPS 0-10 or CES 1-7, within 7 days of the customer's last message (`surveyWindow` says when).
 * The survey message joins the thread; the customer's answer arrives live on `conversation.survey`.
 * Refusals come back typed: `RuleViolationError` (not Messenger), `WindowClosedError` (too late).
 *
 * @example
 * const survey = useSendSurvey(conversationId);
 * survey.mutate({ type: 'csat' });
 */
export function useSendSurvey(conversationId: string) {
  const { transport } = usePagedeskContext('useSendSurvey');
  const client = useQueryClient();
  return useMutation<Message, PagedeskError, SurveyDraft>({
    mutationFn: (draft) => transportMethod(transport, 'sendSurvey', 'useSendSurvey')(conversationId, draft),
    onSuccess: (message) => patchMessage(client, message),
  });
}

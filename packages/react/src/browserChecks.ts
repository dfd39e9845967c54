'use client';

import {
  agentSchema,
  channelSchema,
  checkAttachment,
  connectablePageSchema,
  conversationWithCustomerSchema,
  customerSchema,
  deserializeError,
  type LiveEvent,
  liveEventSchema,
  messageSchema,
  type PagedeskError,
  pagedSchema,
  planReply,
  replyTemplateSchema,
  sendDraftSchema,
  serializedErrorSchema,
  uploadedFileSchema,
  ValidationError,
  zodIssues,
} from '@pagedesk/core';
import * as z from 'zod/mini';
import type { FailedReply } from './persist.js';

// The kit's zod checks, loaded on demand (loadChecks.ts) rather than with the page: every answer of the
// inbox API, live events, what this browser's storage holds and the composer's drafts. A read loads
// them beside its fetch and a write before it, so the first paint does not wait for zod (bench section 6).

/** The schema of each answer of the inbox API, by what the transport asked for. */
export const answerSchemas = {
  agents: z.array(agentSchema),
  channel: channelSchema,
  channels: z.array(channelSchema),
  connectablePages: z.array(connectablePageSchema),
  conversation: conversationWithCustomerSchema,
  // Built once, not per list request.
  conversationPage: pagedSchema(conversationWithCustomerSchema),
  customer: customerSchema,
  message: messageSchema,
  messagePage: pagedSchema(messageSchema),
  sendResult: z.object({ messages: z.array(messageSchema) }),
  template: replyTemplateSchema,
  templates: z.array(replyTemplateSchema),
  uploadedFile: uploadedFileSchema,
};

/** What an answer of the inbox API is asked to be. */
export type AnswerKind = keyof typeof answerSchemas;
/** The parsed answer of a kind. */
export type Answer<K extends AnswerKind> = z.output<(typeof answerSchemas)[K]>;

/**
 * `body` parsed as the answer `kind`, or a ValidationError naming `what` and every wrong field.
 *
 * @throws {ValidationError} When the server's answer does not match.
 */
export function parseAnswer<K extends AnswerKind>(kind: K, body: unknown, what: string): Answer<K> {
  const parsed = answerSchemas[kind].safeParse(body);
  if (!parsed.success) throw new ValidationError(what, zodIssues(parsed.error));
  return parsed.data as Answer<K>;
}

/** The Pagedesk error an error answer carries (`{ error }` as the inbox API writes it), if it is one. */
export function errorOfAnswer(body: unknown): PagedeskError | undefined {
  const parsed = serializedErrorSchema.safeParse((body as { error?: unknown } | undefined)?.error);
  return parsed.success ? deserializeError(parsed.data) : undefined;
}

/** A live event, or undefined for one this kit does not know (from a newer server). */
export function liveEventOf(json: unknown): LiveEvent | undefined {
  const parsed = liveEventSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

const failedSchema = z.object({ message: messageSchema, draft: sendDraftSchema });

/** The failed replies a stored list holds: each entry checked on its own, so one bad entry loses no other. */
export function failedRepliesOf(json: unknown): FailedReply[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((entry) => {
    const parsed = failedSchema.safeParse(entry);
    return parsed.success ? [parsed.data as FailedReply] : [];
  });
}

/** What the kit loads on demand, as one object (loadChecks.ts). */
export const browserChecks = {
  parseAnswer,
  errorOfAnswer,
  liveEventOf,
  failedRepliesOf,
  checkAttachment,
  planReply,
};

'use client';

import { type Message, messageSchema, type SendDraft, sendDraftSchema } from '@pagedesk/core';
import * as z from 'zod/mini';

// What the composer must not lose across reloads, kept in this browser's localStorage per agent and
// conversation: the draft being written, and replies that failed before the server stored them (a
// closed window, a rule, a channel that cannot send), with their draft for a retry. Storage may be
// missing, full or hold anything, so every read is validated and every failure ignored.

const failedSchema = z.array(z.object({ message: messageSchema, draft: sendDraftSchema }));

/** A failed reply kept for a retry. */
export interface FailedReply {
  message: Message;
  draft: SendDraft;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // blocked by the browser's privacy settings
  }
}

const keyOf = (kind: 'draft' | 'failed', agentId: string | undefined, conversationId: string) =>
  `pagedesk:${kind}:${agentId ?? ''}:${conversationId}`;

function write(key: string, value: string | null): void {
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, value);
  } catch {
    // Full or unavailable: the reply still lives in memory for this session.
  }
}

/** The saved draft of a conversation, or ''. */
export function loadDraft(agentId: string | undefined, conversationId: string): string {
  try {
    return storage()?.getItem(keyOf('draft', agentId, conversationId)) ?? '';
  } catch {
    return '';
  }
}

/** Saves (or, when empty, forgets) the draft of a conversation. */
export function saveDraft(agentId: string | undefined, conversationId: string, text: string): void {
  write(keyOf('draft', agentId, conversationId), text.trim() === '' ? null : text);
}

/** Failed replies of a conversation kept in this browser. */
export function loadFailed(agentId: string | undefined, conversationId: string): FailedReply[] {
  try {
    const raw = storage()?.getItem(keyOf('failed', agentId, conversationId));
    if (!raw) return [];
    const parsed = failedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as FailedReply[]) : [];
  } catch {
    return [];
  }
}

/** Keeps (`reply`) or forgets (`null`) the failed reply `id` of a conversation. */
export function saveFailed(
  agentId: string | undefined,
  conversationId: string,
  id: string,
  reply: FailedReply | null,
): void {
  const rest = loadFailed(agentId, conversationId).filter((f) => f.message.id !== id);
  const next = reply ? [...rest, reply] : rest;
  write(keyOf('failed', agentId, conversationId), next.length ? JSON.stringify(next) : null);
}

'use client';

import type { Message, SendDraft } from '@pagedesk/core';
import type { BrowserChecks } from './loadChecks.js';

// What the composer must not lose across reloads, kept in this browser's localStorage per agent and
// conversation: the draft being written, and replies that failed before the server stored them (a
// closed window, a rule, a channel that cannot send), with their draft for a retry. Storage may be
// missing, full or hold anything, so every read is validated (with the kit's checks, loaded on demand)
// and every failure ignored.

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

/** The stored list of failed replies as JSON, unchecked: [] when there is none or it is not a list. */
function storedFailed(agentId: string | undefined, conversationId: string): unknown[] {
  try {
    const raw = storage()?.getItem(keyOf('failed', agentId, conversationId));
    const json: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(json) ? json : [];
  } catch {
    return [];
  }
}

/** Failed replies of a conversation kept in this browser (entries that do not check are skipped). */
export function loadFailed(
  checks: BrowserChecks,
  agentId: string | undefined,
  conversationId: string,
): FailedReply[] {
  return checks.failedRepliesOf(storedFailed(agentId, conversationId));
}

/**
 * Keeps (`reply`) or forgets (`null`) the failed reply `id` of a conversation. Other entries are kept
 * as stored, without the checks: reading skips any that do not pass.
 */
export function saveFailed(
  agentId: string | undefined,
  conversationId: string,
  id: string,
  reply: FailedReply | null,
): void {
  const idOf = (entry: unknown) => (entry as { message?: { id?: unknown } } | null)?.message?.id;
  const rest = storedFailed(agentId, conversationId).filter((entry) => idOf(entry) !== id);
  const next = reply ? [...rest, reply] : rest;
  write(keyOf('failed', agentId, conversationId), next.length ? JSON.stringify(next) : null);
}

'use client';

import type { Attachment, Message, PagedeskError, SendDraft, UploadedFile } from '@pagedesk/core';
import { isUnknownOutcome, toPagedeskError } from '@pagedesk/core/rules';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { usePagedeskContext } from './context.js';
import { findMessage, patchMessage, removeMessage } from './liveCache.js';
import { loadChecks } from './loadChecks.js';
import { loadFailed, saveFailed } from './persist.js';
import { pagedeskKeys } from './queryKeys.js';

/** A reply as the composer hands it over: the draft without the ids the hook fills in. */
export type SendInput = Omit<SendDraft, 'clientId' | 'agentId'>;

/** What {@link useSendMessage} returns. */
export interface UseSendMessageResult {
  /** Shows the reply at once as `pending`, sends it, then shows the server's messages or `failed`. */
  send: (input: SendInput) => Promise<Message[]>;
  /**
   * Sends a failed message again (a local draft or a message the server marked failed). One whose
   * outcome is unknown is checked with Meta first; `force: true` sends without checking (the customer
   * may get it twice): offer it only for a message in `checkFailedIds`.
   */
  retry: (messageId: string, options?: { force?: boolean }) => Promise<void>;
  /** Unknown-outcome messages whose check with Meta failed on the last retry from this hook. */
  checkFailedIds: ReadonlySet<string>;
  isSending: boolean;
  /** The last send or retry error. */
  error: PagedeskError | null;
}

// Drafts of optimistic messages that never reached the server, per cache, so a retry button anywhere
// in the tree can resend them with the same client id (the server then keeps one message).
const localDrafts = new WeakMap<QueryClient, Map<string, { conversationId: string; draft: SendDraft }>>();
function draftsOf(client: QueryClient) {
  let map = localDrafts.get(client);
  if (!map) {
    map = new Map();
    localDrafts.set(client, map);
  }
  return map;
}

function newId(): string {
  const random = globalThis.crypto?.randomUUID?.();
  return `pd_${random ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`}`;
}

function attachmentOf(file: UploadedFile): Attachment {
  const kind = file.type.startsWith('image/')
    ? file.type === 'image/gif'
      ? 'gif'
      : 'image'
    : file.type.startsWith('video/')
      ? 'video'
      : file.type.startsWith('audio/')
        ? 'audio'
        : 'file';
  return { kind, url: file.url, name: file.name, mimeType: file.type, size: file.size };
}

function failureOf(error: PagedeskError): NonNullable<Message['failure']> {
  return { code: error.code, message: error.message, retryable: error.retryable };
}

/**
 * Sends replies in one conversation optimistically: the bubble appears at once as `pending`, becomes
 * the server's message(s) (`sent`, then `delivered`/`read` through live updates), or `failed` with the
 * reason and a retry.
 *
 * @example
 * const { send } = useSendMessage(conversationId);
 * await send({ text: 'Hello!', split: true });
 */
export function useSendMessage(conversationId: string): UseSendMessageResult {
  const { transport, now, agentId } = usePagedeskContext('useSendMessage');
  const client = useQueryClient();
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<PagedeskError | null>(null);

  const deliver = useCallback(
    async (clientId: string, draft: SendDraft, optimistic: Message): Promise<Message[]> => {
      patchMessage(client, optimistic);
      setPending((n) => n + 1);
      setError(null);
      try {
        const sent = await transport.sendMessage(conversationId, draft);
        draftsOf(client).delete(clientId);
        saveFailed(agentId, conversationId, clientId, null);
        if (!sent.some((m) => m.id === clientId)) removeMessage(client, conversationId, clientId);
        for (const message of sent) patchMessage(client, message);
        return sent;
      } catch (thrown) {
        const failure = toPagedeskError(thrown);
        draftsOf(client).set(clientId, { conversationId, draft });
        const failed: Message = {
          ...optimistic,
          delivery: 'failed',
          failure: failureOf(failure),
          updatedAt: now(),
        };
        patchMessage(client, failed);
        // Kept across reloads with its draft; the server keeps only what it recorded before failing.
        saveFailed(agentId, conversationId, clientId, { message: failed, draft });
        setError(failure);
        throw failure;
      } finally {
        setPending((n) => n - 1);
      }
    },
    [client, transport, conversationId, now, agentId],
  );

  const send = useCallback(
    (input: SendInput) => {
      const clientId = newId();
      const draft: SendDraft = { ...input, clientId, ...(agentId ? { agentId } : {}) };
      const at = now();
      const conversation = client.getQueryData<{ channelId: string }>(
        pagedeskKeys.conversation(conversationId),
      );
      const optimistic: Message = {
        id: clientId,
        conversationId,
        channelId: conversation?.channelId ?? '',
        direction: 'outbound',
        attachments: (input.attachments ?? []).map(attachmentOf),
        reactions: [],
        delivery: 'pending',
        author: { kind: 'agent', ...(agentId ? { agentId } : {}) },
        createdAt: at,
        updatedAt: at,
        ...(input.text ? { text: input.text } : {}),
        ...(input.quickReplies ? { quickReplies: input.quickReplies } : {}),
        // Only a public answer under a comment goes out without a messaging type (isPublicReply).
        ...(input.publicReply ? {} : { messagingType: 'RESPONSE' as const }),
        ...(input.replyToMessageId
          ? {
              replyTo: {
                mid: findMessage(client, conversationId, input.replyToMessageId)?.mid ?? '',
                messageId: input.replyToMessageId,
              },
            }
          : {}),
      };
      return deliver(clientId, draft, optimistic);
    },
    [agentId, client, conversationId, deliver, now],
  );

  const [checkFailedIds, setCheckFailedIds] = useState<ReadonlySet<string>>(() => new Set());
  const markCheckFailed = useCallback((messageId: string, failedCheck: boolean) => {
    setCheckFailedIds((current) => {
      if (current.has(messageId) === failedCheck) return current;
      const next = new Set(current);
      if (failedCheck) next.add(messageId);
      else next.delete(messageId);
      return next;
    });
  }, []);

  const retry = useCallback(
    async (messageId: string, options: { force?: boolean } = {}) => {
      let message = findMessage(client, conversationId, messageId);
      let local: { draft: SendDraft } | undefined = draftsOf(client).get(messageId);
      if (!message || !local) {
        // After a reload the reply lives only in this browser's storage, read with the kit's checks.
        const checks = await loadChecks().catch(() => undefined);
        const kept =
          checks && loadFailed(checks, agentId, conversationId).find((f) => f.message.id === messageId);
        message ??= kept?.message;
        local ??= kept;
      }
      if (local && message) {
        const sent = await deliver(messageId, local.draft, {
          ...message,
          delivery: 'pending',
          updatedAt: now(),
        }).catch(() => []);
        // The server had recorded this one failing (it answers a known id with the stored message):
        // it is retried there.
        if (!sent.some((m) => m.id === messageId && m.delivery === 'failed')) return;
      }
      if (message) patchMessage(client, { ...message, delivery: 'pending', updatedAt: now() });
      setPending((n) => n + 1);
      setError(null);
      // Without `force` the server checks an unknown outcome with Meta before sending again.
      const checks = !options.force && message !== undefined && isUnknownOutcome(message);
      try {
        patchMessage(
          client,
          await (options.force
            ? transport.retryMessage(messageId, { force: true })
            : transport.retryMessage(messageId)),
        );
        markCheckFailed(messageId, false);
      } catch (thrown) {
        const failure = toPagedeskError(thrown);
        if (message)
          patchMessage(client, {
            ...message,
            delivery: 'failed',
            // The check failed, or it found the message unsent and the re-send was refused: the
            // server's record says which, so it is fetched rather than guessed from the error.
            ...(checks ? {} : { failure: failureOf(failure) }),
            updatedAt: now(),
          });
        if (checks) {
          markCheckFailed(messageId, true);
          void client.invalidateQueries({ queryKey: pagedeskKeys.messages(conversationId) });
        }
        setError(failure);
      } finally {
        setPending((n) => n - 1);
      }
    },
    [client, conversationId, deliver, now, transport, agentId, markCheckFailed],
  );

  return { send, retry, checkFailedIds, isSending: pending > 0, error };
}

'use client';

import type { CommentAction, Message } from '@pagedesk/core';
import { type ReactNode, useState } from 'react';
import { usePagedeskContext } from './context.js';
import { useAgentName } from './useAgentName.js';
import { useConversation } from './useConversation.js';
import { useModerateComment } from './useModerateComment.js';

/** Props of {@link CommentModeration}. */
export interface CommentModerationProps {
  message: Message;
  /** Offer Hide/Unhide, Delete and Like/Unlike (the customer's comments); without it only the state shows. */
  actions?: boolean;
}

/** The agent who did the latest `action` to a comment, if the record names one. */
function lastBy(message: Message, action: CommentAction): string | undefined {
  const actions = message.moderation?.actions ?? [];
  for (let i = actions.length - 1; i >= 0; i--) if (actions[i]?.action === action) return actions[i]?.agentId;
  return undefined;
}

/**
 * What was done to a comment on Meta ("Hidden by Sam", "Deleted", "Liked") and, with `actions`, the
 * buttons to hide, unhide, delete and like it (like: Facebook only, as Meta's API allows) through
 * `useModerateComment`. Delete asks first: Meta cannot undo it.
 *
 * @example
 * <CommentModeration message={comment} actions />
 */
export function CommentModeration({ message, actions }: CommentModerationProps): ReactNode {
  const { messages: t } = usePagedeskContext('CommentModeration');
  const tm = t.moderation;
  const { data: conversation } = useConversation(message.conversationId);
  const moderate = useModerateComment();
  const [confirming, setConfirming] = useState(false);
  const state = message.moderation;
  const hiddenBy = useAgentName(lastBy(message, 'hide'));
  const labels: string[] = [];
  if (state?.deleted) labels.push(tm.deleted);
  else {
    if (state?.hidden) {
      labels.push(hiddenBy ? tm.hiddenBy(hiddenBy) : tm.hidden);
    }
    if (state?.liked) labels.push(tm.liked);
  }
  const run = (action: CommentAction) => moderate.mutate({ messageId: message.id, action });
  const canLike = conversation?.platform !== 'instagram';
  const button = (label: string, onClick: () => void, danger = false) => (
    <button
      type="button"
      className={`pd-button pd-button-small${danger ? ' pd-button-danger' : ''}`}
      disabled={moderate.isPending}
      onClick={onClick}
    >
      {label}
    </button>
  );
  return (
    <div
      className="pd-moderation"
      data-hidden={state?.hidden || undefined}
      data-deleted={state?.deleted || undefined}
    >
      {labels.map((label) => (
        <span key={label} className="pd-badge pd-badge-moderation">
          {label}
        </span>
      ))}
      {actions && !state?.deleted ? (
        <fieldset className="pd-moderation-actions" aria-label={tm.actions}>
          {confirming ? (
            <>
              <span className="pd-moderation-confirm">{tm.confirmDelete}</span>
              {button(
                tm.delete,
                () => {
                  setConfirming(false);
                  run('delete');
                },
                true,
              )}
              {button(t.channels.cancel, () => setConfirming(false))}
            </>
          ) : (
            <>
              {button(state?.hidden ? tm.unhide : tm.hide, () => run(state?.hidden ? 'unhide' : 'hide'))}
              {canLike
                ? button(state?.liked ? tm.unlike : tm.like, () => run(state?.liked ? 'unlike' : 'like'))
                : null}
              {button(tm.delete, () => setConfirming(true), true)}
            </>
          )}
        </fieldset>
      ) : null}
      {moderate.isError ? (
        <span className="pd-problem" role="alert">
          {t.channels.actionFailed} {moderate.error.message}
        </span>
      ) : null}
    </div>
  );
}

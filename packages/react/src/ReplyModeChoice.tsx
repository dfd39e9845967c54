'use client';

import type { Message } from '@pagedesk/core';
import { type ReactNode, useId } from 'react';
import { usePagedeskContext } from './context.js';

/** How a reply to a comment goes out: a private message to its author, or a public answer under it. */
export type ReplyMode = 'private' | 'public';

/**
 * The mode a comment reply is sent in. The agent's choice wins; without one, a private reply while it
 * is still possible, else nothing: a spent private reply never turns Enter into a public answer.
 */
export function effectiveReplyMode(chosen: ReplyMode | null, privateAvailable: boolean): ReplyMode | null {
  if (chosen === 'public') return 'public';
  return privateAvailable ? 'private' : null;
}

/**
 * A reply of ours published under a comment (everyone sees it). Core records a private reply with a
 * messaging type and a public answer without one.
 */
export function isPublicReply(message: Message, source: 'message' | 'comment' | undefined): boolean {
  return source === 'comment' && message.direction === 'outbound' && message.messagingType === undefined;
}

/** The always-visible private/public choice of the comment composer. */
export function ReplyModeChoice(props: {
  mode: ReplyMode | null;
  privateAvailable: boolean;
  onChange: (mode: ReplyMode) => void;
  disabled?: boolean;
}): ReactNode {
  const { messages: t } = usePagedeskContext('Composer');
  const name = useId();
  const option = (value: ReplyMode, label: string, disabled: boolean) => (
    <label className="pd-check">
      <input
        type="radio"
        name={name}
        value={value}
        checked={props.mode === value}
        disabled={disabled || props.disabled}
        onChange={() => props.onChange(value)}
      />
      {label}
    </label>
  );
  return (
    <fieldset className="pd-reply-mode" data-mode={props.mode ?? undefined}>
      <legend className="pd-sr-only">{t.composer.replyAs}</legend>
      {option('private', t.composer.privateReply, !props.privateAvailable)}
      {option('public', t.composer.publicReply, false)}
      {props.mode === null ? (
        <p className="pd-problem" role="alert">
          {t.composer.chooseReplyMode}
        </p>
      ) : null}
    </fieldset>
  );
}

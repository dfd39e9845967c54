'use client';

import type { Message } from '@pagedesk/core';
import { isChecking, isUnknownOutcome, PAGE_INBOX_APP_ID } from '@pagedesk/core/rules';
import type { ReactNode } from 'react';
import { AttachmentView } from './AttachmentView.js';
import { type PagedeskContextValue, usePagedeskContext } from './context.js';
import { ReplyIcon } from './Icons.js';
import { CommentModeration } from './lazyPanels.js';
import { MessageText } from './MessageText.js';
import { useSlot } from './Root.js';
import { SurveyCard } from './SurveyParts.js';
import type { MessageBubbleProps } from './slots.js';
import { createFormatters, type Formatters } from './useFormat.js';

// One set of formatters per provider messages object and locale. `useFormat()` memoises per component
// instance, so every virtualised row that mounts while scrolling would otherwise build ~10 Intl
// formatters (the largest cost in a scroll frame); rows share these instead.
const sharedFormatters = new WeakMap<PagedeskContextValue['messages'], Map<string | undefined, Formatters>>();

/**
 * The provider's formatters, shared by every row of a list (same output as `useFormat()`, built once
 * per messages object and locale instead of once per mounted row).
 *
 * @example
 * const format = useSharedFormat('MessageBubble');
 * format.time(message.createdAt);
 */
export function useSharedFormat(hook: string): Formatters {
  const { locale, messages } = usePagedeskContext(hook);
  let byLocale = sharedFormatters.get(messages);
  if (!byLocale) {
    byLocale = new Map();
    sharedFormatters.set(messages, byLocale);
  }
  let format = byLocale.get(locale);
  if (!format) {
    format = createFormatters(locale, {
      today: messages.messages.today,
      yesterday: messages.messages.yesterday,
    });
    byLocale.set(locale, format);
  }
  return format;
}

function smallButton(label: string, onClick: () => void): ReactNode {
  return (
    <button type="button" className="pd-button pd-button-small" onClick={onClick}>
      {label}
    </button>
  );
}

/**
 * Meta's Page Inbox / Business Suite app id: echoes from it read "Sent from Meta Business Suite".
 * @deprecated Use `PAGE_INBOX_APP_ID` from `@pagedesk/core`; this alias goes in the next major version.
 */
export const META_PAGE_INBOX_APP_ID: string = PAGE_INBOX_APP_ID;

function snippet(message: Message, fallback: string): string {
  if (message.unsent) return fallback;
  if (message.text) return message.text.length > 140 ? `${message.text.slice(0, 140)}…` : message.text;
  return message.attachments[0]?.name ?? fallback;
}

/**
 * The default message bubble: author line for echoes and agents, quoted reply, text with safe links,
 * attachments, reactions, edited/unsent markers, delivery state, and retry for failed messages.
 */
export function MessageBubble({
  message,
  quoted,
  onRetry,
  onSendAnyway,
  onReply,
  publicReply,
  comment,
}: MessageBubbleProps): ReactNode {
  const { messages: t, agentId } = usePagedeskContext('MessageBubble');
  const format = useSharedFormat('MessageBubble');
  const Attachment = useSlot('Attachment', AttachmentView);
  const outgoing = message.direction !== 'inbound';
  let author: string | null = null;
  if (message.direction === 'echo')
    author = t.messages.echoFrom(
      message.author.appId === PAGE_INBOX_APP_ID ? t.messages.pageInbox : t.messages.otherTool,
    );
  else if (message.direction === 'outbound' && message.author.kind === 'agent')
    author =
      message.author.agentId && message.author.agentId === agentId
        ? t.messages.you
        : message.author.name
          ? t.messages.agent(message.author.name)
          : null;
  const failed = message.delivery === 'failed';
  // A retried unknown outcome is checked with Meta first: "Checking…" until the server answers.
  const unknown = isUnknownOutcome(message);
  const checking = isChecking(message) || (unknown && message.delivery === 'pending');
  const statusLabel = outgoing
    ? checking
      ? t.messages.checking
      : unknown
        ? t.messages.unknownOutcome
        : t.messages[message.delivery]
    : null;
  return (
    <div
      className="pd-message"
      data-direction={message.direction}
      data-delivery={message.delivery}
      data-unsent={message.unsent || undefined}
      data-public={publicReply || undefined}
      data-standby={message.standby || undefined}
      data-survey={message.survey ? true : undefined}
    >
      {author || publicReply || message.standby ? (
        <div className="pd-message-author">
          {author}
          {publicReply ? <span className="pd-badge pd-badge-public">{t.messages.publicReply}</span> : null}
          {message.standby ? (
            <span className="pd-badge pd-badge-standby" title={t.routing.standbyHint}>
              {t.routing.standby}
              <span className="pd-sr-only">: {t.routing.standbyHint}</span>
            </span>
          ) : null}
        </div>
      ) : null}
      <div className="pd-bubble">
        {message.replyTo ? (
          <blockquote className="pd-quote" dir="auto">
            <span className="pd-sr-only">{t.messages.quoted}: </span>
            {quoted ? snippet(quoted, t.messages.quotedUnavailable) : t.messages.quotedUnavailable}
          </blockquote>
        ) : null}
        {message.unsent ? (
          <p className="pd-message-text pd-unsent">{t.messages.unsent}</p>
        ) : (
          <>
            {message.survey ? (
              <SurveyCard message={message} />
            ) : message.text ? (
              <MessageText text={message.text} format={format} />
            ) : null}
            {message.postback?.title ? (
              <p className="pd-message-text pd-postback">{t.messages.postback(message.postback.title)}</p>
            ) : null}
            {message.attachments.length > 0 ? (
              <div className="pd-attachments">
                {message.attachments.map((attachment, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: attachments of a message never reorder
                  <Attachment key={index} attachment={attachment} message={message} />
                ))}
              </div>
            ) : null}
            {message.quickReplies?.length ? (
              <ul className="pd-quick-replies" aria-label={t.composer.quickReplies}>
                {message.quickReplies.map((reply) => (
                  <li key={reply.payload} className="pd-chip">
                    {reply.title}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        )}
        {message.reactions.length > 0 ? (
          <span
            className="pd-reactions"
            role="img"
            aria-label={t.messages.reactions(message.reactions.map((r) => r.emoji).join(' '))}
          >
            {message.reactions.map((r) => r.emoji).join('')}
          </span>
        ) : null}
      </div>
      <div className="pd-message-meta">
        <time dateTime={new Date(message.createdAt).toISOString()}>{format.time(message.createdAt)}</time>
        {message.editCount ? <span className="pd-edited">{t.messages.edited}</span> : null}
        {message.tag === 'HUMAN_AGENT' ? <span className="pd-tag">{t.messages.humanAgentTag}</span> : null}
        {statusLabel ? <span className="pd-delivery">{statusLabel}</span> : null}
        {failed && message.failure && (!unknown || onSendAnyway) ? (
          <span className="pd-failure" role="alert">
            {unknown
              ? t.messages.checkFailed
              : (t.messages.failures[message.failure.code] ?? message.failure.message)}
          </span>
        ) : null}
        {failed && onRetry ? smallButton(t.messages.retrySend, onRetry) : null}
        {failed && unknown && onSendAnyway ? smallButton(t.messages.sendAnyway, onSendAnyway) : null}
        {comment || message.moderation ? (
          <CommentModeration message={message} actions={comment === true} />
        ) : null}
        {onReply && !message.unsent && !failed && message.delivery !== 'pending' ? (
          <button
            type="button"
            className="pd-icon-button pd-reply-button"
            aria-label={t.messages.replyTo}
            onClick={onReply}
          >
            <ReplyIcon />
          </button>
        ) : null}
      </div>
    </div>
  );
}

'use client';

import type { Conversation, Message } from '@pagedesk/core';
import {
  type ComponentType,
  memo,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { customerName } from './ConversationList.js';
import { usePagedeskContext } from './context.js';
import { MessageBubble, useSharedFormat } from './MessageBubble.js';
import { isPublicReply } from './ReplyModeChoice.js';
import { DefaultEmptyState, PagedeskRoot, useSlot } from './Root.js';
import type { MessageBubbleProps } from './slots.js';
import { useAgents } from './useChannels.js';
import { useConversation } from './useConversation.js';
import { useEarlierConversations } from './useEarlierConversations.js';
import { useTyping } from './useLive.js';
import { useMessages } from './useMessages.js';
import { useSendMessage } from './useSendMessage.js';
import { useVirtualRows } from './useVirtualRows.js';
import { useClockTick } from './useWindow.js';

/** Props of {@link MessageList}. */
export interface MessageListProps {
  conversationId: string;
  /** Called when the agent picks "Reply" on a message (a quoted reply in the composer). */
  onReply?: (message: Message) => void;
  pageSize?: number;
  className?: string;
}

/** A customer's comment on Meta (a comment thread's inbound message with Meta's id): it can be moderated. */
function isCustomerComment(message: Message, source: 'message' | 'comment' | undefined): boolean {
  return source === 'comment' && message.direction === 'inbound' && message.mid !== undefined;
}

type Row =
  | { type: 'day'; key: string; at: number }
  | { type: 'message'; key: string; message: Message; earlier: boolean }
  /** Below an earlier conversation of the customer: when it was and who resolved it. */
  | { type: 'thread'; key: string; conversation: Conversation }
  /** At the top while earlier conversations remain: the keyboard's (and a short list's) way to load them. */
  | { type: 'earlier'; key: string };

function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

interface MessageRowProps {
  /** The message, or undefined for a separator (row objects are rebuilt on every change; messages keep their identity). */
  message: Message | undefined;
  /** A separator's kind: a day, the end of an earlier conversation, or the "show earlier" button. */
  separator: 'day' | 'thread' | 'earlier' | undefined;
  index: number;
  start: number;
  quoted: Message | undefined;
  /** A separator's text ("Today", "Conversation of 3 Dec · resolved by Ana"), computed by the list. */
  dayLabel: string | undefined;
  loadEarlier: () => void;
  measure: (node: HTMLDivElement | null) => void;
  retry: (id: string, options?: { force: true }) => void;
  /** The check with Meta of this row's unknown-outcome message failed: offer "Send anyway". */
  checkFailed: boolean;
  reply: ((message: Message) => void) | undefined;
  Bubble: ComponentType<MessageBubbleProps>;
  publicReply: boolean;
  /** A message of an earlier conversation: history, shown without retry or reply. */
  earlier: boolean;
  /** A customer's comment that agents can moderate. */
  comment: boolean;
}

// The row's content, memoised apart from its position: when a row above is measured or older rows
// are prepended, only the wrapper's transform changes.
const MessageRowContent = memo(function MessageRowContent({
  message,
  separator,
  loadEarlier,
  quoted,
  dayLabel,
  retry,
  checkFailed,
  reply,
  Bubble,
  publicReply,
  earlier,
  comment,
}: Omit<MessageRowProps, 'index' | 'start' | 'measure'>): ReactNode {
  const onRetry = useCallback(() => {
    if (message) retry(message.id);
  }, [message, retry]);
  const onSendAnyway = useCallback(() => {
    if (message) retry(message.id, { force: true });
  }, [message, retry]);
  const onReply = useCallback(() => {
    if (message) reply?.(message);
  }, [message, reply]);
  if (separator === 'earlier') {
    return (
      <div className="pd-thread-more">
        <button type="button" className="pd-button" onClick={loadEarlier}>
          {dayLabel} ↑
        </button>
      </div>
    );
  }
  if (separator === 'thread') {
    return (
      // biome-ignore lint/a11y/useSemanticElements: an <hr> cannot hold the label
      <div className="pd-thread-divider" role="separator">
        <span>{dayLabel}</span>
      </div>
    );
  }
  return message ? (
    <Bubble
      message={message}
      quoted={quoted}
      onRetry={message.delivery === 'failed' && !earlier ? onRetry : undefined}
      onSendAnyway={checkFailed && message.delivery === 'failed' && !earlier ? onSendAnyway : undefined}
      onReply={reply ? onReply : undefined}
      publicReply={publicReply}
      comment={comment}
    />
  ) : (
    <div className="pd-day">
      <span>{dayLabel}</span>
    </div>
  );
});

// Memoised so a scroll frame or a new message only renders the rows whose props changed, not every
// row on screen.
const MessageRow = memo(function MessageRow({
  message,
  index,
  start,
  measure,
  ...content
}: MessageRowProps): ReactNode {
  return (
    <div
      ref={measure}
      data-index={index}
      data-message-id={message?.id}
      className={content.earlier ? 'pd-row pd-row-earlier' : 'pd-row'}
      style={{ transform: `translateY(${start}px)` }}
    >
      <MessageRowContent message={message} {...content} />
    </div>
  );
});

/** Distance from the top, in pixels, at which older messages start loading. */
const LOAD_OLDER_THRESHOLD = 300;

/**
 * The messages of a conversation: virtualised, anchored at the bottom, loading older messages as the
 * agent scrolls up without moving what they read, sticking to the newest message while at the bottom,
 * with day separators, every attachment kind, receipts, retry of failed messages, a typing indicator,
 * and polite screen-reader announcements of new customer messages.
 *
 * @example
 * <MessageList conversationId={id} onReply={setQuoted} />
 */
export function MessageList({ conversationId, onReply, pageSize, className }: MessageListProps): ReactNode {
  const { messages: t, now } = usePagedeskContext('MessageList');
  const format = useSharedFormat('MessageList');
  const list = useMessages(conversationId, pageSize === undefined ? {} : { pageSize });
  const { data: conversation } = useConversation(conversationId);
  const { retry, checkFailedIds } = useSendMessage(conversationId);
  const typist = useTyping(conversationId);
  const { data: agents } = useAgents();
  const Bubble = useSlot('MessageBubble', MessageBubble);
  const Empty = useSlot('EmptyState', DefaultEmptyState);
  const name = conversation ? customerName(conversation, t.list.unknownCustomer) : t.messages.customer;
  const thread = useEarlierConversations(conversation, pageSize === undefined ? {} : { pageSize });
  // The customer's earlier conversations come above this one once its own history is all loaded.
  const showEarlier = !list.hasOlder && !list.isLoading;

  const rows = useMemo(() => {
    const out: Row[] = [];
    let lastDay = '';
    // Messages come in time order: a Date is built only when one leaves the current calendar day.
    let dayStart = Number.POSITIVE_INFINITY;
    let dayEnd = Number.NEGATIVE_INFINITY;
    const add = (messages: readonly Message[], earlier: boolean) => {
      for (const message of messages) {
        const at = message.createdAt;
        if (at < dayStart || at >= dayEnd) {
          const day = dayKey(at);
          const start = new Date(at);
          start.setHours(0, 0, 0, 0);
          dayStart = start.getTime();
          start.setDate(start.getDate() + 1);
          dayEnd = start.getTime();
          if (day !== lastDay) {
            out.push({ type: 'day', key: `day-${day}-${message.conversationId}`, at });
            lastDay = day;
          }
        }
        out.push({ type: 'message', key: message.id, message, earlier });
      }
    };
    if (showEarlier) {
      if (thread.hasEarlier) out.push({ type: 'earlier', key: 'earlier' });
      for (const block of thread.conversations) {
        add(block.messages, true);
        out.push({
          type: 'thread',
          key: `thread-${block.conversation.id}`,
          conversation: block.conversation,
        });
        // The open conversation starts with its own day, even on the day the earlier one ended.
        lastDay = '';
        dayStart = Number.POSITIVE_INFINITY;
      }
    }
    add(list.messages, false);
    return out;
  }, [list.messages, showEarlier, thread.hasEarlier, thread.conversations]);
  const threadLabel = (c: Conversation) => {
    const by = c.resolvedBy ? agents?.find((a) => a.id === c.resolvedBy)?.name : undefined;
    return t.messages.earlierConversation(format.day(c.createdAt), c.status === 'resolved', by);
  };
  // Quoted messages are looked up for the rendered rows only; the index over every loaded message is
  // built the first time a rendered row quotes one, not on each new message.
  const findQuoted = useMemo(() => {
    let index: Map<string, Message> | undefined;
    return (reference: NonNullable<Message['replyTo']>): Message | undefined => {
      if (!index) {
        index = new Map();
        for (const row of rows) {
          if (row.type !== 'message') continue;
          const m = row.message;
          if (m.mid) index.set(`mid:${m.mid}`, m);
          index.set(`id:${m.id}`, m);
        }
      }
      return (
        (reference.messageId ? index.get(`id:${reference.messageId}`) : undefined) ??
        index.get(`mid:${reference.mid}`)
      );
    };
  }, [rows]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows({
    count: rows.length,
    scrollRef,
    estimateSize: (index) => (rows[index]?.type === 'message' ? 72 : 36),
    overscan: 8,
    getKey: (index) => rows[index]?.key ?? String(index),
    // Prepending older messages keeps the row the agent reads in place; new messages are followed
    // only while the agent is already at the bottom.
    anchorEnd: true,
    endThreshold: 24,
  });

  // Open at the newest message, once per conversation.
  const scrolledFor = useRef<string | null>(null);
  useLayoutEffect(() => {
    if (rows.length === 0 || scrolledFor.current === conversationId) return;
    scrolledFor.current = conversationId;
    virtual.scrollToIndex(rows.length - 1, 'end');
  }, [rows.length, conversationId, virtual.scrollToIndex]);

  const { hasOlder, isLoadingOlder, loadOlder } = list;
  // Whether the agent reads the newest messages; new customer messages below are counted otherwise.
  const atEnd = useRef(true);
  const [below, setBelow] = useState(0);
  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    if (element.scrollTop < LOAD_OLDER_THRESHOLD) {
      if (hasOlder) {
        if (!isLoadingOlder) loadOlder();
      } else if (showEarlier && thread.hasEarlier && !thread.isLoadingEarlier) loadEarlierRef.current();
    }
    atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight <= 48;
    if (atEnd.current) setBelow(0);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: another conversation starts with nothing below
  useEffect(() => {
    atEnd.current = true;
    setBelow(0);
  }, [conversationId]);
  const toEnd = () => {
    virtual.scrollToIndex(rows.length - 1, 'end');
    setBelow(0);
  };

  // Announce new customer messages (not the history loaded on open or when scrolling up).
  const [announcement, setAnnouncement] = useState('');
  const lastSeen = useRef<{ conversationId: string; id: string | undefined } | null>(null);
  const newest = list.messages.at(-1);
  useEffect(() => {
    const previous = lastSeen.current;
    lastSeen.current = { conversationId, id: newest?.id };
    if (!newest || !previous || previous.conversationId !== conversationId || previous.id === undefined)
      return;
    if (previous.id === newest.id) return;
    // Our own reply, or anything while the agent is at the end: bring it into view (rows are
    // re-measured as they render, which scrollToIndex follows); else offer "New messages ↓".
    if (newest.direction !== 'inbound' || atEnd.current) virtual.scrollToIndex(rows.length - 1, 'end');
    else setBelow((n) => n + 1);
    if (newest.direction === 'inbound') {
      setAnnouncement(
        t.messages.newMessage(
          name,
          newest.text ?? (newest.attachments[0] ? t.attachments[newest.attachments[0].kind] : ''),
        ),
      );
    }
  }, [newest, conversationId, name, t, rows.length, virtual.scrollToIndex]);

  // Stable callbacks keep memoised rows from re-rendering when only the list re-renders.
  const retryRef = useRef(retry);
  const replyRef = useRef(onReply);
  useLayoutEffect(() => {
    retryRef.current = retry;
    replyRef.current = onReply;
  });
  const retryMessage = useCallback(
    (id: string, options?: { force: true }) => void retryRef.current(id, options),
    [],
  );
  const replyTo = useCallback((message: Message) => replyRef.current?.(message), []);
  const loadEarlierRef = useRef(thread.loadEarlier);
  useLayoutEffect(() => {
    loadEarlierRef.current = thread.loadEarlier;
  });
  const loadEarlier = useCallback(() => loadEarlierRef.current(), []);
  const canReply = Boolean(onReply);

  const items = virtual.rows;
  useClockTick('MessageList');
  const today = now();
  return (
    <PagedeskRoot className={`pd-message-list${className ? ` ${className}` : ''}`}>
      {list.isLoading ? (
        <div className="pd-status" role="status">
          {t.messages.loading}
        </div>
      ) : list.isError ? (
        <div className="pd-error" role="alert">
          {t.messages.error}{' '}
          <button type="button" className="pd-button" onClick={list.refetch}>
            {t.messages.retry}
          </button>
        </div>
      ) : rows.length === 0 ? (
        <Empty kind="messages">{t.messages.empty}</Empty>
      ) : null}
      {isLoadingOlder || thread.isLoadingEarlier ? (
        <div className="pd-status pd-status-older" role="status">
          {isLoadingOlder ? t.messages.loadingOlder : t.messages.loadingEarlier}
        </div>
      ) : null}
      <section
        ref={scrollRef}
        className="pd-messages-scroll"
        aria-label={t.messages.label}
        // A scrollable region must be reachable by keyboard so arrow keys and Page Up/Down scroll it.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable regions must be focusable (WCAG 2.1.1)
        tabIndex={0}
        onScroll={onScroll}
        hidden={rows.length === 0}
      >
        <div className="pd-virtual" style={{ height: virtual.totalSize }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const reference = row.type === 'message' ? row.message.replyTo : undefined;
            const earlier = row.type === 'message' && row.earlier;
            return (
              <MessageRow
                key={item.key}
                message={row.type === 'message' ? row.message : undefined}
                separator={row.type === 'message' ? undefined : row.type}
                loadEarlier={loadEarlier}
                index={item.index}
                start={item.start}
                quoted={reference ? findQuoted(reference) : undefined}
                dayLabel={
                  row.type === 'day'
                    ? format.dayLabel(row.at, today)
                    : row.type === 'thread'
                      ? threadLabel(row.conversation)
                      : row.type === 'earlier'
                        ? t.messages.loadEarlier
                        : undefined
                }
                measure={virtual.measure}
                retry={retryMessage}
                checkFailed={row.type === 'message' && checkFailedIds.has(row.message.id)}
                reply={canReply && !earlier ? replyTo : undefined}
                Bubble={Bubble}
                publicReply={row.type === 'message' && isPublicReply(row.message, conversation?.source)}
                earlier={earlier}
                comment={
                  !earlier && row.type === 'message' && isCustomerComment(row.message, conversation?.source)
                }
              />
            );
          })}
        </div>
      </section>
      {below > 0 ? (
        <button type="button" className="pd-button pd-new-below" onClick={toEnd}>
          {t.messages.newBelow(below)} ↓
        </button>
      ) : null}
      {typist ? (
        <div className="pd-typing">
          <span className="pd-typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {t.messages.typing(
            typist.by === 'customer'
              ? name
              : (agents?.find((a) => a.id === typist.agentId)?.name ?? t.messages.anotherAgent),
          )}
        </div>
      ) : null}
      <div className="pd-sr-only" role="log" aria-live="polite" aria-label={t.messages.label}>
        {announcement}
      </div>
    </PagedeskRoot>
  );
}

'use client';

import type { Channel, WindowEvaluation } from '@pagedesk/core';
import { PAGE_INBOX_APP_ID, SENDABLE_STATUSES } from '@pagedesk/core/rules';
import type { ReactNode } from 'react';
import { usePagedeskContext } from './context.js';
import { useFormat } from './useFormat.js';

/** A channel that cannot send now (expired, revoked, blocked, deactivated, disconnected). */
export function channelDown(channel: Pick<Channel, 'status'> | undefined): boolean {
  return channel !== undefined && !SENDABLE_STATUSES.has(channel.status);
}

/**
 * The composer's status line: why replying is blocked when the channel is down (no countdown then),
 * the customer is blocked or another app holds the thread (with "Take thread" when `takeThread` is
 * given), else the window's tier with its countdown or reason.
 */
export function ComposerWindow(props: {
  id: string;
  window: WindowEvaluation | undefined;
  remainingMs: number | null;
  channel: Channel | undefined;
  /** A comment conversation: its line says what the one private reply allows. */
  isComment: boolean;
  /** Why replying is blocked by the customer or the thread's owner. */
  block?: { reason: 'customer' } | { reason: 'thread'; appId: string } | null;
  /** Offered beside a thread held by another app. */
  takeThread?: { run: () => void; pending: boolean; failed: boolean } | undefined;
}): ReactNode {
  const { messages: t } = usePagedeskContext('Composer');
  const format = useFormat();
  const { window, channel, block } = props;
  if (channel && channelDown(channel)) {
    return (
      <div className="pd-window pd-window-closed" id={props.id} data-channel-status={channel.status}>
        <span className="pd-badge pd-badge-window">{t.channels.status[channel.status]}</span>
        <span className="pd-window-text">
          {t.composer.channelDown(t.channels.status[channel.status])}
          {channel.statusReason ? ` (${channel.statusReason})` : ''}
        </span>
      </div>
    );
  }
  if (block) {
    const holder =
      block.reason === 'thread'
        ? block.appId === PAGE_INBOX_APP_ID
          ? t.composer.pageInbox
          : t.composer.otherApp(block.appId)
        : '';
    return (
      <div className="pd-window pd-window-closed" id={props.id} data-blocked={block.reason}>
        <span className="pd-badge pd-badge-window">{t.window.closed}</span>
        <span className="pd-window-text">
          {block.reason === 'thread' ? t.composer.threadHeld(holder) : t.composer.customerBlocked}
        </span>
        {block.reason === 'thread' && props.takeThread ? (
          <button
            type="button"
            className="pd-button pd-button-small"
            disabled={props.takeThread.pending}
            onClick={props.takeThread.run}
          >
            {t.composer.takeThread}
          </button>
        ) : null}
        {block.reason === 'thread' && props.takeThread?.failed ? (
          <span className="pd-problem" role="alert">
            {t.composer.takeThreadFailed}
          </span>
        ) : null}
      </div>
    );
  }
  if (!window) return null;
  const reason = t.window.reasons[window.reason.code];
  const remaining = props.remainingMs === null ? null : format.duration(props.remainingMs);
  const text =
    window.state === 'closed' || props.isComment
      ? (reason ?? window.reason.text)
      : remaining === null
        ? (reason ?? null)
        : window.state === 'standard'
          ? t.window.standardEndsIn(remaining)
          : t.window.closesIn(remaining);
  return (
    <div className={`pd-window pd-window-${window.state}`} id={props.id}>
      <span className="pd-badge pd-badge-window">{t.window[window.state]}</span>
      {text ? <span className="pd-window-text">{text}</span> : null}
      {window.state === 'human_agent' ? (
        <p className="pd-window-notice">{t.window.humanAgentNotice}</p>
      ) : null}
    </div>
  );
}

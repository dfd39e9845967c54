'use client';

import type { ConversationWithCustomer } from '@pagedesk/core';
import { type ReactNode, useEffect, useRef } from 'react';
import { usePagedeskContext } from './context.js';
import { META_PAGE_INBOX_APP_ID } from './MessageBubble.js';
import { threadHolder } from './threadHolder.js';
import { useChannels } from './useChannels.js';
import { useThreadControl } from './useThreadControl.js';

/** Props of {@link ThreadOwner}. */
export interface ThreadOwnerProps {
  conversation: ConversationWithCustomer;
  /**
   * Where "Pass back" hands the thread when no app asked for it: the bot that shares the page.
   * Default: the app that held it before this inbox took it (seen in this session), else Meta's Page Inbox.
   */
  passToAppId?: string;
}

/**
 * The conversation header's routing part: who holds the thread (this inbox, a bot, Meta's Page
 * Inbox) and, on Messenger, Take over / Request while another app holds it and Pass back while this
 * inbox does (through `useThreadControl`). Renders nothing for a thread no other app shares. Name
 * your bots through the `routing.bot` message: `messages={{ routing: { bot: (id) => names[id] } }}`.
 *
 * @example
 * <ThreadOwner conversation={conversation} passToAppId={BOT_APP_ID} />
 */
export function ThreadOwner({ conversation, passToAppId }: ThreadOwnerProps): ReactNode {
  const { messages: t } = usePagedeskContext('ThreadOwner');
  const tr = t.routing;
  const { data: channels } = useChannels();
  const channel = channels?.find((c) => c.id === conversation.channelId);
  const control = useThreadControl(conversation.id);
  const holder = threadHolder(conversation, channel);
  const owner = conversation.threadOwner;
  // The app this inbox took the thread from: where "Pass back" returns it.
  const previous = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (holder === 'other' && owner?.appId) previous.current = owner.appId;
  }, [holder, owner?.appId]);
  // Idle or never shared: this inbox may answer, nothing to say.
  if (holder === 'unknown' || holder === 'idle' || !owner?.appId || conversation.source !== 'message')
    return null;
  const name = (appId: string): string =>
    appId === channel?.appId ? tr.us : appId === META_PAGE_INBOX_APP_ID ? tr.pageInbox : tr.bot(appId);
  const messenger = conversation.platform === 'messenger';
  const busy = control.isPending;
  const passTarget = owner.requestedByAppId ?? passToAppId ?? previous.current ?? META_PAGE_INBOX_APP_ID;
  return (
    <div className="pd-thread-owner" data-holder={holder}>
      <span className="pd-badge pd-badge-owner" title={tr.owner}>
        <span className="pd-sr-only">{tr.owner}: </span>
        {holder === 'other' ? tr.heldBy(name(owner.appId)) : tr.us}
      </span>
      {owner.requestedByAppId && holder === 'us' ? (
        <span className="pd-badge pd-badge-request">{tr.requested(name(owner.requestedByAppId))}</span>
      ) : null}
      {messenger
        ? (holder === 'us'
            ? ([[tr.pass, { action: 'pass', targetAppId: passTarget }]] as const)
            : ([
                [tr.take, { action: 'take' }],
                [tr.request, { action: 'request' }],
              ] as const)
          ).map(([label, input]) => (
            <button
              key={label}
              type="button"
              className="pd-button pd-button-small"
              disabled={busy}
              onClick={() => control.mutate(input)}
            >
              {label}
            </button>
          ))
        : null}
      {control.isError ? (
        <span className="pd-problem" role="alert">
          {t.channels.actionFailed} {control.error.message}
        </span>
      ) : null}
    </div>
  );
}

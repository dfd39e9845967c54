'use client';

import type { Message } from '@pagedesk/core';
import { type ReactNode, useEffect, useState } from 'react';
import { Composer, type ComposerProps, type ComposerTemplate } from './Composer.js';
import { ConversationList, customerName } from './ConversationList.js';
import { usePagedeskContext } from './context.js';
import { ChannelKindIcon } from './Icons.js';
import { MessageList } from './MessageList.js';
import type { ConversationFilter } from './queryKeys.js';
import { DefaultEmptyState, PagedeskRoot, useSlot } from './Root.js';
import { useAgents } from './useChannels.js';
import { useConversation, useUpdateConversation } from './useConversation.js';
import { useLiveStatus } from './useLive.js';

/** Props of {@link ConversationView}. */
export interface ConversationViewProps {
  conversationId: string;
  templates?: ComposerTemplate[];
  /** Shown in narrow layouts to go back to the list. */
  onBack?: () => void;
  /** Focus the composer when the conversation opens. Default true. */
  autoFocus?: boolean;
  /** Extra props for the composer. */
  composerProps?: Partial<Omit<ComposerProps, 'conversationId'>>;
  className?: string;
}

/**
 * One conversation: a header (customer, channel, assignee, resolve/reopen), its messages and the
 * composer. Opening it marks it read and moves focus to the composer.
 */
export function ConversationView(props: ConversationViewProps): ReactNode {
  const { conversationId } = props;
  const { messages: t } = usePagedeskContext('ConversationView');
  const { data: conversation } = useConversation(conversationId);
  const { data: agents } = useAgents();
  const update = useUpdateConversation(conversationId);
  const [quoted, setQuoted] = useState<Message | null>(null);
  const markRead = update.mutate;
  const unread = conversation?.unreadCount ?? 0;

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when another conversation opens
  useEffect(() => {
    setQuoted(null);
  }, [conversationId]);
  useEffect(() => {
    if (unread > 0) markRead({ read: true });
  }, [unread, markRead]);

  return (
    <PagedeskRoot className={`pd-conversation-view${props.className ? ` ${props.className}` : ''}`}>
      <header className="pd-conversation-header">
        {props.onBack ? (
          <button type="button" className="pd-button pd-back" onClick={props.onBack}>
            {t.inbox.back}
          </button>
        ) : null}
        {conversation ? (
          <>
            <ChannelKindIcon platform={conversation.platform} source={conversation.source} />
            <h2 className="pd-conversation-title" dir="auto">
              {customerName(conversation, t.list.unknownCustomer)}
            </h2>
            <span className="pd-spacer" />
            <select
              className="pd-select"
              aria-label={t.inbox.assignee}
              value={conversation.assigneeId ?? ''}
              onChange={(e) => update.mutate({ assigneeId: e.target.value || null })}
            >
              <option value="">{t.inbox.unassigned}</option>
              {(agents ?? []).map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="pd-button"
              onClick={() => update.mutate({ status: conversation.status === 'open' ? 'resolved' : 'open' })}
            >
              {conversation.status === 'open' ? t.inbox.resolve : t.inbox.reopen}
            </button>
          </>
        ) : null}
      </header>
      <MessageList conversationId={conversationId} onReply={setQuoted} />
      <Composer
        conversationId={conversationId}
        quoted={quoted}
        onCancelQuote={() => setQuoted(null)}
        autoFocus={props.autoFocus !== false}
        {...(props.templates ? { templates: props.templates } : {})}
        {...props.composerProps}
      />
    </PagedeskRoot>
  );
}

/** Props of {@link Inbox}. */
export interface InboxProps {
  /** Controlled selection (e.g. from the host's router). */
  selectedId?: string | null;
  defaultSelectedId?: string;
  onSelect?: (id: string | null) => void;
  defaultFilter?: ConversationFilter;
  templates?: ComposerTemplate[];
  className?: string;
}

/**
 * The drop-in inbox: the conversation list beside the open conversation, one pane at a time on narrow
 * screens, with a live-connection banner.
 *
 * @example
 * <PagedeskProvider transport={httpTransport({ baseUrl: '/pagedesk' })}>
 *   <Inbox defaultFilter={{ status: 'open' }} />
 * </PagedeskProvider>
 */
export function Inbox(props: InboxProps): ReactNode {
  const { messages: t } = usePagedeskContext('Inbox');
  const [ownSelected, setOwnSelected] = useState<string | null>(props.defaultSelectedId ?? null);
  const selected = props.selectedId === undefined ? ownSelected : props.selectedId;
  const select = (id: string | null) => {
    if (props.selectedId === undefined) setOwnSelected(id);
    props.onSelect?.(id);
  };
  const status = useLiveStatus();
  const Empty = useSlot('EmptyState', DefaultEmptyState);
  return (
    <PagedeskRoot
      className={`pd-inbox${props.className ? ` ${props.className}` : ''}`}
      data-view={selected ? 'conversation' : 'list'}
    >
      {status === 'reconnecting' || status === 'closed' ? (
        <div className="pd-live-banner" role="status">
          {t.inbox.live[status]}
        </div>
      ) : null}
      <nav className="pd-inbox-list" aria-label={t.list.label}>
        <ConversationList
          selectedId={selected ?? undefined}
          onSelect={select}
          {...(props.defaultFilter ? { defaultFilter: props.defaultFilter } : {})}
        />
      </nav>
      <section className="pd-inbox-view" aria-label={t.inbox.label}>
        {selected ? (
          <ConversationView
            key={selected}
            conversationId={selected}
            onBack={() => select(null)}
            {...(props.templates ? { templates: props.templates } : {})}
          />
        ) : (
          <Empty kind="selection">{t.inbox.noSelection}</Empty>
        )}
      </section>
    </PagedeskRoot>
  );
}

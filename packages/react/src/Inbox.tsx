'use client';

import type { Customer, Message } from '@pagedesk/core';
import { type ReactNode, useEffect, useState } from 'react';
import { Composer, type ComposerProps, type ComposerTemplate } from './Composer.js';
import { ConversationList, customerName } from './ConversationList.js';
import { usePagedeskContext } from './context.js';
import { ChannelKindIcon } from './Icons.js';
import { CustomerPanel, preloadCustomerPanel, ThreadOwner } from './lazyPanels.js';
import { MessageList } from './MessageList.js';
import type { ConversationFilter } from './queryKeys.js';
import { DefaultEmptyState, PagedeskRoot, useSlot } from './Root.js';
import { SendSurveyButton, SurveyScore } from './SurveyParts.js';
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
  /**
   * Opens another conversation: "Continues in the new conversation" on a resolved conversation the
   * customer wrote to again. Without it that notice shows no button.
   */
  onOpenConversation?: (conversationId: string) => void;
  /**
   * The customer panel beside the messages: `false` leaves it out; a function renders the host's own
   * content (CRM record, orders) inside it. Default: the panel without host content.
   */
  customerPanel?: boolean | ((customer: Customer) => ReactNode);
  className?: string;
}

/** Narrow screens start with the panel closed: there it covers the conversation as a sheet. */
function panelOpenAtFirst(): boolean {
  return typeof window === 'undefined' || !window.matchMedia?.('(max-width: 720px)').matches;
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
  const [panelOpen, setPanelOpen] = useState(panelOpenAtFirst);
  const panel = props.customerPanel ?? true;
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
            <SurveyScore conversation={conversation} />
            <ThreadOwner conversation={conversation} />
            <span className="pd-spacer" />
            <SendSurveyButton conversation={conversation} />
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
            {panel ? (
              <button
                type="button"
                className="pd-button pd-customer-toggle"
                aria-expanded={panelOpen}
                onPointerEnter={preloadCustomerPanel}
                onFocus={preloadCustomerPanel}
                onClick={() => setPanelOpen((open) => !open)}
              >
                {t.customer.panel}
              </button>
            ) : null}
          </>
        ) : null}
      </header>
      <div className="pd-conversation-body">
        <div className="pd-conversation-main">
          <MessageList conversationId={conversationId} onReply={setQuoted} />
          {conversation?.continuedIn ? (
            <div className="pd-continued" role="status">
              <span>{t.messages.continued}</span>
              {props.onOpenConversation ? (
                <button
                  type="button"
                  className="pd-button pd-button-primary"
                  onClick={() => props.onOpenConversation?.(conversation.continuedIn as string)}
                >
                  {t.messages.openContinuation} →
                </button>
              ) : null}
            </div>
          ) : null}
          <Composer
            conversationId={conversationId}
            quoted={quoted}
            onCancelQuote={() => setQuoted(null)}
            autoFocus={props.autoFocus !== false}
            {...(props.templates ? { templates: props.templates } : {})}
            {...props.composerProps}
          />
        </div>
        {panel && panelOpen && conversation ? (
          <CustomerPanel customerId={conversation.customerId} onClose={() => setPanelOpen(false)}>
            {typeof panel === 'function' ? panel : null}
          </CustomerPanel>
        ) : null}
      </div>
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
  /** The customer panel of the open conversation (see {@link ConversationViewProps.customerPanel}). */
  customerPanel?: ConversationViewProps['customerPanel'];
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
            onOpenConversation={select}
            {...(props.templates ? { templates: props.templates } : {})}
            {...(props.customerPanel === undefined ? {} : { customerPanel: props.customerPanel })}
          />
        ) : (
          <Empty kind="selection">{t.inbox.noSelection}</Empty>
        )}
      </section>
    </PagedeskRoot>
  );
}

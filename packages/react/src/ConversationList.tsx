'use client';

import type { Channel, ConversationWithCustomer } from '@pagedesk/core';
import { customerDisplayName, windowForConversation } from '@pagedesk/core/rules';
import {
  type ComponentType,
  type KeyboardEvent,
  memo,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { channelDown } from './ComposerWindow.js';
import { ConversationFilterBar } from './ConversationFilterBar.js';
import { usePagedeskContext } from './context.js';
import { ChannelKindIcon } from './Icons.js';
import { useSharedFormat } from './MessageBubble.js';
import type { ConversationFilter } from './queryKeys.js';
import { DefaultEmptyState, PagedeskRoot, useSlot } from './Root.js';
import { SurveyScore } from './SurveyParts.js';
import type { ConversationItemProps } from './slots.js';
import { safeArchivedUrl, safeAttachmentUrl } from './urls.js';
import { useChannels } from './useChannels.js';
import { useConversations } from './useConversations.js';
import { useVirtualRows } from './useVirtualRows.js';
import { useClockTick } from './useWindow.js';

/** The name to show for a conversation's customer. */
export function customerName(conversation: ConversationWithCustomer, fallback: string): string {
  // The agents' name from the customer panel first, then Meta's (one rule, in core).
  return customerDisplayName(conversation.customer) || fallback;
}

function useMinuteClock(): number {
  const { now } = usePagedeskContext('ConversationList');
  const tick = useClockTick('ConversationList');
  const [value, setValue] = useState(now);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a jump of the server clock re-reads it
  useEffect(() => setValue(now()), [now, tick]);
  useEffect(() => {
    // Re-render on each minute boundary so list times and window badges stay current.
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      timer = setTimeout(
        () => {
          setValue(now());
          schedule();
        },
        60_000 - (now() % 60_000),
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, [now]);
  return value;
}

/** Default conversation row: avatar initial, channel icon, name, preview, time, unread and window badges. */
export function DefaultConversationItem({
  conversation,
  channel,
}: ConversationItemProps & { now?: number }): ReactNode {
  const { messages: t, now: clock, urlPolicy } = usePagedeskContext('ConversationItem');
  const format = useSharedFormat('ConversationItem');
  const now = clock();
  const name = customerName(conversation, t.list.unknownCustomer);
  // The host's copy of the profile picture (Meta's URL expires), else Meta's when the URL policy allows
  // it; the initial otherwise.
  const { archivedAvatarUrl, avatarUrl } = conversation.customer;
  const picture = safeArchivedUrl(archivedAvatarUrl, urlPolicy) ?? safeAttachmentUrl(avatarUrl, urlPolicy);
  const window = windowForConversation(
    conversation,
    { humanAgent: channel?.settings.humanAgent ?? true },
    now,
  );
  const kindLabel = conversation.source === 'comment' ? t.list.comments : t.list[conversation.platform];
  return (
    <>
      <span className="pd-avatar" aria-hidden="true">
        {picture ? (
          <img className="pd-avatar-img" src={picture} alt="" loading="lazy" />
        ) : (
          name.replace('@', '').slice(0, 1).toUpperCase()
        )}
        <span className="pd-avatar-channel">
          <ChannelKindIcon platform={conversation.platform} source={conversation.source} />
        </span>
      </span>
      <span className="pd-conv-main">
        <span className="pd-conv-top">
          <bdi className="pd-conv-name">{name}</bdi>
          <time className="pd-conv-time" dateTime={new Date(conversation.lastMessageAt).toISOString()}>
            {format.listTime(conversation.lastMessageAt, now)}
          </time>
        </span>
        <span className="pd-conv-bottom">
          <span className="pd-conv-preview" dir="auto">
            {conversation.preview || t.list.noPreview}
          </span>
          {conversation.unreadCount > 0 ? (
            <span className="pd-badge pd-badge-unread">
              <span aria-hidden="true">{format.number(conversation.unreadCount)}</span>
              <span className="pd-sr-only">{t.list.unread(conversation.unreadCount)}</span>
            </span>
          ) : null}
        </span>
        <span className="pd-conv-meta">
          <span className="pd-sr-only">{kindLabel}</span>
          {channel && channelDown(channel) ? (
            // A channel that cannot send says so; a window countdown would suggest a reply is possible.
            <span className="pd-badge pd-badge-window pd-window-closed" data-channel-status={channel.status}>
              {t.channels.status[channel.status]}
            </span>
          ) : window.state !== 'standard' ? (
            // "Window closed", never a bare "Closed" that reads like the conversation's status.
            <span className={`pd-badge pd-badge-window pd-window-${window.state}`}>
              {window.state === 'closed' ? t.list.windowClosed : t.window[window.state]}
            </span>
          ) : null}
          {conversation.status === 'resolved' ? (
            <span className="pd-badge pd-badge-resolved">✓ {t.list.resolved}</span>
          ) : null}
          <SurveyScore conversation={conversation} />
        </span>
      </span>
    </>
  );
}

interface ConversationRowProps {
  conversation: ConversationWithCustomer;
  index: number;
  start: number;
  optionId: string;
  selected: boolean;
  active: boolean;
  channel: Channel | undefined;
  setSize: number;
  /** The minute clock: a new value re-renders the row so its time and window badge stay current. */
  minute: number;
  measure: (node: HTMLDivElement | null) => void;
  onPick: (id: string) => void;
  Item: ComponentType<ConversationItemProps>;
  renderItem: ((props: ConversationItemProps) => ReactNode) | undefined;
}

// Memoised so a scroll frame only renders the rows that come into view: rows already on screen keep
// their props (absolute positions do not move while scrolling) and are skipped.
// The row's content, memoised apart from its position: when a row above is measured and this one
// moves, only the wrapper's transform changes.
const ConversationRowContent = memo(function ConversationRowContent({
  conversation,
  selected,
  active,
  channel,
  Item,
  renderItem,
}: Pick<
  ConversationRowProps,
  'conversation' | 'selected' | 'active' | 'channel' | 'Item' | 'renderItem' | 'minute'
>): ReactNode {
  const itemProps: ConversationItemProps = { conversation, selected, active, channel };
  return renderItem ? renderItem(itemProps) : <Item {...itemProps} />;
});

const ConversationRow = memo(function ConversationRow({
  conversation,
  index,
  start,
  optionId,
  selected,
  active,
  channel,
  setSize,
  minute,
  measure,
  onPick,
  Item,
  renderItem,
}: ConversationRowProps): ReactNode {
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard handled by the listbox (aria-activedescendant)
    // biome-ignore lint/a11y/useFocusableInteractive: focus stays on the listbox; aria-activedescendant points here
    <div
      id={optionId}
      ref={measure}
      data-index={index}
      role="option"
      aria-selected={selected}
      aria-setsize={setSize}
      aria-posinset={index + 1}
      className="pd-conversation"
      data-active={active || undefined}
      data-unread={conversation.unreadCount > 0 || undefined}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onPick(conversation.id)}
    >
      <ConversationRowContent
        conversation={conversation}
        selected={selected}
        active={active}
        channel={channel}
        minute={minute}
        Item={Item}
        renderItem={renderItem}
      />
    </div>
  );
});

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  /** The open conversation. */
  selectedId?: string | undefined;
  onSelect?: (id: string) => void;
  /** Controlled filter; leave out to let the list keep its own. */
  filter?: ConversationFilter;
  onFilterChange?: (filter: ConversationFilter) => void;
  /** Starting filter when uncontrolled. */
  defaultFilter?: ConversationFilter;
  /** Show the search and filter bar. Default true. */
  showFilters?: boolean;
  pageSize?: number;
  /** Render a row yourself (takes precedence over `components.ConversationItem`). */
  renderItem?: (props: ConversationItemProps) => ReactNode;
  className?: string;
}

// The list itself; exported below with its parts as properties.
function ConversationListDefault(props: ConversationListProps): ReactNode {
  const { messages: t } = usePagedeskContext('ConversationList');
  const [ownFilter, setOwnFilter] = useState<ConversationFilter>(props.defaultFilter ?? {});
  const filter = props.filter ?? ownFilter;
  const setFilter = (next: ConversationFilter) => {
    if (!props.filter) setOwnFilter(next);
    props.onFilterChange?.(next);
  };
  // A stable handle for the memoised filter bar, so scrolling does not re-render its inputs.
  const setFilterRef = useRef(setFilter);
  useLayoutEffect(() => {
    setFilterRef.current = setFilter;
  });
  const applyFilter = useCallback((next: ConversationFilter) => setFilterRef.current(next), []);
  const list = useConversations(filter, props.pageSize === undefined ? {} : { pageSize: props.pageSize });
  const { data: channels } = useChannels();
  const channelById = useMemo(() => new Map((channels ?? []).map((c) => [c.id, c] as const)), [channels]);
  const Item = useSlot('ConversationItem', DefaultConversationItem);
  const Empty = useSlot('EmptyState', DefaultEmptyState);
  const minute = useMinuteClock();
  const baseId = useId();
  const optionId = (index: number) => `${baseId}-option-${index}`;

  const scrollRef = useRef<HTMLDivElement>(null);
  const { conversations } = list;
  const virtual = useVirtualRows({
    count: conversations.length,
    scrollRef,
    // A default row without badges; rows are measured, so other heights only shift the estimate.
    estimateSize: () => 64,
    overscan: 6,
    getKey: (index) => conversations[index]?.id ?? String(index),
  });
  const items = virtual.rows;
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= conversations.length - 10) list.loadMore();
  }, [lastIndex, conversations.length, list]);

  const selectedIndex = conversations.findIndex((c) => c.id === props.selectedId);
  // The active row is a conversation, not a position: a live message moving rows must not move it.
  const [activeId, setActiveId] = useState<string>();
  // Stable across renders so memoised rows are not re-rendered by a new click handler.
  const onSelectRef = useRef(props.onSelect);
  useLayoutEffect(() => {
    onSelectRef.current = props.onSelect;
  });
  const onPick = useCallback((id: string) => {
    setActiveId(id);
    onSelectRef.current?.(id);
  }, []);

  const activeAt = conversations.findIndex((c) => c.id === activeId);
  const activeIndex = activeAt >= 0 ? activeAt : Math.max(selectedIndex, 0);
  const moveTo = useCallback(
    (index: number) => {
      if (conversations.length === 0) return;
      const next = Math.min(conversations.length - 1, Math.max(0, index));
      setActiveId(conversations[next]?.id);
      virtual.scrollToIndex(next, 'auto');
    },
    [conversations, virtual.scrollToIndex],
  );
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, items.length - 2);
    let target: number | null = null;
    switch (event.key) {
      case 'ArrowDown':
        target = activeIndex + 1;
        break;
      case 'ArrowUp':
        target = activeIndex - 1;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = conversations.length - 1;
        break;
      case 'PageDown':
        target = activeIndex + page;
        break;
      case 'PageUp':
        target = activeIndex - page;
        break;
      case 'Enter':
      case ' ': {
        const conversation = conversations[activeIndex];
        if (conversation) props.onSelect?.(conversation.id);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
    if (target !== null) moveTo(target);
  };

  const setSize = list.hasMore ? -1 : conversations.length;

  return (
    <PagedeskRoot className={`pd-conversation-list${props.className ? ` ${props.className}` : ''}`}>
      {props.showFilters === false ? null : (
        <ConversationFilterBar filter={filter} onFilterChange={applyFilter} />
      )}
      {list.isLoading ? (
        <div className="pd-status" role="status">
          {t.list.loading}
        </div>
      ) : list.isError ? (
        <div className="pd-error" role="alert">
          {t.list.error}{' '}
          <button type="button" className="pd-button" onClick={list.refetch}>
            {t.list.retry}
          </button>
        </div>
      ) : conversations.length === 0 ? (
        <Empty kind="conversations">{t.list.empty}</Empty>
      ) : null}
      <div
        ref={scrollRef}
        className="pd-listbox"
        role="listbox"
        aria-label={t.list.label}
        tabIndex={conversations.length ? 0 : -1}
        hidden={conversations.length === 0}
        // Only point at a row that is rendered: a virtualised row outside the viewport has no element.
        aria-activedescendant={
          items.some((row) => row.index === activeIndex) ? optionId(activeIndex) : undefined
        }
        onKeyDown={onKeyDown}
      >
        <div className="pd-virtual" style={{ height: virtual.totalSize }}>
          {items.map((row) => {
            const conversation = conversations[row.index];
            if (!conversation) return null;
            return (
              <ConversationRow
                key={row.key}
                conversation={conversation}
                index={row.index}
                start={row.start}
                optionId={optionId(row.index)}
                selected={conversation.id === props.selectedId}
                active={row.index === activeIndex}
                channel={channelById.get(conversation.channelId)}
                setSize={setSize}
                minute={minute}
                measure={virtual.measure}
                onPick={onPick}
                Item={Item}
                renderItem={props.renderItem}
              />
            );
          })}
        </div>
      </div>
      {list.isLoadingMore ? (
        <div className="pd-status pd-status-more" role="status">
          {t.list.loadingMore}
        </div>
      ) : null}
    </PagedeskRoot>
  );
}

/**
 * The conversation list: virtualised (only visible rows are in the DOM, so thousands stay smooth),
 * live, with search and filters (channel kind, status, assignee, unread), and a keyboard listbox
 * (Arrow keys, Home, End, Page Up/Down, Enter). Built from `ConversationList.FilterBar` and
 * `ConversationList.Item` (the default row), which a host can place or replace.
 *
 * A host that places the filter bar itself passes `showFilters={false}` and a controlled `filter`.
 *
 * @example
 * <ConversationList selectedId={id} onSelect={setId} defaultFilter={{ status: 'open' }} />
 */
export const ConversationList = Object.assign(ConversationListDefault, {
  FilterBar: ConversationFilterBar,
  Item: DefaultConversationItem,
});

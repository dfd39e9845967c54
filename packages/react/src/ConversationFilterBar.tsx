'use client';

import { memo, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { usePagedeskContext } from './context.js';
import { ChannelKindIcon } from './Icons.js';
import type { ConversationFilter } from './queryKeys.js';
import { useAgents } from './useChannels.js';

type ChannelKind = '' | 'messenger' | 'instagram' | 'comment';

function kindOf(filter: ConversationFilter): ChannelKind {
  if (filter.source === 'comment') return 'comment';
  return filter.platform ?? '';
}

/** Props of {@link ConversationFilterBar}. */
export interface ConversationFilterBarProps {
  filter: ConversationFilter;
  /** Called with the next filter (search once typing pauses for 250 ms, so each key is not a request). */
  onFilterChange: (filter: ConversationFilter) => void;
}

/**
 * The conversation list's search and filters (channel kind, status, assignee, unread), for a host
 * that places them itself: `<ConversationList showFilters={false} filter={f} />` beside
 * `<ConversationList.FilterBar filter={f} onFilterChange={setF} />`. Memoised: the list re-renders
 * on every scroll frame that changes the visible rows, and the inputs have nothing to do with that.
 *
 * @example
 * const [filter, setFilter] = useState<ConversationFilter>({ status: 'open' });
 * <ConversationList.FilterBar filter={filter} onFilterChange={setFilter} />
 */
export const ConversationFilterBar = memo(function ConversationFilterBar({
  filter,
  onFilterChange: onFilter,
}: ConversationFilterBarProps): ReactNode {
  const { messages: t } = usePagedeskContext('ConversationList.FilterBar');
  const { data: agents } = useAgents();
  const baseId = useId();
  const [search, onSearch] = useState(filter.search ?? '');
  // What this bar sent that the host has not handed back yet. The host's search coming back as one of
  // them, even late through a router, is an echo: the box keeps what the agent typed since. Anything
  // else is the host's own change (cleared, set from a link): the box shows it, or the debounce below
  // would send the old text back.
  const hostSearch = filter.search ?? '';
  const sent = useRef<string[]>([]);
  useEffect(() => {
    const at = sent.current.indexOf(hostSearch);
    sent.current = at < 0 ? [] : sent.current.slice(at + 1);
    if (at < 0) onSearch(hostSearch);
  }, [hostSearch]);
  useEffect(() => {
    if (hostSearch === search || sent.current.includes(search)) return;
    const timer = setTimeout(() => {
      const { search: _old, ...rest } = filter;
      sent.current.push(search);
      onFilter(search ? { ...rest, search } : rest);
    }, 250);
    return () => clearTimeout(timer);
  }, [filter, hostSearch, search, onFilter]);
  const kind = kindOf(filter);
  const setKind = (value: ChannelKind) => {
    const { platform: _p, source: _s, ...rest } = filter;
    if (value === 'comment') onFilter({ ...rest, source: 'comment' });
    else if (value) onFilter({ ...rest, platform: value, source: 'message' });
    else onFilter(rest);
  };
  const assigneeValue =
    filter.assigneeId === undefined ? '' : filter.assigneeId === null ? '__none' : filter.assigneeId;
  return (
    <fieldset className="pd-filters">
      <legend className="pd-sr-only">{t.list.filters}</legend>
      <input
        type="search"
        className="pd-input pd-search"
        aria-label={t.list.search}
        placeholder={t.list.search}
        value={search}
        onChange={(e) => onSearch(e.target.value)}
      />
      <div className="pd-filter-row">
        <div className="pd-segmented" role="radiogroup" aria-label={t.list.channel}>
          {(
            [
              ['', t.list.allChannels],
              ['messenger', t.list.messenger],
              ['instagram', t.list.instagram],
              ['comment', t.list.comments],
            ] as const
          ).map(([value, label]) => (
            <label key={value || 'all'} className="pd-segment" title={label}>
              <input
                type="radio"
                name={`${baseId}-kind`}
                value={value}
                checked={kind === value}
                onChange={() => setKind(value)}
              />
              {value ? (
                <ChannelKindIcon
                  platform={value === 'comment' ? 'messenger' : value}
                  source={value === 'comment' ? 'comment' : 'message'}
                />
              ) : null}
              <span className={value ? 'pd-sr-only' : undefined}>{label}</span>
            </label>
          ))}
        </div>
        <select
          className="pd-select"
          aria-label={t.list.status}
          value={filter.status ?? ''}
          onChange={(e) => {
            const { status: _s, ...rest } = filter;
            const value = e.target.value;
            onFilter(value === 'open' || value === 'resolved' ? { ...rest, status: value } : rest);
          }}
        >
          <option value="">{t.list.anyStatus}</option>
          <option value="open">{t.list.open}</option>
          <option value="resolved">{t.list.resolved}</option>
        </select>
        <select
          className="pd-select"
          aria-label={t.list.assignee}
          value={assigneeValue}
          onChange={(e) => {
            const { assigneeId: _a, ...rest } = filter;
            const value = e.target.value;
            onFilter(value === '' ? rest : { ...rest, assigneeId: value === '__none' ? null : value });
          }}
        >
          <option value="">{t.list.anyAssignee}</option>
          <option value="__none">{t.list.unassigned}</option>
          {(agents ?? []).map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
        </select>
        <label className="pd-check">
          <input
            type="checkbox"
            checked={Boolean(filter.unread)}
            onChange={(e) => {
              const { unread: _u, ...rest } = filter;
              onFilter(e.target.checked ? { ...rest, unread: true } : rest);
            }}
          />
          {t.list.unreadOnly}
        </label>
      </div>
    </fieldset>
  );
});

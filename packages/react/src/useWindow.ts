'use client';

import type { Channel, Conversation, WindowEvaluation } from '@pagedesk/core';
import { windowForConversation } from '@pagedesk/core/rules';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { usePagedeskContext } from './context.js';

/** What {@link useWindow} returns: the window, plus the milliseconds left in its current tier. */
export interface UseWindowResult {
  window: WindowEvaluation | undefined;
  /** Time until the state changes (standard → human agent → closed), or null when nothing will change. */
  remainingMs: number | null;
  /** The clock value the window was evaluated at. */
  now: number;
}

/** How long until a countdown shown in minutes (or seconds in the last minute) changes. */
export function nextTickDelay(remainingMs: number): number {
  if (remainingMs <= 0) return 1000;
  const step = remainingMs <= 60_000 ? 1000 : 60_000;
  return remainingMs % step || step;
}

/** Re-renders when the server clock jumps; returns a counter to list in effect dependencies. */
export function useClockTick(hook: string): number {
  const { clockTick } = usePagedeskContext(hook);
  return useSyncExternalStore(clockTick.subscribe, clockTick.get, clockTick.get);
}

/**
 * The messaging window of a conversation by the server's clock, re-evaluated exactly when its
 * countdown changes (each minute, each second in the last minute), at each tier boundary, on live
 * changes of the conversation and when the server clock jumps, so the composer never offers a reply
 * Meta would refuse.
 *
 * @example
 * const { window, remainingMs } = useWindow(conversation, channel);
 * window?.state; // 'standard' | 'human_agent' | 'closed'
 */
export function useWindow(
  conversation: Conversation | undefined,
  channel?: Pick<Channel, 'settings'> | { humanAgent: boolean },
): UseWindowResult {
  const { now: clock } = usePagedeskContext('useWindow');
  const tick = useClockTick('useWindow');
  const [now, setNow] = useState(clock);
  const humanAgent = channel
    ? 'settings' in channel
      ? channel.settings.humanAgent
      : channel.humanAgent
    : true;
  const window = useMemo(
    () => (conversation ? windowForConversation(conversation, { humanAgent }, now) : undefined),
    [conversation, humanAgent, now],
  );
  const remainingMs = window ? window.reason.remainingMs : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the clock is re-read when another conversation is shown
  useEffect(() => {
    // Re-read the (server's) clock when the conversation changes or the clock jumps, then tick only
    // while something counts down.
    setNow(clock());
  }, [clock, conversation, tick]);
  useEffect(() => {
    if (remainingMs === null) return;
    const timer = setTimeout(() => setNow(clock()), nextTickDelay(remainingMs));
    return () => clearTimeout(timer);
  }, [clock, remainingMs]);
  return { window, remainingMs, now };
}

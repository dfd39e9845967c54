'use client';

import type { LiveStatus } from '@pagedesk/core';
import { useSyncExternalStore } from 'react';
import { type Typist, usePagedeskContext } from './context.js';

/**
 * The live-update stream's state, for a "Reconnecting…" banner.
 *
 * @example
 * const status = useLiveStatus(); // 'connecting' | 'open' | 'reconnecting' | 'closed'
 */
export function useLiveStatus(): LiveStatus {
  const { liveStatus } = usePagedeskContext('useLiveStatus');
  return useSyncExternalStore(liveStatus.subscribe, liveStatus.get, liveStatus.get);
}

/**
 * Who is typing in a conversation: the customer, or another agent (never the signed-in agent), from
 * live `typing` events. The customer's indicator expires after 20 s like Meta's, an agent's after a
 * few seconds without a renewal; a message from whoever typed ends it at once.
 *
 * @example
 * const typist = useTyping(conversationId); // { by: 'customer' } | { by: 'agent', agentId } | null
 */
export function useTyping(conversationId: string | undefined): Typist | null {
  const { typing } = usePagedeskContext('useTyping');
  const map = useSyncExternalStore(typing.subscribe, typing.get, typing.get);
  return (conversationId === undefined ? undefined : map.get(conversationId)) ?? null;
}

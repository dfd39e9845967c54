'use client';

import type { LiveStatus } from '@pagedesk/core';
import { useSyncExternalStore } from 'react';
import { usePagedeskContext } from './context.js';

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
 * Whether the customer is typing in a conversation (from live `typing` events; expires after 20 s
 * like Meta's indicator).
 */
export function useTyping(conversationId: string | undefined): boolean {
  const { typing } = usePagedeskContext('useTyping');
  const map = useSyncExternalStore(typing.subscribe, typing.get, typing.get);
  return conversationId !== undefined && map.has(conversationId);
}

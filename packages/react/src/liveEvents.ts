import type { LiveEvent } from '@pagedesk/core';

/**
 * Sent by the server when it cannot replay what a reconnecting client missed (its replay buffer
 * moved on): the client must refetch everything it shows.
 */
export interface ResetLiveEvent {
  type: 'reset';
  seq?: number;
}

/** What a transport may hand to `subscribe`'s listener: core's live events, plus `reset`. */
export type TransportLiveEvent = LiveEvent | ResetLiveEvent;

/** True for the `reset` notice (also for a transport whose own event type does not list it). */
export function isResetEvent(value: unknown): value is ResetLiveEvent {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'reset';
}

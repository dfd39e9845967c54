'use client';

import type { InboxTransport, LiveEvent, LiveStatus } from '@pagedesk/core';
import { PagedeskError } from '@pagedesk/core/rules';
import { createContext, useContext } from 'react';
import type { PagedeskStrings } from './messages.js';
import type { PagedeskComponents } from './slots.js';
import type { UrlPolicy } from './urls.js';

/** A tiny subscribable value for `useSyncExternalStore`. */
export interface ExternalStore<T> {
  get(): T;
  set(value: T): void;
  subscribe(listener: () => void): () => void;
}

export function createExternalStore<T>(initial: T): ExternalStore<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Who is typing in a conversation: the customer, or another agent of the helpdesk. */
export interface Typist {
  by: 'customer' | 'agent';
  agentId?: string;
  /** When the indicator goes out unless renewed (epoch ms). */
  until: number;
}

/** Color scheme of the styled components. `system` follows `prefers-color-scheme`. */
export type PagedeskTheme = 'light' | 'dark' | 'system';

export interface PagedeskContextValue {
  transport: InboxTransport;
  /** The UI strings (the provider's `strings`), merged over the English defaults. */
  messages: PagedeskStrings;
  locale: string | undefined;
  components: Partial<PagedeskComponents>;
  /** The server's time (the transport's `serverClock`), or the provider's `now` prop. */
  now: () => number;
  /** Moves when the clock jumps (a wrong local clock found out, a server clock moved): re-read `now`. */
  clockTick: ExternalStore<number>;
  urlPolicy: UrlPolicy;
  theme: PagedeskTheme;
  agentId: string | undefined;
  liveStatus: ExternalStore<LiveStatus>;
  /** Conversation id → who is typing there, until when (epoch ms). */
  typing: ExternalStore<ReadonlyMap<string, Typist>>;
  /** The provider's one live stream, shared by hooks that react to events (notifications). */
  live: LiveFanout;
}

/** Hands each live event to every listener, after the cache was patched with it. */
export interface LiveFanout {
  subscribe(listener: (event: LiveEvent) => void): () => void;
  emit(event: LiveEvent): void;
}

export function createLiveFanout(): LiveFanout {
  const listeners = new Set<(event: LiveEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const listener of listeners) listener(event);
    },
  };
}

export const PagedeskContext = createContext<PagedeskContextValue | null>(null);

/** The provider's value; throws a message naming the hook when used outside `<PagedeskProvider>`. */
export function usePagedeskContext(hook: string): PagedeskContextValue {
  const value = useContext(PagedeskContext);
  if (!value) throw new PagedeskError('missing_provider', `${hook} must be used inside <PagedeskProvider>`);
  return value;
}

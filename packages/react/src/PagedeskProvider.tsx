'use client';

import type { InboxTransport, LiveStatus } from '@pagedesk/core';
import { ValidationError } from '@pagedesk/core/rules';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import {
  createExternalStore,
  createLiveFanout,
  PagedeskContext,
  type PagedeskContextValue,
  type PagedeskTheme,
  type Typist,
} from './context.js';
import { patchConversation, patchCustomer, patchMessage } from './liveCache.js';
import { isResetEvent, type TransportLiveEvent } from './liveEvents.js';
import { mergeStrings, type PagedeskStringsInput } from './messages.js';
import { pagedeskKeys } from './queryKeys.js';
import type { PagedeskComponents } from './slots.js';
import type { UrlPolicy } from './urls.js';

/** Meta turns a typing indicator off after 20 s (docs/meta-platform.md); the kit does the same. */
export const TYPING_TIMEOUT_MS = 20_000;
/** Another agent's composer renews its notice every few seconds while they type, and ends it when idle. */
const AGENT_TYPING_TIMEOUT_MS = 8_000;

/** Props of {@link PagedeskProvider}. */
export interface PagedeskProviderProps {
  /** The seam to the host's backend: `httpTransport()`, `createFakeTransport()` or the host's own. */
  transport: InboxTransport;
  children?: ReactNode;
  /** BCP 47 locale for dates, times and numbers. Defaults to the browser's. */
  locale?: string;
  /** UI strings (a partial catalogue), deep-merged over the English defaults (`defaultStrings`). */
  strings?: PagedeskStringsInput;
  /** @deprecated Use `strings` (the same catalogue); removed in the next major release. */
  messages?: PagedeskStringsInput;
  /** The host's react-query client; one is created when omitted. */
  queryClient?: QueryClient;
  /** Replacement parts (conversation row, message bubble, attachment, empty state). */
  components?: Partial<PagedeskComponents>;
  /** Color scheme of the styled components. Default `light`. */
  theme?: PagedeskTheme;
  /** Which attachment URLs are rendered; see {@link UrlPolicy}. */
  urlPolicy?: UrlPolicy;
  /** The signed-in agent: their messages read "You" and replies carry their id. */
  agentId?: string;
  /** Clock for windows and dates (tests, stories). Default: the server's, from the transport's `serverClock`. */
  now?: () => number;
}

function LiveSubscription({ value }: { value: PagedeskContextValue }) {
  const client = useQueryClient();
  const { transport, liveStatus, typing, now, agentId, live } = value;
  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const setTyping = (conversationId: string, typist: Omit<Typist, 'until'> | null) => {
      const next = new Map(typing.get());
      clearTimeout(timers.get(conversationId));
      timers.delete(conversationId);
      if (typist) {
        const ms = typist.by === 'agent' ? AGENT_TYPING_TIMEOUT_MS : TYPING_TIMEOUT_MS;
        next.set(conversationId, { ...typist, until: now() + ms });
        timers.set(
          conversationId,
          setTimeout(() => setTyping(conversationId, null), ms),
        );
      } else next.delete(conversationId);
      typing.set(next);
    };
    // Ends the indicator of whoever just wrote (the customer, or the agent who was typing).
    const stopTyping = (conversationId: string, by: Typist['by'], who?: string) => {
      const current = typing.get().get(conversationId);
      if (current?.by === by && (by === 'customer' || who === undefined || current.agentId === who))
        setTyping(conversationId, null);
    };
    const onEvent = (event: TransportLiveEvent) => {
      if (isResetEvent(event)) {
        void client.invalidateQueries({ queryKey: pagedeskKeys.all });
        return;
      }
      switch (event.type) {
        case 'conversation:created':
        case 'conversation:updated':
          patchConversation(client, event.conversation);
          return;
        case 'message:created':
        case 'message:updated':
          patchMessage(client, event.message);
          if (event.type === 'message:created') {
            const { message } = event;
            if (message.direction === 'inbound') stopTyping(message.conversationId, 'customer');
            else stopTyping(message.conversationId, 'agent', message.author.agentId);
          }
          return;
        case 'channel:updated':
          client.setQueryData(
            pagedeskKeys.channels(),
            (channels: ReadonlyArray<typeof event.channel> | undefined) =>
              channels?.some((c) => c.id === event.channel.id)
                ? channels.map((c) => (c.id === event.channel.id ? event.channel : c))
                : channels && [...channels, event.channel],
          );
          return;
        case 'channel:purged':
          client.setQueryData(
            pagedeskKeys.channels(),
            (channels: ReadonlyArray<{ id: string }> | undefined) =>
              channels?.filter((c) => c.id !== event.channelId),
          );
          void client.invalidateQueries({ queryKey: pagedeskKeys.conversationLists() });
          return;
        case 'customer:updated':
          patchCustomer(client, event.customer);
          return;
        case 'history:imported':
          void client.invalidateQueries({ queryKey: pagedeskKeys.conversationLists() });
          return;
        case 'typing': {
          const by = event.by ?? 'customer';
          // The agent's own typing comes back from the API too: it is never shown, least of all as
          // the customer's. Another agent's is shown only when both sides name their agent.
          if (by === 'agent' && (!agentId || !event.agentId || event.agentId === agentId)) return;
          if (!event.on) stopTyping(event.conversationId, by, event.agentId);
          else setTyping(event.conversationId, { by, ...(event.agentId ? { agentId: event.agentId } : {}) });
          return;
        }
        default: {
          const unknown: never = event;
          return unknown;
        }
      }
    };
    const stop = transport.subscribe(
      (event) => {
        onEvent(event as TransportLiveEvent);
        if (!isResetEvent(event)) live.emit(event);
      },
      (status: LiveStatus) => liveStatus.set(status),
    );
    return () => {
      stop();
      for (const timer of timers.values()) clearTimeout(timer);
    };
  }, [client, transport, liveStatus, typing, now, agentId, live]);
  return null;
}

/**
 * Gives every Pagedesk hook and component its transport, UI strings, locale and parts, and keeps ONE
 * live subscription that patches the react-query cache as changes arrive (no polling).
 *
 * @example
 * <PagedeskProvider transport={httpTransport({ baseUrl: '/pagedesk' })} locale="fr" theme="system">
 *   <Inbox />
 * </PagedeskProvider>
 */
export function PagedeskProvider(props: PagedeskProviderProps): ReactNode {
  if (!props.transport || typeof props.transport.subscribe !== 'function') {
    throw new ValidationError('PagedeskProvider props', [
      { path: 'transport', message: 'must be an InboxTransport' },
    ]);
  }
  const [ownClient] = useState(
    () =>
      props.queryClient ?? new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 } } }),
  );
  const client = props.queryClient ?? ownClient;
  // A new transport (another principal signed in, without a remount): nothing the old one fetched may
  // show a moment longer than it takes to fetch afresh, so every query of the kit starts over.
  const fetchedWith = useRef(props.transport);
  useEffect(() => {
    if (fetchedWith.current === props.transport) return;
    fetchedWith.current = props.transport;
    void client.resetQueries({ queryKey: pagedeskKeys.all });
  }, [client, props.transport]);
  const [liveStatus] = useState(() => createExternalStore<LiveStatus>('connecting'));
  const [typing] = useState(() => createExternalStore<ReadonlyMap<string, Typist>>(new Map()));
  const [clockTick] = useState(() => createExternalStore(0));
  const [live] = useState(createLiveFanout);
  const serverClock = props.transport.serverClock;
  // Windows and dates follow the server's clock, not this machine's (which may be wrong).
  const now = useMemo(
    () => props.now ?? (serverClock ? () => Date.now() + serverClock.offset() : Date.now),
    [props.now, serverClock],
  );
  useEffect(() => serverClock?.subscribe(() => clockTick.set(clockTick.get() + 1)), [serverClock, clockTick]);
  const value = useMemo<PagedeskContextValue>(
    () => ({
      transport: props.transport,
      messages: mergeStrings(props.strings ?? props.messages),
      locale: props.locale,
      components: props.components ?? {},
      now,
      clockTick,
      urlPolicy: props.urlPolicy ?? {},
      theme: props.theme ?? 'light',
      agentId: props.agentId,
      liveStatus,
      typing,
      live,
    }),
    [
      props.transport,
      props.strings,
      props.messages,
      props.locale,
      props.components,
      now,
      clockTick,
      props.urlPolicy,
      props.theme,
      props.agentId,
      liveStatus,
      typing,
      live,
    ],
  );
  return (
    <QueryClientProvider client={client}>
      <PagedeskContext.Provider value={value}>
        <LiveSubscription value={value} />
        {props.children}
      </PagedeskContext.Provider>
    </QueryClientProvider>
  );
}

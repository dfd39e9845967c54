import { EventEmitter } from 'eventemitter3';
import { defineRules } from '../defineRules.js';
import {
  ChannelUnavailableError,
  NotFoundError,
  TokenError,
  type TokenErrorReason,
  toPagedeskError,
  ValidationError,
} from '../errors.js';
import type { Inbox } from '../inbox.types.js';
import type { Channel, Conversation, Customer } from '../model.js';
import { type Rules, rulesFromSettings, withPlatformLimits } from '../rules.js';
import { unsendableRefusal } from '../sendRules.js';
import type { Store } from '../store.js';
import type { ChannelsOptions } from './channels.types.js';
import { createGraphClient, type GraphClient } from './graphClient.js';
import type { PageGraph } from './pageGraph.js';
import type { ChannelsEvents } from './types.js';
import { unrefTimer } from './unrefTimer.js';

// What the parts of `createChannels` share: the store, the inbox, the Graph clients, the event
// emitter, background work and the few rules every part applies the same way (which statuses may
// send, how a token error flips a channel). One context per `createChannels` call.

export const TOKEN_REASON_TEXT: Record<TokenErrorReason, string> = {
  expired: 'The access token expired',
  password_changed: 'The admin changed their Facebook password',
  app_removed: 'The app was removed from the account',
  permission_revoked: 'A permission was removed',
  session_invalid: 'The admin lost their role on the page, or the session was invalidated',
  checkpoint: 'Facebook asks the admin to log in and pass a security check',
  invalid: 'The access token is no longer valid',
};

export type StatusPatch = Partial<
  Pick<Channel, 'status' | 'statusReason' | 'tokenExpiresAt' | 'dataAccessExpiresAt' | 'missingPermissions'>
>;

export interface ChannelContext {
  readonly options: ChannelsOptions;
  readonly store: Store;
  readonly inbox: Inbox;
  readonly now: () => number;
  readonly emitter: EventEmitter<ChannelsEvents>;
  /** The app new channels connect through. */
  readonly defaultAppId: string | undefined;
  readonly setTimer: (callback: () => void, ms: number) => () => void;
  /** Ids of the messages this process is sending right now. */
  readonly inFlight: Set<string>;
  /** Cancel functions of pending retry timers. */
  readonly timers: Set<() => void>;
  /** True once `close()` ran: no new background work starts. */
  readonly closed: boolean;
  graphFor(channel: Pick<Channel, 'appId'>): GraphClient;
  rulesOf(channel: Channel): Rules;
  /** Serializes work per key so the parts of replies to one thread reach Meta in order. */
  serial<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Runs work in the background; a failure becomes an `error` event. */
  track(promise: Promise<unknown>): void;
  /** Resolves when background work has settled. */
  idle(): Promise<void>;
  close(): void;
  /** Emits `error` with the typed error. */
  reportError(error: unknown, channelId?: string): void;
  getChannel(channelId: string): Promise<Channel>;
  pageGraph(channel: Channel): Promise<PageGraph>;
  /** Saves a status change through the inbox and emits `channel:status` when the status moved. */
  setStatus(channelId: string, patch: StatusPatch): Promise<Channel>;
  /** A 190 seen anywhere flips the channel at once; other errors leave it alone. */
  onGraphError(channel: Channel, error: unknown): Promise<void>;
  /** Runs a Graph call for a channel: a token error flips the channel, and the error is typed. */
  guarded<T>(channel: Channel, call: () => Promise<T>): Promise<T>;
  assertSendable(channel: Channel): void;
  loadConversation(
    conversationId: string,
  ): Promise<{ conversation: Conversation; channel: Channel; customer: Customer }>;
}

export function createChannelContext(options: ChannelsOptions): ChannelContext {
  const { store, inbox } = options;
  const now = options.now ?? Date.now;
  const emitter = new EventEmitter<ChannelsEvents>();
  const clients = new Map<string, GraphClient>();
  const inFlight = new Set<string>();
  const hostRules =
    options.rules === undefined || typeof options.rules === 'function'
      ? undefined
      : defineRules({}, options.rules);
  const background = new Set<Promise<unknown>>();
  const timers = new Set<() => void>();
  const queues = new Map<string, Promise<unknown>>();
  let closed = false;

  function graphFor(channel: Pick<Channel, 'appId'>): GraphClient {
    let client = clients.get(channel.appId);
    if (client) return client;
    if (options.graph) client = options.graph(channel.appId);
    else {
      const app = options.apps?.[channel.appId];
      if (!app)
        throw new ValidationError('channels options', [
          { path: `apps.${channel.appId}`, message: 'unknown app' },
        ]);
      // An Instagram Login app talks to graph.instagram.com with the same request loop.
      const baseUrl =
        app.login === 'instagram'
          ? (options.instagramBaseUrl ?? 'https://graph.instagram.com')
          : options.baseUrl;
      client = createGraphClient({
        appId: channel.appId,
        appSecret: app.appSecret,
        now,
        ...(options.graphVersion ? { version: options.graphVersion } : {}),
        ...(baseUrl ? { baseUrl } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    }
    clients.set(channel.appId, client);
    return client;
  }

  function serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  }

  function reportError(error: unknown, channelId?: string): void {
    emitter.emit('error', {
      error: toPagedeskError(error),
      ...(channelId === undefined ? {} : { channelId }),
    });
  }

  function track(promise: Promise<unknown>): void {
    const p = promise.catch((error: unknown) => reportError(error));
    background.add(p);
    void p.finally(() => background.delete(p));
  }

  async function getChannel(channelId: string): Promise<Channel> {
    const channel = await store.channels.get(channelId);
    if (
      !channel ||
      (options.organizationId && channel.organizationId && channel.organizationId !== options.organizationId)
    )
      throw new NotFoundError('Channel', channelId);
    return channel;
  }

  async function setStatus(channelId: string, patch: StatusPatch): Promise<Channel> {
    const current = await getChannel(channelId);
    const next: Channel = { ...current, ...patch, updatedAt: now() };
    // `statusReason: undefined` in a patch clears the reason rather than storing an undefined key.
    for (const [key, value] of Object.entries(patch))
      if (value === undefined) delete (next as Record<string, unknown>)[key];
    const changed =
      JSON.stringify({ ...current, updatedAt: 0 }) !== JSON.stringify({ ...next, updatedAt: 0 });
    if (!changed) return current;
    const saved = await inbox.updateChannel(next);
    if (saved.status !== current.status)
      emitter.emit('channel:status', { channel: saved, previous: current.status });
    return saved;
  }

  async function onGraphError(channel: Channel, error: unknown): Promise<void> {
    if (!(error instanceof TokenError)) return;
    try {
      await setStatus(channel.id, {
        status: error.reason === 'expired' ? 'expired' : 'revoked',
        statusReason: TOKEN_REASON_TEXT[error.reason],
      });
    } catch (statusError) {
      reportError(statusError, channel.id);
    }
  }

  return {
    options,
    store,
    inbox,
    now,
    emitter,
    // Pages connect through a Facebook Login app, never through an Instagram Login one.
    defaultAppId:
      options.defaultAppId ??
      Object.entries(options.apps ?? {}).find(([, app]) => app.login !== 'instagram')?.[0],
    setTimer: options.setTimer ?? unrefTimer,
    inFlight,
    timers,
    get closed() {
      return closed;
    },
    graphFor,
    rulesOf(channel) {
      // A host's profile is checked where it comes in (defineRules checks, copies and freezes it); a
      // channel's settings were checked when they were stored.
      const rules =
        typeof options.rules === 'function'
          ? defineRules({}, options.rules(channel))
          : (hostRules ?? rulesFromSettings(channel));
      return withPlatformLimits(rules, channel.platform);
    },
    serial,
    track,
    async idle() {
      for (let i = 0; i < 100 && background.size > 0; i++) await Promise.all([...background]);
    },
    close() {
      closed = true;
      for (const cancel of timers) cancel();
      timers.clear();
    },
    reportError,
    getChannel,
    async pageGraph(channel) {
      const credentials = await store.credentials.get(channel.id);
      if (!credentials)
        throw new ChannelUnavailableError(channel.id, channel.status, 'no access token is stored');
      return graphFor(channel).forPage({
        id: channel.id,
        accessToken: credentials.accessToken,
        ...(credentials.pageId ? { node: credentials.pageId } : {}),
      });
    },
    setStatus,
    onGraphError,
    async guarded(channel, call) {
      try {
        return await call();
      } catch (error) {
        await onGraphError(channel, error);
        throw toPagedeskError(error);
      }
    },
    assertSendable(channel) {
      const refusal = unsendableRefusal(channel);
      if (refusal) throw refusal;
    },
    async loadConversation(conversationId) {
      const conversation = await store.conversations.get(conversationId);
      if (!conversation) throw new NotFoundError('Conversation', conversationId);
      const channel = await getChannel(conversation.channelId);
      const customer = await store.customers.get(conversation.customerId);
      if (!customer) throw new NotFoundError('Customer', conversation.customerId);
      return { conversation, channel, customer };
    },
  };
}

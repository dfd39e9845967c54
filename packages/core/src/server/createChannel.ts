import { NotFoundError } from '../errors.js';
import { defaultChannelSettings } from '../inbox.js';
import type { Inbox } from '../inbox.types.js';
import type { ChannelStatus, Platform } from '../model.js';
import type { Rules } from '../rules.js';
import { createChannels } from './channels.js';
import type { ChannelCheck, ChannelHandle, ChannelsOptions, ServerChannels } from './channels.types.js';
import type { GraphClient } from './graphClient.js';

// the design's one-page form: a host that serves a single page without a channel list gets the same
// policy-first send path as `createChannels`, with the page stored on first use.

/** Options of {@link createChannel}: one page, for hosts that serve a single page without a channel list. */
export interface CreateChannelOptions {
  page: {
    id: string;
    accessToken: string;
    platform: Platform;
    name?: string;
    appId?: string;
    pageId?: string;
  };
  graph: GraphClient;
  inbox: Inbox;
  rules?: Rules;
  /** The app has Meta's Human Agent permission (7-day window); default true. */
  humanAgent?: boolean;
  now?: () => number;
  agents?: ChannelsOptions['agents'];
}

/** One page's send path and status (the design's `createChannel`), built on {@link createChannels}. */
export interface SingleChannel extends ChannelHandle {
  /** The last known status; updated by sends, checks and actions. */
  readonly status: ChannelStatus;
  setTyping(conversationId: string, on: boolean): Promise<void>;
  markSeen(conversationId: string): Promise<void>;
  /** debug_token + subscribed_apps now. */
  check(options?: { warnBefore?: number }): Promise<ChannelCheck>;
  on: ServerChannels['on'];
  /** The underlying `Channels`, for everything else. */
  readonly channels: ServerChannels;
}

/**
 * A channel for one page: stores the page (if new) and its token in the inbox's store, and sends
 * through the same policy-first path as {@link createChannels}.
 *
 * @example
 * const channel = createChannel({ page: { id, accessToken, platform: 'messenger' }, graph, inbox });
 * await channel.send(conversationId, { text: 'Hello!' });
 * channel.status; // 'active'
 */
export function createChannel(options: CreateChannelOptions): SingleChannel {
  const { page, inbox } = options;
  const store = inbox.store;
  const now = options.now ?? Date.now;
  const appId = page.appId ?? options.graph.appId ?? 'app';
  const channels = createChannels({
    store,
    inbox,
    graph: () => options.graph,
    defaultAppId: appId,
    now,
    historyImport: false,
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.agents ? { agents: options.agents } : {}),
  });
  let status: ChannelStatus = 'active';
  channels.on('channel:status', ({ channel }) => {
    if (channel.id === page.id) status = channel.status;
  });
  // The inbox changes a channel too (Meta's policy block arrives as a webhook): follow it as well.
  inbox.on('channel:updated', ({ channel }) => {
    if (channel.id === page.id) status = channel.status;
  });
  let ready: Promise<void> | undefined;
  const ensure = () => {
    ready ??= (async () => {
      await store.credentials.put(page.id, {
        accessToken: page.accessToken,
        ...(page.pageId ? { pageId: page.pageId } : {}),
      });
      const existing = await store.channels.get(page.id);
      if (existing) {
        status = existing.status;
        return;
      }
      const at = now();
      await inbox.updateChannel({
        id: page.id,
        platform: page.platform,
        name: page.name ?? page.id,
        appId,
        status: 'active',
        tokenExpiresAt: null,
        dataAccessExpiresAt: null,
        missingPermissions: [],
        settings: { ...defaultChannelSettings, agentIds: [], humanAgent: options.humanAgent ?? true },
        connectedAt: at,
        updatedAt: at,
      });
    })().catch((error: unknown) => {
      // A store that failed once is tried again on the next call, not remembered as broken.
      ready = undefined;
      throw error;
    });
    return ready;
  };
  const handle = channels.channel(page.id);
  const inConversation = async (conversationId: string) => {
    const conversation = await store.conversations.get(conversationId);
    if (!conversation || conversation.channelId !== page.id)
      throw new NotFoundError('Conversation', conversationId);
  };
  return {
    id: page.id,
    get status() {
      return status;
    },
    channels,
    on: channels.on,
    async get() {
      await ensure();
      const channel = await handle.get();
      status = channel.status;
      return channel;
    },
    async send(conversationId, draft) {
      await ensure();
      return handle.send(conversationId, draft);
    },
    async retry(messageId, options) {
      await ensure();
      return handle.retry(messageId, options);
    },
    async setTyping(conversationId, on) {
      await ensure();
      await inConversation(conversationId);
      return channels.setTyping(conversationId, on);
    },
    async markSeen(conversationId) {
      await ensure();
      await inConversation(conversationId);
      return channels.markSeen(conversationId);
    },
    async check(checkOptions) {
      await ensure();
      return channels.check(page.id, checkOptions);
    },
  };
}

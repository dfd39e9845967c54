import type { Channel, ChannelSettings, Message } from '../model.js';
import type { ChannelAction, ConnectablePage, SendDraft } from '../transport.js';

/** Channel lifecycle notices a host can turn into an email to the admin. */
export interface ChannelsEvents {
  'channel:status': (payload: { channel: Channel; previous: Channel['status'] }) => void;
  /**
   * Meta refused a capability the channel claimed: today `humanAgent` (the app lacks Meta's Human
   * Agent feature). The channel's setting is already turned off; `reason` is fit to show an admin.
   */
  'channel:capability': (payload: {
    channel: Channel;
    capability: 'humanAgent';
    enabled: boolean;
    reason: string;
  }) => void;
  /** History imported on connect, written to the store without per-message events: refetch lists. */
  'history:imported': (payload: { channel: Channel; conversations: number; messages: number }) => void;
  error: (payload: { error: Error; channelId?: string }) => void;
}

/**
 * Every connected channel of a host, and the send path. `createInboxApi()` in
 * `@pagedesk/node-webhook` serves this to the browser; a host may call it directly.
 */
export interface Channels {
  list(): Promise<Channel[]>;
  get(channelId: string): Promise<Channel>;
  /** Policy first (window, rules), then Meta; resolves with the stored messages, rejects with the typed error. */
  send(conversationId: string, draft: SendDraft): Promise<Message[]>;
  /**
   * Re-sends a failed outbound message. One whose outcome is unknown (`outcome_unknown`,
   * `interrupted`) is first checked with Meta (echo, then the Conversations API) and re-sent only if
   * Meta shows it was not sent; meanwhile it is `pending` with `failure.code: 'checking'`.
   * `force: true` re-sends without checking (the customer may get it twice).
   */
  retry(messageId: string, options?: { force?: boolean }): Promise<Message>;
  setTyping(conversationId: string, on: boolean): Promise<void>;
  /** Tells Meta the agent saw the conversation (mark_seen). */
  markSeen(conversationId: string): Promise<void>;
  updateSettings(channelId: string, settings: Partial<ChannelSettings>): Promise<Channel>;
  action(channelId: string, action: ChannelAction): Promise<Channel>;
  listConnectablePages(userAccessToken: string): Promise<ConnectablePage[]>;
  connect(userAccessToken: string, pageIds: string[]): Promise<Channel[]>;
  on<TEvent extends keyof ChannelsEvents>(event: TEvent, listener: ChannelsEvents[TEvent]): () => void;
}

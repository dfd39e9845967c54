import type { Channel, ChannelSettings, CommentAction, Conversation, Customer, Message } from '../model.js';
import type { ChannelFilter, ChannelPurgeReport } from '../store.js';
import type { SurveyDraft } from '../survey.js';
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
  /**
   * A channel and everything reached through it were deleted (`channels.purge`). What lives outside
   * the store goes here: the inbox API drops the channel's uploads, a host its own copies.
   */
  'channel:purged': (payload: { channel: Channel; report: ChannelPurgeReport }) => void;
  error: (payload: { error: Error; channelId?: string }) => void;
}

/**
 * For whom `listConnectablePages` and `connect` work. One `createChannels()` serves every
 * organisation of a host: pass the organisation of the admin connecting; `createChannels({
 * organizationId })` is the default for a host with a single organisation.
 */
export interface ConnectOptions {
  /** The organisation the pages are connected for, recorded on each channel. */
  organizationId?: string;
  /** The Meta app to connect through (an organisation with an app of its own); default `appFor(organizationId)`, then `defaultAppId`. */
  appId?: string;
}

/**
 * Every connected channel of a host, and the send path. `createInboxApi()` in
 * `@pagedesk/node-webhook` serves this to the browser; a host may call it directly.
 */
export interface Channels {
  /**
   * The channels of `filter.organizationId` (`null`: those without one). Without a filter: every
   * channel, or with `createChannels({ organizationId })` that organisation's and those without one.
   */
  list(filter?: ChannelFilter): Promise<Channel[]>;
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
  /**
   * Hides, unhides, deletes, likes or unlikes the comment a message holds, on Meta, then records on
   * the message what was done and by whom. Optional so a host's own `Channels` may leave it out (the
   * inbox API answers 501 then). Rejects with RuleViolationError (not a comment, deleted, like on
   * Instagram), ChannelUnavailableError, PermissionError (the page lacks the moderation permission).
   */
  /**
   * Sends a satisfaction survey (Messenger's Customer Feedback Template, `SurveyDraft`) through the
   * send path; the answer arrives as a `feedback` event and lands on `conversation.survey`. Rejects
   * with RuleViolationError (not Messenger, a comment thread), WindowClosedError (more than 7 days
   * after the customer's last message), ValidationError (the draft, or no privacy URL). Optional like
   * `moderateComment`.
   */
  sendSurvey?(conversationId: string, draft: SurveyDraft, by?: { agentId?: string }): Promise<Message>;
  /**
   * Messenger handover protocol: `take`, `pass` (to `targetAppId`) or `request` the customer's
   * thread, or `check` who holds it; resolves with the conversation, its `threadOwner` updated.
   * Optional like `moderateComment`.
   */
  threadControl?(
    conversationId: string,
    action: 'take' | 'pass' | 'request' | 'check',
    options?: { targetAppId?: string; metadata?: string },
  ): Promise<Conversation>;
  /**
   * Blocks or unblocks a customer from the Page (Messenger), then records it on the customer; the
   * send path refuses replies to a blocked customer. Optional like `moderateComment`.
   */
  setBlocked?(customerId: string, blocked: boolean, options?: { agentId?: string }): Promise<Customer>;
  moderateComment?(
    messageId: string,
    action: CommentAction,
    options?: { agentId?: string },
  ): Promise<Message>;
  /** Tells Meta the agent saw the conversation (mark_seen). */
  markSeen(conversationId: string): Promise<void>;
  updateSettings(channelId: string, settings: Partial<ChannelSettings>): Promise<Channel>;
  action(channelId: string, action: ChannelAction): Promise<Channel>;
  /** The pages an admin's token can connect; pages another organisation holds are marked unavailable. */
  listConnectablePages(userAccessToken: string, options?: ConnectOptions): Promise<ConnectablePage[]>;
  /**
   * Connects pages for an organisation. A page another organisation holds, or whose history it still
   * keeps, is refused with `ChannelConflictError` until that organisation purges it.
   */
  connect(userAccessToken: string, pageIds: string[], options?: ConnectOptions): Promise<Channel[]>;
  on<TEvent extends keyof ChannelsEvents>(event: TEvent, listener: ChannelsEvents[TEvent]): () => void;
}

import type { OutboundFile } from '../attachments.js';
import type { Inbox } from '../inbox.types.js';
import type { Channel, ChannelStatus, Customer, Message, Platform } from '../model.js';
import type { Rules } from '../rules.js';
import type { ChannelPurgeReport, Store } from '../store.js';
import type { SendDraft } from '../transport.js';
import type { AttachmentCache } from './attachmentCache.js';
import type { GraphClient } from './graphClient.js';
import type { Channels } from './types.js';

// The public shapes of `createChannels`: its options and the lifecycle operations it adds to the
// `Channels` contract. The modules that implement them import these types, never `channels.ts`.

/** An agent's public face for personas (name and avatar shown to the customer). */
export interface AgentProfile {
  name: string;
  avatarUrl?: string;
}

/** `createChannels({ surveys })`: what every satisfaction survey carries unless its draft says otherwise. */
export interface SurveyDefaults {
  /**
   * The business's privacy policy URL (Meta's `business_privacy.url`), or a function of the channel
   * for a host whose organisations each have their own.
   */
  privacyUrl: string | ((channel: Channel) => string | undefined);
  /** The template's heading; default "How did we do?". */
  title?: string;
  subtitle?: string;
  /** Default "Rate us". */
  buttonTitle?: string;
  /** Days the customer may answer, 1-7 (Meta's default: 1). */
  expiresInDays?: number;
  /** Offer a free-text box after the score; default true. */
  followUp?: boolean;
}

/** Options of {@link createChannels}. */
export interface ChannelsOptions {
  store: Store;
  inbox: Inbox;
  /**
   * Meta apps by id with their secrets; Graph clients are created from them. An Instagram app of
   * Instagram Login is listed by its Instagram app id with `login: 'instagram'`.
   */
  apps?: Record<string, { appSecret: string; login?: 'facebook' | 'instagram' }>;
  /** Base of Instagram Login's Graph API; default `https://graph.instagram.com` (the emulator's in tests). */
  instagramBaseUrl?: string;
  /**
   * An Instagram Login token is refreshed by `check` once this little of its 60 days is left (and it
   * is at least a day old); default 10 days, so a daily monitor gets several tries.
   */
  refreshInstagramWithin?: number;
  /** Or bring your own Graph clients (tests, the emulator, custom retry settings). */
  graph?: (appId: string) => GraphClient;
  /** The app new channels connect through; the first of `apps` when omitted. */
  defaultAppId?: string;
  /**
   * The app an organisation's pages connect through when a `connect` or `listConnectablePages` call
   * names none (the inbox API's never do): for hosts where some organisations bring a Meta app of
   * their own, the app of the Facebook Login their admins used. `undefined` falls back to `defaultAppId`.
   */
  appFor?: (organizationId: string) => string | undefined | Promise<string | undefined>;
  /**
   * For a host with a single organisation: the default of `connect` and `listConnectablePages`, and
   * `list()`/`get()` then show only its channels and those without one. A multi-tenant host leaves it
   * out and passes `{ organizationId }` to each call instead.
   */
  organizationId?: string;
  /**
   * Satisfaction surveys (`sendSurvey`): the business privacy policy Meta shows with every survey
   * (required to send one) and the default wording; a survey's own draft overrides each.
   */
  surveys?: SurveyDefaults;
  /** A rules profile, or one per channel; default `rulesFromSettings(channel)`. */
  rules?: Rules | ((channel: Channel) => Rules);
  now?: () => number;
  graphVersion?: string;
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /**
   * Looks up an agent's name and avatar for personas and the stored author; without it no persona is
   * used. `channel` is the one the reply goes out on: its `organizationId` says whose directory to read
   * (agent ids may be unique only within an organisation).
   */
  agents?: (
    agentId: string,
    channel: Channel,
  ) => AgentProfile | undefined | Promise<AgentProfile | undefined>;
  attachmentCache?: AttachmentCache;
  /** Content key of an outbound file for the attachment cache; default {@link defaultAttachmentHash}. */
  hashAttachment?: (file: OutboundFile) => string | Promise<string>;
  /** Delays of the profile lookups retried after a failure; default 1 h, 6 h, 24 h. */
  profileRetryDelaysMs?: readonly number[];
  /** History import on connect; `false` turns it off. */
  historyImport?: { conversations?: number; messagesPerConversation?: number } | false;
  /** Exchange the admin's user token for a long-lived one before reading Page tokens; default true. */
  exchangeUserTokens?: boolean;
  /** `expiring` starts this long before the token or data access ends; default 7 days. */
  warnBefore?: number;
  /**
   * Webhook fields per platform the host needs (subscribed on `resubscribe` and repairs, compared by
   * `check`); default `MESSENGER_FIELDS` and `INSTAGRAM_FIELDS`.
   */
  webhookFields?: Partial<Record<Platform, readonly string[]>>;
  /** `check` re-subscribes a page Meta dropped (or that lacks a needed field) and returns it to `active`; default true. */
  repairSubscriptions?: boolean;
  /** The check a retry of an unknown outcome makes with Meta before sending again (reconcile.ts). */
  reconcile?: ReconcileOptions;
  /**
   * Marks `pending` messages older than 2 minutes (longer than any send takes, so another live
   * server's sends are left alone) as failed `interrupted` when the channels start, and once more 2
   * minutes later: what a crash between recording and sending leaves. A retry of an interrupted
   * message checks with Meta first. Default true; `false` when the host calls `recoverPending()` itself.
   */
  recoverPendingOnStart?: boolean;
  /** Timer for profile retries; returns a cancel function. */
  setTimer?: (callback: () => void, ms: number) => () => void;
}

/** What `connectInstagram` takes: the long-lived token `createInstagramLogin().exchangeCode` returned. */
export interface ConnectInstagramInput {
  accessToken: string;
  /** When the token expires (epoch ms); default 60 days from now. */
  expiresAt?: number;
  organizationId?: string;
  /** The Instagram app (its id in `apps`, with `login: 'instagram'`); default the first such app. */
  appId?: string;
}

/** What `check` found about a channel. */
export interface ChannelCheck {
  channel: Channel;
  previous: ChannelStatus;
  resubscribed: boolean;
  /**
   * Webhook fields the host needs that the page's subscription lacked when checked (all of them when
   * the app was not subscribed), counting those of a channel that shares the Page's record (a Page
   * and its linked Instagram account); re-subscribed when `resubscribed`. Only the channel's own
   * fields make it `unsubscribed`. Empty when nothing was missing or the check stopped before
   * reading the subscription.
   */
  missingFields: string[];
}

/** A channel handle, as the design's `createChannel` returns it. */
export interface ChannelHandle {
  readonly id: string;
  /** The stored channel now. */
  get(): Promise<Channel>;
  send(conversationId: string, draft: SendDraft): Promise<Message[]>;
  retry(messageId: string, options?: { force?: boolean }): Promise<Message>;
}

/** `Channels` plus the lifecycle operations the host and the token monitor drive. */
export interface ServerChannels extends Channels {
  moderateComment: NonNullable<Channels['moderateComment']>;
  threadControl: NonNullable<Channels['threadControl']>;
  sendSurvey: NonNullable<Channels['sendSurvey']>;
  setBlocked: NonNullable<Channels['setBlocked']>;
  /** A handle bound to one channel. */
  channel(channelId: string): ChannelHandle;
  /**
   * Connects an Instagram professional account logged in with Instagram Login (no Facebook Page):
   * reads the account with the token, subscribes its webhooks and stores the token. The channel
   * talks to graph.instagram.com and the token monitor refreshes the token before its 60 days run out.
   */
  connectInstagram(input: ConnectInstagramInput): Promise<Channel>;
  /**
   * Deletes a channel and everything reached through it: disconnects the page from Meta when still
   * connected, then deletes its conversations, messages, customers, credentials, waiting effects and
   * the channel itself, and emits `channel:purged` with the report. The page can then be connected
   * again, by any organisation.
   */
  purge(channelId: string): Promise<ChannelPurgeReport>;
  /** debug_token + subscribed_apps: updates the channel's status and emits `channel:status` on change. */
  check(channelId: string, options?: { warnBefore?: number }): Promise<ChannelCheck>;
  /** A fresh user token → a new Page token, re-subscribed, back to `active`. */
  reauthorize(channelId: string, userAccessToken: string): Promise<Channel>;
  resubscribe(channelId: string): Promise<Channel>;
  /** Marks `pending` messages this process is not sending as failed `interrupted` (retryable), after a crash. */
  recoverPending(options?: { olderThanMs?: number; limit?: number }): Promise<Message[]>;
  /** Imports recent conversations as `imported` messages, without notifying anyone. */
  importHistory(
    channelId: string,
    options?: { conversations?: number; messagesPerConversation?: number },
  ): Promise<{ conversations: number; messages: number }>;
  /** Looks up a customer's profile now; on failure keeps the name the event carried and retries later. */
  refreshProfile(customerId: string): Promise<Customer | undefined>;
  /** The Graph client of a channel's app. */
  graphFor(channel: Pick<Channel, 'appId'>): GraphClient;
  /** Resolves when background work (profile lookups) has settled. */
  idle(): Promise<void>;
  /** Stops listening to the inbox and cancels retry timers. */
  close(): void;
}

/** Options of the unknown-outcome check (`createChannels({ reconcile })`). */
export interface ReconcileOptions {
  /** How long after the outcome became unknown to wait for Meta's echo. Default 5000 ms. */
  echoWaitMs?: number;
  /** How often to look at the store while waiting. Default 200 ms. */
  pollMs?: number;
  /** How many of the thread's newest messages to read. Default 25. */
  lookupLimit?: number;
}

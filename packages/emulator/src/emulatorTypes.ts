import type { EmulatorClock } from './clock.js';
import type { FaultsSnapshot } from './faults.js';
import type { HandoverControls } from './handover.js';
import type { EmulatorLogins } from './logins.js';
import type { CreateCustomerInput, FaultsInput, PageConfig, RevokeReason, SendInput } from './options.js';
import type { ScriptStep } from './script.js';
import type {
  EmulatorComment,
  EmulatorCustomer,
  EmulatorMessage,
  EmulatorUpdate,
  SenderActionRecord,
  SentMessage,
} from './types.js';
import type { VerificationResult, WebhookDelivery } from './webhooks.js';

// The emulator's public surface: the object `startEmulator()` returns and its handles.

/** What a simulated customer action returns once its webhook was delivered (or given up on). */
export interface ActionResult {
  /** The message id, for messages and postbacks. */
  mid?: string;
  /** Emulated time of the action, epoch ms. */
  timestamp: number;
  /** Whether the webhook receiver answered 2xx (false when none is configured or the page is unsubscribed). */
  delivered: boolean;
}

/** Controls of one simulated customer: everything a person can do in Messenger or Instagram. */
export interface CustomerHandle {
  readonly id: string;
  /** A snapshot of the customer. */
  info(): EmulatorCustomer;
  /** Sends a message (text, attachments, quick-reply tap, quoted reply); `at` can be in the past. */
  send(input: SendInput): Promise<ActionResult>;
  /** Reacts to a message of the conversation (default ❤️). */
  react(
    mid: string,
    emoji?: string,
    options?: { action?: 'react' | 'unreact'; at?: number | string },
  ): Promise<ActionResult>;
  /** Reads the page's messages (Messenger watermark read; Instagram messaging_seen of the last one). */
  read(options?: { at?: number | string }): Promise<ActionResult>;
  /** Answers a satisfaction survey (Customer Feedback Template) the page sent: a `messaging_feedback` webhook. */
  answerSurvey(input: { mid: string; score: number; text?: string }): Promise<ActionResult>;
  /** Taps a postback button (Get Started, persistent menu, icebreaker). */
  postback(input: { title: string; payload?: string; at?: number | string }): Promise<ActionResult>;
  /** Comments on a post (Facebook `feed`, Instagram `comments`); default post: the page's sample post. */
  comment(input: {
    text: string;
    postId?: string;
    parentId?: string;
    at?: number | string;
  }): Promise<ActionResult & { comment: EmulatorComment }>;
  /** Writes a visitor post on the Facebook Page (private replies use `recipient.post_id`). */
  post(input: { text: string; at?: number | string }): Promise<ActionResult & { comment: EmulatorComment }>;
  /** Mentions the Instagram account in a story (an Instagram `story_mention` message). */
  storyMention(input?: { url?: string; at?: number | string }): Promise<ActionResult>;
  /** Edits one of their Messenger messages (`message_edit`, at most five times). */
  edit(mid: string, text: string): Promise<ActionResult>;
  /** Unsends one of their Instagram messages (`is_deleted`). */
  unsend(mid: string): Promise<ActionResult>;
  /** The conversation with the page, oldest first. */
  messages(): EmulatorMessage[];
}

/** Controls of one emulated page. */
export interface PageHandle {
  readonly id: string;
  /** A message "sent from Meta Business Suite" (or another app): stored and echoed, not via the Send API. */
  echo(input: {
    recipient: string;
    text: string;
    appId?: string | number;
    metadata?: string;
    at?: number | string;
  }): Promise<ActionResult>;
  /** The page's sample post id (default target of `customer().comment`). */
  readonly samplePostId: string;
}

/** Snapshot of an emulated page. */
export interface EmulatorPage {
  id: string;
  name: string;
  platform: 'messenger' | 'instagram';
  accessToken: string;
  humanAgent: boolean;
  tokenValid: boolean;
  tokenProblem: RevokeReason | null;
  subscribedFields: string[];
  scopes: string[];
  samplePostId: string;
  facebookPageId?: string;
}

/** The result of `runScript`: the customers it created or used, by alias. */
export interface ScriptResult {
  customers: Record<string, EmulatorCustomer>;
}

/** A running emulator: its URLs and every control. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (chat page at `/`). */
  readonly url: string;
  /** Base URL to give `createGraphClient({ baseUrl })` (the emulator answers any `/vX.Y/` prefix). */
  readonly graphUrl: string;
  readonly graphVersion: string;
  /** The handover protocol's thread owners: play a bot taking a thread (handover.ts). */
  readonly handover: HandoverControls;
  readonly appId: string;
  readonly appSecret: string;
  /** The app token (`{app-id}|{app-secret}`) for `debug_token`. */
  readonly appToken: string;
  /** The admin's user token (for `/me/accounts` and the long-lived exchange). */
  readonly userToken: string;
  readonly clock: EmulatorClock;
  pages: {
    list(): EmulatorPage[];
    get(id: string): EmulatorPage;
    add(config: PageConfig): EmulatorPage;
  };
  page(id: string): PageHandle;
  customers: {
    create(input: CreateCustomerInput): EmulatorCustomer;
    list(pageId?: string): EmulatorCustomer[];
    get(id: string): EmulatorCustomer;
  };
  customer(id: string): CustomerHandle;
  faults: { set(input: FaultsInput): FaultsSnapshot; clear(): void; get(): FaultsSnapshot };
  tokens: {
    /** Invalidates the page token: Graph calls then fail with 190 and the reason's subcode (permission_revoked removes messaging scopes instead: 200). */
    revoke(pageId: string, reason: RevokeReason): void;
    /** Makes the token expire now (190/463). */
    expire(pageId: string): void;
    /** Issues a fresh valid token (the admin reconnected); the old one answers 190/467. Returns it. */
    reissue(pageId: string): string;
  };
  subscriptions: {
    /** Meta unsubscribed the app from the page (as after an hour of failing webhooks). */
    drop(pageId: string): void;
    fields(pageId: string): string[];
  };
  webhooks: {
    /** Every delivery attempt, in order, with its status. */
    deliveries(): WebhookDelivery[];
    /** Resolves when every queued webhook has been delivered or given up on. */
    idle(): Promise<void>;
    /** Points deliveries at another URL (e.g. the demo server started after the emulator). */
    configure(input: { url?: string | null; verifyToken?: string }): void;
    readonly url: string | null;
  };
  /** Meta's GET verification handshake against the webhook URL with the verify token. */
  subscribe(): Promise<VerificationResult>;
  /** Every Send API message the Graph API accepted, optionally for one page. */
  sent(pageId?: string): SentMessage[];
  /** Every sender action the Graph API accepted. */
  senderActions(pageId?: string): SenderActionRecord[];
  /** Comments and visitor posts, optionally for one page. */
  comments(pageId?: string): EmulatorComment[];
  /** Subscribes to live updates (messages, customers, typing, clock); returns an unsubscribe function. */
  on(listener: (update: EmulatorUpdate) => void): () => void;
  /**
   * Polls `predicate` until it returns a truthy value (resolved with it) or the timeout passes
   * (rejects with a PagedeskError `timeout`). The second argument is the timeout in ms (default
   * 5000) or `{ timeoutMs, intervalMs }`.
   *
   * @example
   * const read = await emulator.waitFor(() => emulator.customer(id).messages().at(-1)?.readAt, 2000);
   */
  waitFor<T>(
    predicate: () => T | Promise<T>,
    options?: number | { timeoutMs?: number; intervalMs?: number },
  ): Promise<NonNullable<T>>;
  /** Waits for a Send API message matching `match` (e.g. a text) to be accepted. */
  waitForSent(
    match: (message: SentMessage) => boolean,
    options?: number | { timeoutMs?: number },
  ): Promise<SentMessage>;
  /** Runs a declarative seeding script (see `demoScript`). */
  runScript(steps: readonly ScriptStep[]): Promise<ScriptResult>;
  /** Facebook Login and Instagram Login (dialogs, codes, tokens on the emulated clock). */
  readonly logins: EmulatorLogins;
  /** Stops the server, the timers and pending deliveries. */
  close(): Promise<void>;
}

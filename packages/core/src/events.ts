import type { Attachment, Platform } from './model.js';

// MessengerEvent: what a Meta webhook means, normalised. `@pagedesk/node-webhook` produces these from
// Meta's raw payloads; `Inbox.apply()` consumes them. A new kind added here fails to compile wherever
// a switch over `kind` is not exhaustive.

/** Fields every event carries. */
export interface EventBase {
  /**
   * Deterministic and unique per distinct event: the same delivery retried has the same id, while an
   * edit, an unsend or a reaction gets an id of its own (not the message's).
   */
  id: string;
  platform: Platform;
  /** The Page id or Instagram account id the event was delivered for (`entry.id`). */
  pageId: string;
  /** The customer's PSID / IGSID (for echoes, the recipient); null when Meta names no person. */
  customerId: string | null;
  /** Epoch milliseconds (comment `created_time` seconds are converted). */
  timestamp: number;
  /**
   * The Meta app whose secret verified the delivery (`createWebhook({ apps })`). The inbox refuses an
   * event whose channel is connected through another app; absent when the webhook was not told which
   * app it serves (the single `appSecret` form).
   */
  appId?: string;
  /** True when it came through `standby` (another app owns the thread). */
  standby?: boolean;
  /** The raw `messaging` item or `changes` value, unknown fields included. */
  raw: unknown;
}

/** Where a customer came from: an m.me link, an ad, a chat plugin... */
export interface Referral {
  source?: string;
  type?: string;
  ref?: string;
  adId?: string;
  adsContext?: Record<string, unknown>;
  refererUri?: string;
  /** A Shops product page the person wrote from (`referral.product.id`). */
  productId?: string;
}

export interface MessageEvent extends EventBase {
  kind: 'message';
  mid: string;
  text?: string;
  attachments: Attachment[];
  quickReply?: { payload: string };
  replyTo?: { mid?: string; isSelfReply?: boolean; story?: { id: string; url?: string } };
  referral?: Referral;
  /** Instagram: a message type the API does not support. */
  isUnsupported?: boolean;
}

/** A message the page sent, from Pagedesk or from another tool (Meta Business Suite, the Page Inbox). */
export interface EchoEvent extends EventBase {
  kind: 'echo';
  mid: string;
  text?: string;
  attachments: Attachment[];
  /** The app that sent it (`message.app_id`): the Page Inbox, another tool, or Pagedesk's own app. */
  senderAppId?: string;
  /** Send API `metadata`: Pagedesk puts its own message id there. */
  metadata?: string;
  replyTo?: { mid?: string };
}

export interface EditEvent extends EventBase {
  kind: 'edit';
  mid: string;
  text: string;
  editCount: number;
}

/** The customer unsent (deleted) a message; Instagram's `is_deleted`. */
export interface UnsendEvent extends EventBase {
  kind: 'unsend';
  mid: string;
}

export interface ReactionEvent extends EventBase {
  kind: 'reaction';
  /** The message reacted to. */
  mid: string;
  action: 'react' | 'unreact';
  emoji?: string;
  /** Meta's name: smile, angry, sad, wow, love, like, dislike, other. */
  reaction?: string;
}

export interface PostbackEvent extends EventBase {
  kind: 'postback';
  mid?: string;
  title?: string;
  /** Absent in standby and for apps other than the one that sent the button. */
  payload?: string;
  referral?: Referral;
}

/** Messenger: everything sent up to `watermark` was read. Instagram (`messaging_seen`): one `mid`. */
export interface ReadEvent extends EventBase {
  kind: 'read';
  watermark?: number;
  mid?: string;
}

/** Messenger only: everything sent up to `watermark` was delivered. */
export interface DeliveryEvent extends EventBase {
  kind: 'delivery';
  watermark: number;
  mids: string[];
}

export interface ReferralEvent extends EventBase {
  kind: 'referral';
  referral: Referral;
}

export interface OptinEvent extends EventBase {
  kind: 'optin';
  type?: string;
  payload?: string;
  ref?: string;
  userRef?: string;
  /** Marketing-messages or one-time-notification token. */
  token?: string;
  tokenExpiresAt?: number;
  status?: string;
}

export interface HandoverEvent extends EventBase {
  kind: 'handover';
  action: 'pass' | 'take' | 'request' | 'roles';
  previousOwnerAppId?: string | null;
  newOwnerAppId?: string;
  requestedOwnerAppId?: string;
  metadata?: string;
  /** For `roles`: app id → roles. */
  appRoles?: Record<string, string[]>;
}

export interface PolicyEnforcementEvent extends EventBase {
  kind: 'policy_enforcement';
  action: 'warning' | 'block' | 'unblock';
  reason?: string;
}

/** A comment on a Facebook Page post (`feed`) or an Instagram media (`comments`). */
export interface CommentEvent extends EventBase {
  kind: 'comment';
  action: 'add' | 'edit' | 'remove';
  commentId: string;
  postId: string;
  parentId?: string;
  text?: string;
  from: { id: string; name?: string; username?: string };
  /** True when the page itself wrote it (answers of ours): never opens a conversation. */
  fromPage: boolean;
  permalink?: string;
  /** A photo or video the comment carries (Page feed `photo` / `video`). */
  attachments?: Attachment[];
}

/** One answered question of a Customer Feedback Template (`messaging_feedback`). */
export interface FeedbackAnswer {
  /** The question id the template was sent with. */
  questionId: string;
  type: 'csat' | 'nps' | 'ces';
  /** As Meta sends it: CSAT 1-5, NPS 0-10, CES 1-7. */
  score: number;
  /** The free-text follow-up, when the customer wrote one. */
  text?: string;
}

/** Messenger only: the customer answered a satisfaction survey (`messaging_feedback`). */
export interface FeedbackEvent extends EventBase {
  kind: 'feedback';
  /** The answers Pagedesk understood; a question of an unknown type or score is left out (see `raw`). */
  answers: FeedbackAnswer[];
}

/** Anything Pagedesk does not model yet: kept, never an error. */
export interface UnknownEvent extends EventBase {
  kind: 'unknown';
  /** The key or webhook field that was not understood. */
  field: string;
}

export type MessengerEvent =
  | MessageEvent
  | EchoEvent
  | EditEvent
  | UnsendEvent
  | ReactionEvent
  | PostbackEvent
  | ReadEvent
  | DeliveryEvent
  | ReferralEvent
  | OptinEvent
  | HandoverEvent
  | PolicyEnforcementEvent
  | FeedbackEvent
  | CommentEvent
  | UnknownEvent;

export type MessengerEventKind = MessengerEvent['kind'];

/** Meta's signed_request callbacks, about the app rather than a conversation. */
export type AppEvent =
  | {
      kind: 'deauthorize';
      id: string;
      userId: string;
      /** The Page, when a Page removed the app. */
      profileId?: string;
      /** The app whose secret signed the request (`createMetaCallbacks({ apps })`). */
      appId?: string;
      issuedAt: number;
      raw: unknown;
    }
  | {
      kind: 'data_deletion';
      id: string;
      userId: string;
      /** The Page, when the request is about a Page. */
      profileId?: string;
      /** The app whose secret signed the request (`createMetaCallbacks({ apps })`). */
      appId?: string;
      confirmationCode: string;
      statusUrl: string;
      issuedAt: number;
      raw: unknown;
    };

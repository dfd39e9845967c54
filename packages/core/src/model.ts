import * as z from 'zod/mini';
import { emailPattern, wholeNumber } from './checks.js';
import { sentSurveySchema, surveyAnswerSchema } from './survey.js';

// The domain model. Schemas are the source of truth (zod/mini keeps the browser bundle small); the
// types are inferred from them, and the same schemas validate transport data where it enters.
// Every time is epoch milliseconds, so values cross JSON unchanged.

/** Which Meta messaging product a channel, customer or event belongs to. */
export const platformSchema = z.enum(['messenger', 'instagram']);
export type Platform = z.infer<typeof platformSchema>;

/**
 * A channel's health. `active` sends and syncs; `expiring` still works but its token or data access
 * ends soon; `expired`, `revoked` and `missing_permissions` need the admin to reauthorize;
 * `unsubscribed` lost its webhook subscription (repairable by re-subscribing); `blocked` was paused by
 * a policy-enforcement event; `deactivated` was paused by an admin; `disconnected` keeps history read-only.
 */
export const channelStatusSchema = z.enum([
  'active',
  'expiring',
  'expired',
  'revoked',
  'missing_permissions',
  'unsubscribed',
  'blocked',
  'deactivated',
  'disconnected',
]);
export type ChannelStatus = z.infer<typeof channelStatusSchema>;

/** A host's organisation (tenant) id: any non-empty string the host chooses. */
export const organizationIdSchema = z.string().check(z.minLength(1));

// Browser weight: these schemas ship in the React kit, so they use the fewest zod kinds that express
// the same rules. Whole numbers and email addresses are plain checks (checks.ts) rather than `z.int()`,
// `z.multipleOf(1)` or `z.email()` (zod's number and string formats), and a single tag is a one-value
// `z.enum` rather than `z.literal`.
const maxBytesSchema = z.optional(z.number().check(wholeNumber(), z.minimum(1)));

/** Per-channel preferences an admin sets in `<ChannelSettings>`. */
export const channelSettingsSchema = z.object({
  /** `until-resolved` appends to the open conversation; `intermission` opens a new one after silence. */
  threading: z.union([
    z.object({ mode: z.enum(['until-resolved']) }),
    z.object({ mode: z.enum(['intermission']), minutes: z.number().check(z.minimum(1), z.maximum(1440)) }),
  ]),
  /** The app has Meta's Human Agent permission: replies allowed for 7 days instead of 24 h. */
  humanAgent: z.boolean(),
  /** A stricter outbound text limit than Meta's (e.g. 1600); null keeps the rules profile's limit. */
  textMaxLength: z.nullable(z.number().check(wholeNumber(), z.minimum(1), z.maximum(2000))),
  /** Outbound attachment size caps in bytes by kind; a missing kind keeps the profile's limit. */
  attachmentMaxBytes: z.object({
    image: maxBytesSchema,
    video: maxBytesSchema,
    audio: maxBytesSchema,
    file: maxBytesSchema,
  }),
  /** Agents who work this channel; empty means every agent. */
  agentIds: z.array(z.string()),
});
export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

/**
 * A connected Facebook Page or Instagram professional account. Safe to send to a browser: the page
 * access token and app secret never live on this object (see `Store.credentials`).
 */
export const channelSchema = z.object({
  /** The Page id or Instagram account id (`entry.id` in webhooks). */
  id: z.string(),
  platform: platformSchema,
  name: z.string(),
  pictureUrl: z.optional(z.string()),
  /** The Meta app this channel is connected through; one host may serve several apps (tenants). */
  appId: z.string(),
  /**
   * How it was connected: `instagram` for an Instagram account on Instagram Login (graph.instagram.com,
   * an Instagram user token the token monitor refreshes; `appId` is then the Instagram app's id);
   * absent or `facebook` for a Page (or an Instagram account through its Page) on Facebook Login.
   */
  login: z.optional(z.enum(['facebook', 'instagram'])),
  /** The host's organisation (tenant) that owns this channel; absent on a single-tenant host. */
  organizationId: z.optional(organizationIdSchema),
  status: channelStatusSchema,
  /** Why the status is what it is, fit to show an admin ("Password changed", "Permission removed: pages_messaging"). */
  statusReason: z.optional(z.string()),
  tokenExpiresAt: z.nullable(z.number()),
  dataAccessExpiresAt: z.nullable(z.number()),
  missingPermissions: z.array(z.string()),
  settings: channelSettingsSchema,
  connectedAt: z.number(),
  updatedAt: z.number(),
});
export type Channel = z.infer<typeof channelSchema>;

/**
 * What the host's agents record about a customer in the customer panel. Meta's profile fields
 * (`name`, `firstName`, `avatarUrl`...) stay as Meta gave them; `name` here overrides the display name.
 */
const detailFields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  email: z.string().check(z.regex(emailPattern, 'invalid email'), z.maxLength(320)),
  phone: z.string().check(z.trim(), z.regex(/^\+?[0-9 ().-]{3,40}$/, 'expected a phone number')),
  notes: z.string().check(z.maxLength(10_000)),
};
export const customerDetailsSchema = z.object({
  /** The name agents call the customer by, over Meta's. */
  name: z.optional(detailFields.name),
  email: z.optional(detailFields.email),
  /** Digits, spaces and `+ ( ) - .`, as agents type it. */
  phone: z.optional(detailFields.phone),
  /** Free text for the host's agents; never sent to Meta. */
  notes: z.optional(detailFields.notes),
  updatedAt: z.number(),
  /** The agent who last changed them. */
  updatedBy: z.optional(z.string()),
});
export type CustomerDetails = z.infer<typeof customerDetailsSchema>;

// Built inside a pure call: the React kit only sends patches, and esbuild would otherwise keep this
// schema for its reads of `detailFields`.
/** A change to a customer's details: each field set, `null` to clear it, or left out to keep it. */
export const customerDetailsPatchSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    name: z.optional(z.nullable(detailFields.name)),
    email: z.optional(z.nullable(detailFields.email)),
    phone: z.optional(z.nullable(detailFields.phone)),
    notes: z.optional(z.nullable(detailFields.notes)),
  }))();
export type CustomerDetailsPatch = z.infer<typeof customerDetailsPatchSchema>;

/** A person who wrote to a channel: PSID on Messenger, IGSID on Instagram. */
export const customerSchema = z.object({
  /** Pagedesk's id: `${channelId}:${psid}`. */
  id: z.string(),
  channelId: z.string(),
  /** Copied from the channel when the customer is first seen; absent on a channel without one. */
  organizationId: z.optional(organizationIdSchema),
  platform: platformSchema,
  /** The page-scoped id (PSID / IGSID). */
  psid: z.string(),
  name: z.optional(z.string()),
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  username: z.optional(z.string()),
  avatarUrl: z.optional(z.string()),
  /**
   * The host's copy of `avatarUrl` (`createMediaArchiver`): Meta's profile picture URLs expire, so
   * show this one when set. `avatarUrl` keeps Meta's.
   */
  archivedAvatarUrl: z.optional(z.string()),
  /** `unknown` until looked up; `unavailable` when Meta refused (phone-only, no consent): retried later. */
  profileStatus: z.enum(['unknown', 'fetched', 'unavailable']),
  profileFetchedAt: z.optional(z.number()),
  /**
   * Blocked from the Page by an agent (`channels.setBlocked`, Graph `/{page}/blocked`): the send path
   * refuses replies with the reason until it is unblocked.
   */
  blocked: z.optional(z.object({ at: z.number(), by: z.optional(z.string()) })),
  /** What agents recorded in the customer panel (`Inbox.updateCustomerDetails`). */
  details: z.optional(customerDetailsSchema),
  createdAt: z.number(),
});
export type Customer = z.infer<typeof customerSchema>;

export const attachmentKindSchema = z.enum([
  'image',
  'gif',
  'video',
  'audio',
  'file',
  'sticker',
  'location',
  'fallback',
  'template',
  'share',
  'story_mention',
  // An attachment Meta sent in a shape Pagedesk could not read: `payload` holds Meta's item as it came,
  // `url` and `title` are set when it had them. The message it came with is kept all the same.
  'unknown',
]);
export type AttachmentKind = z.infer<typeof attachmentKindSchema>;

/** One attachment of a message. `url` is Meta's CDN URL inbound, or the host's URL outbound. */
export const attachmentSchema = z.object({
  kind: attachmentKindSchema,
  url: z.optional(z.string()),
  name: z.optional(z.string()),
  mimeType: z.optional(z.string()),
  size: z.optional(z.number()),
  /** Fallback and share titles (a shared link's page title, a post's caption). */
  title: z.optional(z.string()),
  stickerId: z.optional(z.string()),
  coordinates: z.optional(z.object({ lat: z.number(), long: z.number() })),
  /** For `share`: what was shared (`reel`, `ig_reel`, `post`, `ig_post`, `story`...). */
  shareType: z.optional(z.string()),
  /** Template or product payload as Meta sent it; for `unknown`, Meta's whole attachment item. */
  payload: z.optional(z.unknown()),
  /** A reusable upload id (outbound). */
  attachmentId: z.optional(z.string()),
  /** Inbound: the host's own copy (a `MediaStore` URL); Meta's `url` stops working after a while. */
  archivedUrl: z.optional(z.string()),
  /**
   * Inbound, when no copy could be made: Meta's URL was already gone (`expired`: show "media
   * expired"), the file breaks the size rules (`too_large`) or every download failed (`failed`).
   */
  archiveStatus: z.optional(z.enum(['expired', 'too_large', 'failed'])),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** Outbound delivery progress. Inbound messages are always `delivered`. */
export const deliveryStateSchema = z.enum(['pending', 'sent', 'delivered', 'read', 'failed']);
export type DeliveryState = z.infer<typeof deliveryStateSchema>;

export const reactionSchema = z.object({
  emoji: z.string(),
  /** Meta's name for it: love, like, smile, wow, sad, angry, dislike, other. */
  name: z.optional(z.string()),
  by: z.enum(['customer', 'page']),
  at: z.number(),
});
export type Reaction = z.infer<typeof reactionSchema>;

/**
 * Who wrote a message, so an inbox can say "Ana (agent)", "Sent from Meta Business Suite".
 * `automation` is the host's bot or auto-reply sent through Pagedesk (never with HUMAN_AGENT).
 */
export const authorSchema = z.object({
  kind: z.enum(['customer', 'agent', 'automation', 'page', 'app']),
  agentId: z.optional(z.string()),
  name: z.optional(z.string()),
  /** For echoes: the app that sent it (263902037430900 is Meta's Page Inbox). */
  appId: z.optional(z.string()),
});
export type Author = z.infer<typeof authorSchema>;

/** A typed reason a send failed, safe to show an agent. */
export const failureSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  graphCode: z.optional(z.number()),
  graphSubcode: z.optional(z.number()),
});
export type Failure = z.infer<typeof failureSchema>;

/** What an agent can do to a comment on Meta. Instagram comments cannot be liked through the API. */
export const commentActionSchema = z.enum(['hide', 'unhide', 'delete', 'like', 'unlike']);
export type CommentAction = z.infer<typeof commentActionSchema>;

/** A comment's moderation state on Meta, and who did what, oldest first. */
export const moderationSchema = z.object({
  hidden: z.boolean(),
  deleted: z.boolean(),
  liked: z.boolean(),
  actions: z.array(
    z.object({ action: commentActionSchema, at: z.number(), agentId: z.optional(z.string()) }),
  ),
});
export type Moderation = z.infer<typeof moderationSchema>;

export const messageSchema = z.object({
  /** Pagedesk's id; for outbound messages it travels in Send API `metadata` and returns in the echo. */
  id: z.string(),
  conversationId: z.string(),
  channelId: z.string(),
  /** inbound: from the customer; outbound: sent through Pagedesk; echo: sent by the page from another tool. */
  direction: z.enum(['inbound', 'outbound', 'echo']),
  /** Meta's message id, once known. */
  mid: z.optional(z.string()),
  text: z.optional(z.string()),
  attachments: z.array(attachmentSchema),
  replyTo: z.optional(z.object({ mid: z.string(), messageId: z.optional(z.string()) })),
  quickReplyPayload: z.optional(z.string()),
  quickReplies: z.optional(z.array(z.object({ title: z.string(), payload: z.string() }))),
  postback: z.optional(z.object({ title: z.optional(z.string()), payload: z.optional(z.string()) })),
  /** Why the customer arrived (m.me ref, ad), when Meta said. */
  referral: z.optional(
    z.object({
      source: z.optional(z.string()),
      ref: z.optional(z.string()),
      adId: z.optional(z.string()),
      /** The product of a Shops product page the customer wrote from. */
      productId: z.optional(z.string()),
    }),
  ),
  reactions: z.array(reactionSchema),
  delivery: deliveryStateSchema,
  failure: z.optional(failureSchema),
  editCount: z.optional(z.number()),
  unsent: z.optional(z.boolean()),
  author: authorSchema,
  /** What the Send API was told (outbound): RESPONSE or MESSAGE_TAG + HUMAN_AGENT. */
  messagingType: z.optional(z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG'])),
  tag: z.optional(z.string()),
  /** Comments: what agents did to the comment on Meta (hidden, deleted, liked) and by whom. */
  moderation: z.optional(moderationSchema),
  /** A satisfaction survey (Customer Feedback Template) sent with `channels.sendSurvey`. */
  survey: z.optional(sentSurveySchema),
  /** Arrived on the `standby` channel: another app held the thread (a bot answered it, not this inbox). */
  standby: z.optional(z.boolean()),
  /** Imported from history on connect: never notifies anyone. */
  imported: z.optional(z.boolean()),
  /** When the customer (inbound) or the agent (outbound) created it. */
  createdAt: z.number(),
  sentAt: z.optional(z.number()),
  deliveredAt: z.optional(z.number()),
  readAt: z.optional(z.number()),
  updatedAt: z.number(),
});
export type Message = z.infer<typeof messageSchema>;
export type MessageDirection = Message['direction'];

export const conversationSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  /**
   * The organisation of its channel, copied when the conversation is created so the inbox list can
   * filter by it; absent on a channel without one (and on rows stored before organisations).
   */
  organizationId: z.optional(organizationIdSchema),
  platform: platformSchema,
  customerId: z.string(),
  /** `message` for direct messages; `comment` for a comment thread under a post. */
  source: z.enum(['message', 'comment']),
  status: z.enum(['open', 'resolved']),
  assigneeId: z.nullable(z.string()),
  unreadCount: z.number(),
  /** The customer's last inbound action that counts for the messaging window (never an echo). */
  lastInboundAt: z.nullable(z.number()),
  lastOutboundAt: z.nullable(z.number()),
  lastMessageAt: z.number(),
  /** A short text of the newest message for the conversation list. */
  preview: z.optional(z.string()),
  /**
   * Comment conversations: the comment that opened it (public replies answer its thread) and its post.
   * Meta allows one private reply per comment, so a private reply answers the customer's newest comment
   * in the thread: `latestId` (absent while the first is the newest; its time is `lastInboundAt`), and
   * `privateReplySentAt` says when that comment had its private reply (null while it has had none).
   */
  comment: z.optional(
    z.object({
      commentId: z.string(),
      postId: z.string(),
      permalink: z.optional(z.string()),
      privateReplySentAt: z.nullable(z.number()),
      latestId: z.optional(z.string()),
    }),
  ),
  /**
   * Messenger handover protocol (https://developers.facebook.com/docs/messenger-platform/handover-protocol):
   * the app that holds the thread, from `messaging_handovers` webhooks and `channels.threadControl`.
   * `appId: null` is idle; absent, nothing was heard (the page has no other app). While another app
   * holds it the send path refuses with `ThreadControlError`.
   */
  threadOwner: z.optional(
    z.object({
      appId: z.nullable(z.string()),
      since: z.number(),
      /** An app that asked this one for the thread (`request_thread_control`), until the thread moves. */
      requestedByAppId: z.optional(z.string()),
      metadata: z.optional(z.string()),
    }),
  ),
  /** The customer's newest satisfaction-survey answer (`messaging_feedback`), shown in the list and the header. */
  survey: z.optional(surveyAnswerSchema),
  createdAt: z.number(),
  updatedAt: z.number(),
  resolvedAt: z.nullable(z.number()),
  /** The agent who resolved it (absent when resolved by a host without an agent, or open). */
  resolvedBy: z.optional(z.string()),
  /**
   * The customer's earlier conversation on this channel that this one follows (a message after it was
   * resolved, or after the intermission): the inbox shows both as one thread.
   */
  continuesFrom: z.optional(z.string()),
  /** The conversation the customer's next message opened after this one: where the thread continues. */
  continuedIn: z.optional(z.string()),
});
export type Conversation = z.infer<typeof conversationSchema>;

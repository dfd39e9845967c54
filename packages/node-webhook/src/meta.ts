// @pagedesk/node-webhook/meta: Meta's webhook wire format, once. The schemas are the ones the parser
// runs; the types are inferred from them (their input side: what Meta sends, before ids and times are
// normalised), so a fixture, an emulator or a host's own tooling builds bodies the parser reads.
// Field notes and sources: docs/meta-platform.md.
import type { z } from 'zod';
import type * as schemas from './schemas.js';

export {
  metaAppRolesSchema,
  metaAttachmentSchema,
  metaChangeSchema,
  metaDeliverySchema,
  metaEntrySchema,
  metaFeedCommentSchema,
  metaFeedValueSchema,
  metaIdSchema,
  metaInstagramCommentSchema,
  metaMessageEditSchema,
  metaMessageSchema,
  metaMessagingItemSchema,
  metaOptinSchema,
  metaPolicyEnforcementSchema,
  metaPostbackSchema,
  metaReactionSchema,
  metaReadSchema,
  metaReferralSchema,
  metaRequestThreadControlSchema,
  metaThreadControlSchema,
  metaTimeSchema,
  metaWebhookBodySchema,
} from './schemas.js';

/** A Meta id as sent: a string, or a number in some payloads (`app_id`, `sticker_id`, post ids). */
export type MetaId = z.input<typeof schemas.metaIdSchema>;
/** A time as sent: epoch seconds or ms, or (older payloads) a digit string or an ISO 8601 date. */
export type MetaTime = z.input<typeof schemas.metaTimeSchema>;
/**
 * Meta sends more fields than Pagedesk reads (the parser keeps them in each event's `raw`), and adds new
 * ones over time: every object type here admits them beside the fields its schema checks.
 */
export type MetaOpen<T> = T & { [field: string]: unknown };

/** The webhook objects Pagedesk accepts (any other `object` answers 400). */
export type MetaObject = 'page' | 'instagram';

/** One `messaging[].message.attachments[]` item. */
export type MetaAttachment = MetaOpen<z.input<typeof schemas.metaAttachmentSchema>>;
/** The `referral` object of messages, postbacks and `messaging_referrals`. */
export type MetaReferral = MetaOpen<z.input<typeof schemas.metaReferralSchema>>;
/**
 * `messaging[].message`: inbound messages, echoes (`is_echo`) and Instagram unsends (`is_deleted`).
 * The schema reads `attachments` item by item, so its items are typed here.
 */
export type MetaMessage = MetaOpen<
  Omit<z.input<typeof schemas.metaMessageSchema>, 'attachments'> & {
    attachments?: MetaAttachment[] | null;
  }
>;
/** `messaging[].message_edit` (Messenger only). */
export type MetaMessageEdit = MetaOpen<z.input<typeof schemas.metaMessageEditSchema>>;
/** `messaging[].reaction`. */
export type MetaReaction = MetaOpen<z.input<typeof schemas.metaReactionSchema>>;
/** `messaging[].postback`. */
export type MetaPostback = MetaOpen<z.input<typeof schemas.metaPostbackSchema>>;
/** `messaging[].read`: Messenger `watermark`, or Instagram `messaging_seen` with one `mid`. */
export type MetaRead = MetaOpen<z.input<typeof schemas.metaReadSchema>>;
/** `messaging[].delivery` (Messenger only). */
export type MetaDelivery = MetaOpen<z.input<typeof schemas.metaDeliverySchema>>;
/** `messaging[].optin`. */
export type MetaOptin = MetaOpen<z.input<typeof schemas.metaOptinSchema>>;
/** `messaging[].pass_thread_control` / `take_thread_control`. */
export type MetaThreadControl = MetaOpen<z.input<typeof schemas.metaThreadControlSchema>>;
/** `messaging[].request_thread_control`. */
export type MetaRequestThreadControl = MetaOpen<z.input<typeof schemas.metaRequestThreadControlSchema>>;
/** `messaging[].app_roles`: app id → roles. */
export type MetaAppRoles = z.input<typeof schemas.metaAppRolesSchema>;
/** `messaging[].policy_enforcement`. */
export type MetaPolicyEnforcement = MetaOpen<z.input<typeof schemas.metaPolicyEnforcementSchema>>;

/**
 * `messaging[].messaging_feedback`: a customer's answer to a Customer Feedback Template, one screen of
 * answers keyed by question id (see docs/meta-platform.md, "Satisfaction surveys"). The parser reads it
 * leniently (parseFeedback.ts), so it is typed here by hand.
 */
export type MetaMessagingFeedback = MetaOpen<{
  feedback_screens: Array<{
    screen_id: number;
    questions: Record<
      string,
      MetaOpen<{ type: string; payload: string; follow_up?: { type: string; payload: string } }>
    >;
  }>;
}>;

/**
 * One `messaging[]` / `standby[]` item: the parties and timestamp every event shares, and the one
 * object that says which event it is. The parser reads that object with its own schema, so each key
 * is typed here with it.
 */
export type MetaMessagingItem = MetaOpen<z.input<typeof schemas.metaMessagingItemSchema>> & {
  message?: MetaMessage;
  message_edit?: MetaMessageEdit;
  reaction?: MetaReaction;
  postback?: MetaPostback;
  read?: MetaRead;
  delivery?: MetaDelivery;
  referral?: MetaReferral;
  optin?: MetaOptin;
  pass_thread_control?: MetaThreadControl;
  take_thread_control?: MetaThreadControl;
  request_thread_control?: MetaRequestThreadControl;
  app_roles?: MetaAppRoles;
  policy_enforcement?: MetaPolicyEnforcement;
  messaging_feedback?: MetaMessagingFeedback;
  /** The older spelling of `policy_enforcement`. */
  'policy-enforcement'?: MetaPolicyEnforcement;
};

/** `changes[].value` of a Page `feed` change: `item` and `verb` say what changed. */
export type MetaFeedValue = MetaOpen<z.input<typeof schemas.metaFeedValueSchema>>;
/** `changes[].value` of a Page `feed` comment (`item: "comment"`). */
export type MetaFeedComment = MetaOpen<z.input<typeof schemas.metaFeedCommentSchema>> & MetaFeedValue;
/** `changes[].value` of an Instagram `comments` / `live_comments` change. */
export type MetaInstagramComment = MetaOpen<z.input<typeof schemas.metaInstagramCommentSchema>>;
/** One `changes[]` item: `{ field, value }` (the value's shape depends on `field`). */
export type MetaChangeItem = MetaOpen<z.input<typeof schemas.metaChangeSchema>>;

/**
 * One `entry[]`: the Page or Instagram account (`id`) and its containers. The parser reads each
 * container item by item (a wrong item never refuses the batch), so the items are typed here.
 */
export type MetaEntry = MetaOpen<
  Omit<z.input<typeof schemas.metaEntrySchema>, 'messaging' | 'standby' | 'changes'>
> & {
  messaging?: MetaMessagingItem[];
  standby?: MetaMessagingItem[];
  changes?: MetaChangeItem[];
};

/**
 * A whole webhook body as Meta POSTs it.
 *
 * @example
 * import type { MetaWebhookBody } from '@pagedesk/node-webhook/meta';
 * const body: MetaWebhookBody = {
 *   object: 'page',
 *   entry: [{ id: PAGE_ID, time: Date.now(), messaging: [{ sender: { id: PSID }, recipient: { id: PAGE_ID },
 *     timestamp: Date.now(), message: { mid: 'm_1', text: 'hello' } }] }],
 * };
 */
export type MetaWebhookBody = MetaOpen<
  Omit<z.input<typeof schemas.metaWebhookBodySchema>, 'object' | 'entry'>
> & {
  object: MetaObject;
  entry: MetaEntry[];
};

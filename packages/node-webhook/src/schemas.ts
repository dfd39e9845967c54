import { z } from 'zod';
import { timeOf } from './parseShared.js';

// Zod schemas for Meta's raw webhook payloads (docs/meta-platform.md). They are deliberately small: each one
// checks the envelope or ONE event's discriminating object, and only the fields Pagedesk reads. The
// parser keeps the original item as `raw`, so unknown fields survive without being copied here.
// Classic `zod` (not zod/mini) because its objects compile a JIT fast path: the parser runs them per event.
// Ids are strings in most payloads but numbers in some (app_id, requested_owner_app_id, sticker_id,
// post ids): both are accepted and normalised to strings by the parser.

/** A Meta id: a string, or a number in some payloads. */
export const metaIdSchema = z.union([z.string(), z.number()]);

/**
 * A point in time: a number as Meta sends it, or (older payloads, other tools' fixtures) a string of
 * digits or an ISO 8601 date, read as a number (an ISO date in epoch ms).
 */
export const metaTimeSchema = z.union([z.number(), z.string()]).transform((t, ctx) => {
  const n = timeOf(t);
  if (typeof n === 'number') return n;
  ctx.issues.push({
    code: 'custom',
    input: t,
    message: 'expected a number, a digit string or an ISO 8601 date',
  });
  return z.NEVER;
});

/** The top level of every webhook body. */
export const metaWebhookBodySchema = z.object({
  object: z.string(),
  entry: z.array(z.unknown()),
});

/** One `entry[]`: the Page or Instagram account (`id`) and its containers. */
export const metaEntrySchema = z.object({
  id: metaIdSchema,
  /** Epoch seconds or ms; some tools send a digit string or an ISO 8601 date (read by the parser). */
  time: z.optional(z.unknown()),
  messaging: z.optional(z.array(z.unknown())),
  standby: z.optional(z.array(z.unknown())),
  changes: z.optional(z.array(z.unknown())),
});

const party = z.object({ id: z.optional(metaIdSchema), user_ref: z.optional(metaIdSchema) });

/** The part of a `messaging[]` / `standby[]` item shared by every event. */
export const metaMessagingItemSchema = z.object({
  sender: z.optional(party),
  recipient: z.optional(party),
  /** Epoch ms; a digit string or an ISO 8601 date is read too. */
  timestamp: z.optional(z.union([z.number(), z.string()])),
});

/**
 * One `messaging[].message` attachment (image, sticker, video, audio, file, fallback, reels, posts...).
 * `payload` is an object, null, or (Meta's legacy `fallback`) an opaque string; legacy fallbacks also
 * spell the link `URL`. An item this schema refuses becomes a generic `unknown` attachment.
 */
export const metaAttachmentSchema = z.object({
  type: z.string(),
  title: z.optional(z.nullable(z.string())),
  url: z.optional(z.nullable(z.string())),
  URL: z.optional(z.nullable(z.string())),
  payload: z.optional(
    z.union([
      z.null(),
      z.string(),
      z.looseObject({
        url: z.optional(z.nullable(z.string())),
        title: z.optional(z.nullable(z.string())),
        sticker_id: z.optional(metaIdSchema),
        coordinates: z.optional(z.object({ lat: z.number(), long: z.number() })),
      }),
    ]),
  ),
});

/** The `referral` object of messages, postbacks and `messaging_referrals`. */
export const metaReferralSchema = z.looseObject({
  source: z.optional(z.string()),
  type: z.optional(z.string()),
  ref: z.optional(z.string()),
  ad_id: z.optional(metaIdSchema),
  ads_context_data: z.optional(z.record(z.string(), z.unknown())),
  referer_uri: z.optional(z.string()),
  // Shops: `{ product: { id } }`, read leniently (content, not identity).
  product: z.optional(z.unknown()),
});

/** `messaging[].message`: inbound messages, echoes (`is_echo`) and Instagram unsends (`is_deleted`). */
export const metaMessageSchema = z.object({
  mid: z.string(),
  text: z.optional(z.string()),
  is_echo: z.optional(z.boolean()),
  is_deleted: z.optional(z.boolean()),
  is_unsupported: z.optional(z.boolean()),
  app_id: z.optional(metaIdSchema),
  metadata: z.optional(z.string()),
  sticker_id: z.optional(metaIdSchema),
  quick_reply: z.optional(z.object({ payload: z.string() })),
  reply_to: z.optional(
    z.object({
      mid: z.optional(z.string()),
      is_self_reply: z.optional(z.boolean()),
      story: z.optional(z.object({ id: metaIdSchema, url: z.optional(z.string()) })),
    }),
  ),
  /** Read item by item (`attachmentsOf`): one unreadable attachment never refuses the message. */
  attachments: z.optional(z.unknown()),
  referral: z.optional(metaReferralSchema),
});

/** `message_edit` (Messenger only); `num_edit` is documented as an int and sometimes arrives as a string. */
export const metaMessageEditSchema = z.object({
  mid: z.string(),
  text: z.string(),
  num_edit: z.union([z.number(), z.string()]),
});

/** `reaction` (`message_reactions`). */
export const metaReactionSchema = z.object({
  mid: z.string(),
  action: z.enum(['react', 'unreact']),
  emoji: z.optional(z.string()),
  reaction: z.optional(z.string()),
});

/** `postback` (`messaging_postbacks`); `payload` is absent in standby. */
export const metaPostbackSchema = z.object({
  mid: z.optional(z.string()),
  title: z.optional(z.string()),
  payload: z.optional(z.string()),
  referral: z.optional(metaReferralSchema),
});

/** `read`: Messenger `watermark`, or Instagram `messaging_seen` with one `mid`. */
export const metaReadSchema = z.object({
  watermark: z.optional(metaTimeSchema),
  mid: z.optional(z.string()),
});

/** `delivery` (Messenger only); `mids` may be absent, `watermark` is always there. */
export const metaDeliverySchema = z.object({
  watermark: metaTimeSchema,
  mids: z.optional(z.array(z.string())),
});

const timestampLike = z.union([z.number(), z.string()]);

/** `optin`: marketing messages, legacy one-time notification and checkbox / send-to-Messenger opt-ins. */
export const metaOptinSchema = z.object({
  type: z.optional(z.string()),
  payload: z.optional(z.string()),
  ref: z.optional(z.string()),
  user_ref: z.optional(metaIdSchema),
  notification_messages_token: z.optional(z.string()),
  one_time_notif_token: z.optional(z.string()),
  token_expiry_timestamp: z.optional(timestampLike),
  notification_messages_status: z.optional(z.string()),
  user_token_status: z.optional(z.string()),
});

/** `pass_thread_control` and `take_thread_control`; `previous_owner_app_id` is null after idle mode. */
export const metaThreadControlSchema = z.object({
  previous_owner_app_id: z.optional(z.nullable(metaIdSchema)),
  new_owner_app_id: z.optional(metaIdSchema),
  metadata: z.optional(z.string()),
});

/** `request_thread_control` (the requested id is a number in Meta's sample). */
export const metaRequestThreadControlSchema = z.object({
  requested_owner_app_id: metaIdSchema,
  metadata: z.optional(z.string()),
});

/** `app_roles`: app id → roles. */
export const metaAppRolesSchema = z.record(z.string(), z.array(z.string()));

/** `policy_enforcement`: no sender; `reason` is absent on `unblock`. */
export const metaPolicyEnforcementSchema = z.object({
  action: z.enum(['warning', 'block', 'unblock']),
  reason: z.optional(z.string()),
});

/** One `changes[]` item: `{ field, value }`. */
export const metaChangeSchema = z.object({ field: z.string(), value: z.unknown() });

/** `changes[].value` of a Page `feed` change. */
export const metaFeedValueSchema = z.object({
  item: z.optional(z.string()),
  verb: z.optional(z.string()),
});

/** A Page `feed` comment (`item: "comment"`): `message` and `from.name` are absent on `remove`. */
export const metaFeedCommentSchema = z.object({
  comment_id: metaIdSchema,
  post_id: metaIdSchema,
  parent_id: z.optional(metaIdSchema),
  verb: z.string(),
  created_time: z.optional(metaTimeSchema),
  message: z.optional(z.string()),
  permalink_url: z.optional(z.string()),
  /** The URL of a photo or video attached to the comment. */
  photo: z.optional(z.string()),
  video: z.optional(z.string()),
  from: z.optional(z.object({ id: metaIdSchema, name: z.optional(z.string()) })),
});

/** An Instagram `comments` / `live_comments` change value. */
export const metaInstagramCommentSchema = z.object({
  id: metaIdSchema,
  text: z.optional(z.string()),
  parent_id: z.optional(metaIdSchema),
  verb: z.optional(z.string()),
  created_time: z.optional(metaTimeSchema),
  from: z.object({ id: metaIdSchema, username: z.optional(z.string()) }),
  media: z.object({ id: metaIdSchema }),
});

// Hand-written checks of the common shapes, run before the schemas on the hot path: each accepts only
// what its schema accepts and reads the same fields, so the input object can be used as the parsed
// value. Whatever they do not recognise (a wrong field, or a rarer shape such as attachments or a
// referral) goes through the schema, so errors stay exactly zod's.

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optString = (v: unknown) => v === undefined || typeof v === 'string';
const optBoolean = (v: unknown) => v === undefined || typeof v === 'boolean';
const optId = (v: unknown) => v === undefined || typeof v === 'string' || isNumber(v);

/** True when `v` passes {@link metaWebhookBodySchema}. */
export function isSimpleEnvelope(v: unknown): v is z.infer<typeof metaWebhookBodySchema> {
  return isObject(v) && typeof v.object === 'string' && Array.isArray(v.entry);
}

/** True when `v` passes {@link metaEntrySchema}. */
export function isSimpleEntry(v: unknown): v is z.infer<typeof metaEntrySchema> {
  return (
    isObject(v) &&
    (typeof v.id === 'string' || isNumber(v.id)) &&
    (v.messaging === undefined || Array.isArray(v.messaging)) &&
    (v.standby === undefined || Array.isArray(v.standby)) &&
    (v.changes === undefined || Array.isArray(v.changes))
  );
}

const optNullableString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

// Attachment types whose parsed payload is not copied into the event (template, share and unknown
// types keep it): for these, reading the input's own payload gives the same event as the schema's copy.
const PAYLOAD_FREE_TYPES = new Set([
  'image',
  'video',
  'audio',
  'file',
  'sticker',
  'fallback',
  'story_mention',
]);

/** True when `v` is an attachment {@link metaAttachmentSchema} accepts whose input can be read as is. */
export function isSimpleAttachment(v: unknown): boolean {
  if (!isObject(v) || typeof v.type !== 'string' || !PAYLOAD_FREE_TYPES.has(v.type)) return false;
  const p = v.payload;
  return (
    optNullableString(v.title) &&
    optNullableString(v.url) &&
    v.URL === undefined &&
    (p === undefined ||
      p === null ||
      (isObject(p) &&
        optNullableString(p.url) &&
        optNullableString(p.title) &&
        optId(p.sticker_id) &&
        p.coordinates === undefined))
  );
}

function isSimpleReplyTo(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isObject(v) || !optString(v.mid) || !optBoolean(v.is_self_reply)) return false;
  const story = v.story;
  return (
    story === undefined ||
    (isObject(story) && optId(story.id) && story.id !== undefined && optString(story.url))
  );
}

/**
 * True when `v` is a message {@link metaMessageSchema} accepts in its common forms (text, quick reply,
 * reply, media attachments, echoes, unsends); referrals and template or share attachments take the schema.
 */
export function isSimpleMessage(v: unknown): v is z.infer<typeof metaMessageSchema> {
  if (!isObject(v) || typeof v.mid !== 'string') return false;
  const quick = v.quick_reply;
  const attachments = v.attachments;
  return (
    optString(v.text) &&
    optBoolean(v.is_echo) &&
    optBoolean(v.is_deleted) &&
    optBoolean(v.is_unsupported) &&
    optId(v.app_id) &&
    optString(v.metadata) &&
    optId(v.sticker_id) &&
    (quick === undefined || (isObject(quick) && typeof quick.payload === 'string')) &&
    isSimpleReplyTo(v.reply_to) &&
    v.referral === undefined &&
    (attachments === undefined ||
      attachments === null ||
      (Array.isArray(attachments) && attachments.every(isSimpleAttachment)))
  );
}

/** True when `v` passes {@link metaReadSchema}. */
export function isSimpleRead(v: unknown): v is z.infer<typeof metaReadSchema> {
  return isObject(v) && (v.watermark === undefined || isNumber(v.watermark)) && optString(v.mid);
}

/** True when `v` passes {@link metaDeliverySchema}. */
export function isSimpleDelivery(v: unknown): v is z.infer<typeof metaDeliverySchema> {
  if (!isObject(v) || !isNumber(v.watermark)) return false;
  const mids = v.mids;
  return mids === undefined || (Array.isArray(mids) && mids.every((m) => typeof m === 'string'));
}

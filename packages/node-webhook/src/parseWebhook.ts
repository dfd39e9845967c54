import type {
  Attachment,
  DeliveryEvent,
  EchoEvent,
  EventBase,
  HandoverEvent,
  MessageEvent,
  MessengerEvent,
  OptinEvent,
  Platform,
  ReactionEvent,
  ReadEvent,
  Referral,
} from '@pagedesk/core';
import type { z } from 'zod';
import { WebhookPayloadError } from './errors.js';
import { issuesOf } from './issues.js';
import {
  appRolesSchema,
  type attachmentPayloadSchema,
  changeSchema,
  deliverySchema,
  feedCommentSchema,
  feedValueSchema,
  instagramCommentSchema,
  isSimpleDelivery,
  isSimpleEntry,
  isSimpleEnvelope,
  isSimpleMessage,
  isSimpleRead,
  messageEditSchema,
  messageSchema,
  messagingItemSchema,
  optinSchema,
  policyEnforcementSchema,
  postbackSchema,
  reactionSchema,
  readSchema,
  referralSchema,
  requestThreadControlSchema,
  threadControlSchema,
  webhookEntrySchema,
  webhookEnvelopeSchema,
} from './schemas.js';

// parseWebhook: Meta's raw body → MessengerEvent[] (core's union), sorted by timestamp.
//
// Event ids (the dedupe keys) are built only from what identifies the event, so a retried delivery
// produces the same ids and two distinct events never share one:
//   message:<mid>  echo:<mid>  unsend:<mid>  edit:<mid>:<num_edit>
//   reaction:<mid>:<sender>:<action>:<emoji>:<timestamp>
//   read:<page>:<sender>:<watermark | mid>  delivery:<page>:<sender>:<watermark>
//   postback:<mid> (or postback:<page>:<sender>:<timestamp>:<hash> without a mid)
//   comment:<comment id>:<verb>:<created_time>
//   referral / optin / handover / policy_enforcement / unknown: <kind>:<page>:<timestamp>:<hash>
// where <hash> is a 53-bit hash of the raw item's JSON (identical on Meta's retries; cyrb53 measured a
// little faster than node:crypto sha1 on a 300-byte item and needs no Node built-in).

type Infer<T extends z.ZodType> = z.infer<T>;

const MESSAGING_KEYS = new Set(['sender', 'recipient', 'timestamp']);

// Instagram and the App Dashboard's "Test" button can deliver messaging events as `changes[]` with one
// of these fields and the usual messaging item as `value`.
const MESSAGING_FIELDS = new Set([
  'messages',
  'message_echoes',
  'message_edits',
  'message_reactions',
  'message_reads',
  'message_deliveries',
  'messaging_seen',
  'messaging_postbacks',
  'messaging_referral',
  'messaging_referrals',
  'messaging_optins',
  'messaging_handovers',
  'messaging_policy_enforcement',
  'standby',
]);

// cyrb53: a fast non-cryptographic 53-bit hash, for ids of events Meta gives no id of their own.
function hashString(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

const hashOf = (raw: unknown) => hashString(JSON.stringify(raw) ?? '');

function check<T extends z.ZodType>(schema: T, input: unknown, base: string): Infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as Infer<T>;
  throw new WebhookPayloadError(issuesOf(result.error.issues, input, base));
}

const str = (id: string | number) => (typeof id === 'string' ? id : String(id));

/**
 * `String(n)` for the ids of reads and deliveries, faster for millisecond timestamps: V8 prints such a
 * number (too big for a small integer) through its slow double-to-string path, but two halves below
 * 10^8 go through the fast one. Same text as `String(n)` for every input.
 */
function numberKey(n: number): string {
  if (!Number.isInteger(n) || n < 1e7 || n >= 9e15) return String(n);
  const high = Math.floor(n / 1e7);
  const low = n - high * 1e7;
  return `${high}${low < 1e6 ? String(low).padStart(7, '0') : low}`;
}

/** Meta mixes seconds (feed `created_time`, some `entry.time`) and milliseconds; below 1e12 is seconds. */
const toMs = (t: number) => (t < 1e12 ? t * 1000 : t);

interface Ctx {
  platform: Platform;
  pageId: string;
  entryTime: number | undefined;
  standby: boolean;
  /** Where the item is (`entry[0].messaging[1]`), for errors. */
  readonly path: string;
}

/**
 * The context of the items of the entry being parsed, moved from entry to entry (one object per body);
 * the path is built only when an error reads it.
 */
class EntryCtx implements Ctx {
  pageId = '';
  entryTime: number | undefined = undefined;
  standby = false;
  entry = 0;
  container = 'messaging';
  index = 0;
  constructor(readonly platform: Platform) {}
  get path(): string {
    return `entry[${this.entry}].${this.container}[${this.index}]`;
  }
}

function base(ctx: Ctx, id: string, customerId: string | null, timestamp: number, raw: unknown): EventBase {
  const event: EventBase = { id, platform: ctx.platform, pageId: ctx.pageId, customerId, timestamp, raw };
  if (ctx.standby) event.standby = true;
  return event;
}

function referralOf(r: Infer<typeof referralSchema>): Referral {
  const out: Referral = {};
  if (r.source !== undefined) out.source = r.source;
  if (r.type !== undefined) out.type = r.type;
  if (r.ref !== undefined) out.ref = r.ref;
  if (r.ad_id !== undefined) out.adId = str(r.ad_id);
  if (r.ads_context_data !== undefined) out.adsContext = r.ads_context_data;
  if (r.referer_uri !== undefined) out.refererUri = r.referer_uri;
  return out;
}

const GIF = /\.gif(?:$|[?#])/i;
const SHARE_TYPES = new Set(['reel', 'ig_reel', 'post', 'ig_post', 'share', 'story']);
const SIMPLE_KINDS = new Set(['video', 'audio', 'file']);

function attachmentOf(
  a: Infer<typeof attachmentPayloadSchema>,
  legacyStickerId: string | undefined,
): Attachment {
  const p = a.payload ?? undefined;
  const url = p?.url ?? a.url ?? undefined;
  const title = p?.title ?? a.title ?? undefined;
  let out: Attachment;
  const type = a.type;
  if (type === 'image') {
    const stickerId = p?.sticker_id !== undefined ? str(p.sticker_id) : legacyStickerId;
    if (stickerId !== undefined) out = { kind: 'sticker', stickerId };
    else if ((url && GIF.test(url)) || (p && 'animated_gif_url' in p)) out = { kind: 'gif' };
    else out = { kind: 'image' };
  } else if (type === 'sticker') {
    out = { kind: 'sticker' };
    if (p?.sticker_id !== undefined) out.stickerId = str(p.sticker_id);
  } else if (SIMPLE_KINDS.has(type)) out = { kind: type as 'video' | 'audio' | 'file' };
  else if (type === 'location') {
    out = { kind: 'location' };
    if (p?.coordinates) out.coordinates = { lat: p.coordinates.lat, long: p.coordinates.long };
  } else if (type === 'fallback') out = { kind: 'fallback' };
  else if (type === 'template') {
    out = { kind: 'template' };
    if (p) out.payload = p;
  } else if (SHARE_TYPES.has(type)) {
    out = { kind: 'share', shareType: type };
    if (p) out.payload = p;
  } else if (type === 'story_mention') out = { kind: 'story_mention' };
  else {
    // A type Pagedesk does not model (appointment_booking, like_heart...): keep it visible as a
    // fallback whose payload names the type, instead of dropping it.
    out = { kind: 'fallback', payload: { type, payload: p ?? null } };
  }
  if (url) out.url = url;
  if (title && (out.kind === 'fallback' || out.kind === 'share' || out.kind === 'location'))
    out.title = title;
  return out;
}

function attachmentsOf(m: Infer<typeof messageSchema>): Attachment[] {
  const list = m.attachments;
  if (!list || list.length === 0) return [];
  const legacy = m.sticker_id !== undefined ? str(m.sticker_id) : undefined;
  const out = list.map((a) => attachmentOf(a, legacy));
  // Sticker transition (platform.md §2.2): Meta sends a `sticker` AND an `image` attachment for one
  // sticker. Messenger never combines a sticker with photos, so a sticker drops every image-like
  // duplicate and the result is one sticker attachment.
  if (out.length > 1 && list.some((a) => a.type === 'sticker')) {
    const stickers = out.filter((a, i) => a.kind === 'sticker' && list[i]?.type === 'sticker');
    const rest = out.filter((_, i) => list[i]?.type !== 'sticker' && list[i]?.type !== 'image');
    const sticker = stickers[0];
    const fromImage = out.find((a, i) => list[i]?.type === 'image' && a.stickerId !== undefined);
    if (sticker && sticker.stickerId === undefined && fromImage?.stickerId)
      sticker.stickerId = fromImage.stickerId;
    return [...stickers, ...rest];
  }
  return out;
}

function fieldOf(item: Record<string, unknown>): string {
  for (const key in item) if (!MESSAGING_KEYS.has(key)) return key;
  return 'empty';
}

const idOf = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function partyId(party: unknown): string | null | false {
  if (party === undefined) return null;
  if (party === null || typeof party !== 'object') return false;
  const p = party as { id?: unknown; user_ref?: unknown };
  if (p.id !== undefined) return idOf(p.id) ?? false;
  if (p.user_ref !== undefined) return idOf(p.user_ref) ?? false;
  return null;
}

// The sender / recipient / timestamp every messaging item shares are checked by hand in
// messagingEventOf, because they are read for every event of every batch; anything unexpected comes
// here, to `messagingItemSchema`, so the error names the wrong field exactly as zod reports it.
function invalidMessagingItem(raw: unknown, ctx: Ctx): never {
  check(messagingItemSchema, raw, ctx.path);
  throw new WebhookPayloadError([{ path: ctx.path, message: 'expected a messaging item' }]);
}

// Kinds that belong to a person's thread: without the person, no inbox can place them, so such an item
// is invalid (kept as `unknown` and reported by createWebhook) rather than an event nobody can apply.
const NEEDS_CUSTOMER: ReadonlySet<MessengerEvent['kind']> = new Set([
  'message',
  'echo',
  'postback',
  'read',
  'delivery',
]);

function messagingEvent(raw: unknown, ctx: Ctx): MessengerEvent {
  const event = messagingEventOf(raw, ctx);
  if (event.customerId === null && NEEDS_CUSTOMER.has(event.kind)) {
    const party = event.kind === 'echo' ? 'recipient' : 'sender';
    throw new WebhookPayloadError([
      { path: `${ctx.path}.${party}`, message: `required for a ${event.kind} event` },
    ]);
  }
  return event;
}

/** The path of a field of the current item, for errors (a function, not a closure per item). */
const pathIn = (ctx: Ctx, key: string) => `${ctx.path}.${key}`;

function messagingEventOf(raw: unknown, ctx: Ctx): MessengerEvent {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) invalidMessagingItem(raw, ctx);
  const obj = raw as Record<string, unknown>;
  const sender = partyId(obj.sender);
  const recipient = partyId(obj.recipient);
  const itemTimestamp = obj.timestamp;
  if (
    sender === false ||
    recipient === false ||
    (itemTimestamp !== undefined && typeof itemTimestamp !== 'number')
  ) {
    invalidMessagingItem(raw, ctx);
  }
  const ts = itemTimestamp ?? (ctx.entryTime === undefined ? undefined : toMs(ctx.entryTime));

  if (obj.message !== undefined) {
    const m = isSimpleMessage(obj.message)
      ? obj.message
      : check(messageSchema, obj.message, pathIn(ctx, 'message'));
    const timestamp = ts ?? 0;
    if (m.is_echo) {
      const echo: EchoEvent = {
        id: `echo:${m.mid}`,
        platform: ctx.platform,
        pageId: ctx.pageId,
        customerId: recipient,
        timestamp,
        raw,
        kind: 'echo',
        mid: m.mid,
        attachments: attachmentsOf(m),
      };
      if (ctx.standby) echo.standby = true;
      if (m.text !== undefined) echo.text = m.text;
      if (m.app_id !== undefined) echo.appId = str(m.app_id);
      if (m.metadata !== undefined) echo.metadata = m.metadata;
      if (m.reply_to?.mid !== undefined) echo.replyTo = { mid: m.reply_to.mid };
      return echo;
    }
    if (m.is_deleted)
      return { ...base(ctx, `unsend:${m.mid}`, sender, timestamp, raw), kind: 'unsend', mid: m.mid };
    // A literal rather than a spread of base(): this is the hot path of every batch. The text, there
    // nearly always, is part of the literal: a field added afterwards costs an allocation per event.
    const id = `message:${m.mid}`;
    const attachments = attachmentsOf(m);
    const message: MessageEvent =
      m.text === undefined
        ? {
            id,
            platform: ctx.platform,
            pageId: ctx.pageId,
            customerId: sender,
            timestamp,
            raw,
            kind: 'message',
            mid: m.mid,
            attachments,
          }
        : {
            id,
            platform: ctx.platform,
            pageId: ctx.pageId,
            customerId: sender,
            timestamp,
            raw,
            kind: 'message',
            mid: m.mid,
            attachments,
            text: m.text,
          };
    if (ctx.standby) message.standby = true;
    if (m.quick_reply) message.quickReply = { payload: m.quick_reply.payload };
    if (m.reply_to) {
      const r: NonNullable<typeof message.replyTo> = {};
      if (m.reply_to.mid !== undefined) r.mid = m.reply_to.mid;
      if (m.reply_to.is_self_reply !== undefined) r.isSelfReply = m.reply_to.is_self_reply;
      if (m.reply_to.story) {
        r.story = { id: str(m.reply_to.story.id) };
        if (m.reply_to.story.url !== undefined) r.story.url = m.reply_to.story.url;
      }
      message.replyTo = r;
    }
    if (m.referral) message.referral = referralOf(m.referral);
    if (m.is_unsupported) message.isUnsupported = true;
    return message;
  }
  if (obj.message_edit !== undefined) {
    const e = check(messageEditSchema, obj.message_edit, pathIn(ctx, 'message_edit'));
    const editCount = Number(e.num_edit);
    if (!Number.isInteger(editCount)) {
      throw new WebhookPayloadError([
        { path: pathIn(ctx, 'message_edit.num_edit'), message: 'expected an integer' },
      ]);
    }
    return {
      ...base(ctx, `edit:${e.mid}:${editCount}`, sender, ts ?? 0, raw),
      kind: 'edit',
      mid: e.mid,
      text: e.text,
      editCount,
    };
  }
  if (obj.reaction !== undefined) {
    const r = check(reactionSchema, obj.reaction, pathIn(ctx, 'reaction'));
    const timestamp = ts ?? 0;
    const id = `reaction:${r.mid}:${sender ?? ''}:${r.action}:${r.emoji ?? r.reaction ?? ''}:${timestamp}`;
    const event: ReactionEvent = {
      id,
      platform: ctx.platform,
      pageId: ctx.pageId,
      customerId: sender,
      timestamp,
      raw,
      kind: 'reaction',
      mid: r.mid,
      action: r.action,
    };
    if (ctx.standby) event.standby = true;
    if (r.emoji !== undefined) event.emoji = r.emoji;
    if (r.reaction !== undefined) event.reaction = r.reaction;
    return event;
  }
  if (obj.postback !== undefined) {
    const p = check(postbackSchema, obj.postback, pathIn(ctx, 'postback'));
    const timestamp = ts ?? 0;
    const id = p.mid
      ? `postback:${p.mid}`
      : `postback:${ctx.pageId}:${sender ?? ''}:${timestamp}:${hashOf(raw)}`;
    const event: MessengerEvent = { ...base(ctx, id, sender, timestamp, raw), kind: 'postback' };
    if (p.mid !== undefined) event.mid = p.mid;
    if (p.title !== undefined) event.title = p.title;
    if (p.payload !== undefined) event.payload = p.payload;
    if (p.referral) event.referral = referralOf(p.referral);
    return event;
  }
  if (obj.read !== undefined) {
    const r = isSimpleRead(obj.read) ? obj.read : check(readSchema, obj.read, pathIn(ctx, 'read'));
    if (r.watermark === undefined && r.mid === undefined) {
      throw new WebhookPayloadError([{ path: pathIn(ctx, 'read'), message: 'expected watermark or mid' }]);
    }
    const key = r.watermark ?? r.mid;
    const timestamp = ts ?? r.watermark ?? 0;
    const id = `read:${ctx.pageId}:${sender ?? ''}:${typeof key === 'number' ? numberKey(key) : key}`;
    // Messenger's watermark (nearly always there) in the literal, as for message texts above.
    const event: ReadEvent =
      r.watermark === undefined
        ? { id, platform: ctx.platform, pageId: ctx.pageId, customerId: sender, timestamp, raw, kind: 'read' }
        : {
            id,
            platform: ctx.platform,
            pageId: ctx.pageId,
            customerId: sender,
            timestamp,
            raw,
            kind: 'read',
            watermark: r.watermark,
          };
    if (ctx.standby) event.standby = true;
    if (r.mid !== undefined) event.mid = r.mid;
    return event;
  }
  if (obj.delivery !== undefined) {
    const d = isSimpleDelivery(obj.delivery)
      ? obj.delivery
      : check(deliverySchema, obj.delivery, pathIn(ctx, 'delivery'));
    // Meta's delivery sample has no timestamp: the watermark is when the last delivered message was sent.
    const timestamp = itemTimestamp ?? d.watermark;
    const event: DeliveryEvent = {
      id: `delivery:${ctx.pageId}:${sender ?? ''}:${numberKey(d.watermark)}`,
      platform: ctx.platform,
      pageId: ctx.pageId,
      customerId: sender,
      timestamp,
      raw,
      kind: 'delivery',
      watermark: d.watermark,
      // A copy, never the raw item's own list (the fast path above reads the input itself).
      mids: d.mids ? [...d.mids] : [],
    };
    if (ctx.standby) event.standby = true;
    return event;
  }
  const timestamp = ts ?? 0;
  const hashed = (kind: string) => `${kind}:${ctx.pageId}:${timestamp}:${hashOf(raw)}`;
  if (obj.referral !== undefined) {
    const r = check(referralSchema, obj.referral, pathIn(ctx, 'referral'));
    return {
      ...base(ctx, hashed('referral'), sender, timestamp, raw),
      kind: 'referral',
      referral: referralOf(r),
    };
  }
  if (obj.optin !== undefined) {
    const o = check(optinSchema, obj.optin, pathIn(ctx, 'optin'));
    const event: OptinEvent = { ...base(ctx, hashed('optin'), sender, timestamp, raw), kind: 'optin' };
    if (o.type !== undefined) event.type = o.type;
    if (o.payload !== undefined) event.payload = o.payload;
    if (o.ref !== undefined) event.ref = o.ref;
    if (o.user_ref !== undefined) event.userRef = str(o.user_ref);
    const token = o.notification_messages_token ?? o.one_time_notif_token;
    if (token !== undefined) event.token = token;
    if (o.token_expiry_timestamp !== undefined) {
      const t = Number(o.token_expiry_timestamp);
      if (!Number.isFinite(t)) {
        throw new WebhookPayloadError([
          { path: pathIn(ctx, 'optin.token_expiry_timestamp'), message: 'expected a number' },
        ]);
      }
      event.tokenExpiresAt = toMs(t);
    }
    const status = o.notification_messages_status ?? o.user_token_status;
    if (status !== undefined) event.status = status;
    return event;
  }
  if (obj.pass_thread_control !== undefined || obj.take_thread_control !== undefined) {
    const pass = obj.pass_thread_control !== undefined;
    const key = pass ? 'pass_thread_control' : 'take_thread_control';
    const t = check(threadControlSchema, obj[key], pathIn(ctx, key));
    const event: HandoverEvent = {
      ...base(ctx, hashed('handover'), sender, timestamp, raw),
      kind: 'handover',
      action: pass ? 'pass' : 'take',
    };
    if (t.previous_owner_app_id !== undefined) {
      event.previousOwnerAppId = t.previous_owner_app_id === null ? null : str(t.previous_owner_app_id);
    }
    if (t.new_owner_app_id !== undefined) event.newOwnerAppId = str(t.new_owner_app_id);
    if (t.metadata !== undefined) event.metadata = t.metadata;
    return event;
  }
  if (obj.request_thread_control !== undefined) {
    const r = check(
      requestThreadControlSchema,
      obj.request_thread_control,
      pathIn(ctx, 'request_thread_control'),
    );
    const event: HandoverEvent = {
      ...base(ctx, hashed('handover'), sender, timestamp, raw),
      kind: 'handover',
      action: 'request',
      requestedOwnerAppId: str(r.requested_owner_app_id),
    };
    if (r.metadata !== undefined) event.metadata = r.metadata;
    return event;
  }
  if (obj.app_roles !== undefined) {
    const roles = check(appRolesSchema, obj.app_roles, pathIn(ctx, 'app_roles'));
    return {
      ...base(ctx, hashed('handover'), null, timestamp, raw),
      kind: 'handover',
      action: 'roles',
      appRoles: roles,
    };
  }
  if (obj.policy_enforcement !== undefined) {
    const p = check(policyEnforcementSchema, obj.policy_enforcement, pathIn(ctx, 'policy_enforcement'));
    const event: MessengerEvent = {
      ...base(ctx, hashed('policy_enforcement'), null, timestamp, raw),
      kind: 'policy_enforcement',
      action: p.action,
    };
    if (p.reason !== undefined) event.reason = p.reason;
    return event;
  }
  return { ...base(ctx, hashed('unknown'), sender, timestamp, raw), kind: 'unknown', field: fieldOf(obj) };
}

const COMMENT_VERBS: Record<string, 'add' | 'edit' | 'remove'> = {
  add: 'add',
  edit: 'edit',
  edited: 'edit',
  remove: 'remove',
  delete: 'remove',
};

function changeEvent(raw: unknown, ctx: Ctx): MessengerEvent {
  const change = check(changeSchema, raw, ctx.path);
  const value = change.value;
  const at = `${ctx.path}.value`;
  const entryTs = ctx.entryTime === undefined ? 0 : toMs(ctx.entryTime);
  const unknown = (): MessengerEvent => ({
    ...base(ctx, `unknown:${ctx.pageId}:${entryTs}:${hashOf(value)}`, null, entryTs, value),
    kind: 'unknown',
    field: change.field,
  });
  if (change.field === 'feed') {
    const f = check(feedValueSchema, value, at);
    const action = f.verb === undefined ? undefined : COMMENT_VERBS[f.verb];
    if (f.item !== 'comment' || action === undefined) return unknown();
    const c = check(feedCommentSchema, value, at);
    const commentId = str(c.comment_id);
    const timestamp = c.created_time === undefined ? entryTs : toMs(c.created_time);
    const fromId = c.from === undefined ? undefined : str(c.from.id);
    if (!fromId)
      throw new WebhookPayloadError([{ path: `${at}.from.id`, message: 'required: the commenter' }]);
    const fromPage = fromId === ctx.pageId;
    const event: MessengerEvent = {
      ...base(
        ctx,
        `comment:${commentId}:${c.verb}:${c.created_time ?? entryTs}`,
        fromPage ? null : fromId,
        timestamp,
        value,
      ),
      kind: 'comment',
      action,
      commentId,
      postId: str(c.post_id),
      from: { id: fromId },
      fromPage,
    };
    if (c.from?.name !== undefined) event.from.name = c.from.name;
    if (c.parent_id !== undefined) event.parentId = str(c.parent_id);
    if (c.message !== undefined) event.text = c.message;
    if (c.permalink_url !== undefined) event.permalink = c.permalink_url;
    return event;
  }
  if (change.field === 'comments' || change.field === 'live_comments') {
    const c = check(instagramCommentSchema, value, at);
    const verb = c.verb ?? 'add';
    const action = COMMENT_VERBS[verb];
    if (action === undefined) return unknown();
    const commentId = str(c.id);
    const fromId = str(c.from.id);
    if (!fromId)
      throw new WebhookPayloadError([{ path: `${at}.from.id`, message: 'required: the commenter' }]);
    const fromPage = fromId === ctx.pageId;
    const timestamp = c.created_time === undefined ? entryTs : toMs(c.created_time);
    const event: MessengerEvent = {
      ...base(
        ctx,
        `comment:${commentId}:${verb}:${c.created_time ?? entryTs}`,
        fromPage ? null : fromId,
        timestamp,
        value,
      ),
      kind: 'comment',
      action,
      commentId,
      postId: str(c.media.id),
      from: { id: fromId },
      fromPage,
    };
    if (c.from.username !== undefined) event.from.username = c.from.username;
    if (c.parent_id !== undefined) event.parentId = str(c.parent_id);
    if (c.text !== undefined) event.text = c.text;
    return event;
  }
  if (MESSAGING_FIELDS.has(change.field) && value !== null && typeof value === 'object') {
    return messagingEvent(value, { ...ctx, path: at, standby: ctx.standby || change.field === 'standby' });
  }
  return unknown();
}

const PLATFORMS: Record<string, Platform> = { page: 'messenger', instagram: 'instagram' };

const utf8Decoder = new TextDecoder();

function parseJson(body: string | Uint8Array): unknown {
  try {
    return JSON.parse(
      // TextDecoder rather than Buffer, so bodies parse where Node's globals are absent (edge runtimes).
      typeof body === 'string' ? body : utf8Decoder.decode(body),
    );
  } catch (error) {
    throw new WebhookPayloadError([{ path: '', message: 'the body is not valid JSON' }], { cause: error });
  }
}

/** Options of {@link parseWebhook}. */
export interface ParseWebhookOptions {
  /**
   * Called for each event whose known key has a wrong field (a new enum value, a changed type). With
   * it, such an event becomes an `unknown` event (field = its key, everything in `raw`) and the rest of
   * the batch is kept; without it, the error is thrown. The envelope is always strict.
   */
  onInvalidEvent?: (error: WebhookPayloadError) => void;
}

function invalidEvent(raw: unknown, ctx: Ctx, field: string, timestamp: number): MessengerEvent {
  return {
    ...base(ctx, `unknown:${ctx.pageId}:${timestamp}:${hashOf(raw)}`, null, timestamp, raw),
    kind: 'unknown',
    field,
  };
}

function fieldOfRaw(raw: unknown, changes: boolean): string {
  if (raw === null || typeof raw !== 'object') return 'invalid';
  if (changes) {
    const field = (raw as { field?: unknown }).field;
    return typeof field === 'string' ? field : 'invalid';
  }
  return fieldOf(raw as Record<string, unknown>);
}

function timestampOfRaw(raw: unknown, ctx: Ctx): number {
  const t = raw !== null && typeof raw === 'object' ? (raw as { timestamp?: unknown }).timestamp : undefined;
  if (typeof t === 'number') return t;
  return ctx.entryTime === undefined ? 0 : toMs(ctx.entryTime);
}

/**
 * Parses a Meta webhook body (`object: "page"` or `"instagram"`) into Pagedesk events, sorted by
 * timestamp (stable: events of the same millisecond keep Meta's order).
 *
 * Accepts the raw body (Buffer, Uint8Array, string) or an already-parsed object. Every `entry[]` is
 * routed by its `id` (`pageId`), and its `messaging[]`, `standby[]` (marked `standby: true`) and
 * `changes[]` are flattened in order. Unknown event keys and webhook fields become `unknown` events,
 * never errors; unknown fields stay in `raw`. A body that is not JSON, names another `object`, or has a
 * known event with a wrong field throws {@link WebhookPayloadError} naming the first wrong path (pass
 * `onInvalidEvent` to keep such an event as `unknown` instead, as `createWebhook` does).
 * Each event's `id` is deterministic (see the scheme at the top of this file) for deduplication.
 *
 * @example
 * const events = parseWebhook(rawBody);
 * for (const event of events) if (event.kind === 'message') console.log(event.pageId, event.text);
 * @throws WebhookPayloadError
 */
export function parseWebhook(
  body: string | Uint8Array | object,
  options: ParseWebhookOptions = {},
): MessengerEvent[] {
  const json = typeof body === 'string' || body instanceof Uint8Array ? parseJson(body) : body;
  const envelope = isSimpleEnvelope(json) ? json : check(webhookEnvelopeSchema, json, '');
  const platform = PLATFORMS[envelope.object];
  if (platform === undefined) {
    throw new WebhookPayloadError([
      { path: 'object', message: `expected "page" or "instagram", got ${JSON.stringify(envelope.object)}` },
    ]);
  }
  const onInvalid = options.onInvalidEvent;
  const events: MessengerEvent[] = [];
  const add = (raw: unknown, ctx: Ctx, changes: boolean) => {
    if (!onInvalid) {
      events.push(changes ? changeEvent(raw, ctx) : messagingEvent(raw, ctx));
      return;
    }
    try {
      events.push(changes ? changeEvent(raw, ctx) : messagingEvent(raw, ctx));
    } catch (error) {
      if (!(error instanceof WebhookPayloadError)) throw error;
      onInvalid(error);
      const item =
        changes && raw !== null && typeof raw === 'object'
          ? ((raw as { value?: unknown }).value ?? raw)
          : raw;
      events.push(invalidEvent(item, ctx, fieldOfRaw(raw, changes), timestampOfRaw(item, ctx)));
    }
  };
  const ctx = new EntryCtx(platform);
  for (let e = 0; e < envelope.entry.length; e++) {
    const raw = envelope.entry[e];
    const entry = isSimpleEntry(raw) ? raw : check(webhookEntrySchema, raw, `entry[${e}]`);
    ctx.pageId = str(entry.id);
    ctx.entryTime = entry.time;
    ctx.entry = e;
    ctx.container = 'messaging';
    if (entry.messaging) {
      for (let i = 0; i < entry.messaging.length; i++) {
        ctx.index = i;
        add(entry.messaging[i], ctx, false);
      }
    }
    if (entry.standby) {
      ctx.container = 'standby';
      ctx.standby = true;
      for (let i = 0; i < entry.standby.length; i++) {
        ctx.index = i;
        add(entry.standby[i], ctx, false);
      }
      ctx.standby = false;
    }
    if (entry.changes) {
      ctx.container = 'changes';
      for (let i = 0; i < entry.changes.length; i++) {
        ctx.index = i;
        add(entry.changes[i], ctx, true);
      }
    }
  }
  for (let i = 1; i < events.length; i++) {
    if ((events[i] as MessengerEvent).timestamp < (events[i - 1] as MessengerEvent).timestamp) {
      return events.sort((a, b) => a.timestamp - b.timestamp);
    }
  }
  return events;
}

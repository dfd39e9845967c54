import type {
  DeliveryEvent,
  EchoEvent,
  HandoverEvent,
  MessageEvent,
  MessengerEvent,
  OptinEvent,
  ReactionEvent,
  ReadEvent,
  Referral,
} from '@pagedesk/core';
import { WebhookPayloadError } from './errors.js';
import { attachmentsOf } from './parseAttachments.js';
import { feedbackEvent } from './parseFeedback.js';
import {
  base,
  type Ctx,
  check,
  hashOf,
  type Infer,
  lenient,
  numberKey,
  str,
  timeOf,
  toMs,
} from './parseShared.js';
import {
  isSimpleDelivery,
  isSimpleMessage,
  isSimpleRead,
  metaAppRolesSchema,
  metaDeliverySchema,
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
} from './schemas.js';

// One `messaging[]` / `standby[]` item → one MessengerEvent. Strict about what identifies the event
// (sender, recipient, timestamp, mid, watermark, reaction action): a wrong one makes the item invalid.
// Lenient about content: a wrong optional field is dropped and noted in `ctx.notes`, never the event.

const MESSAGING_KEYS = new Set(['sender', 'recipient', 'timestamp']);

// Top-level keys whose value decides what the event is or its id: never dropped by `lenient`.
const MESSAGE_IDENTITY = new Set(['mid', 'is_echo', 'is_deleted']);
const MID = new Set(['mid']);
const REACTION_IDENTITY = new Set(['mid', 'action']);
const READ_IDENTITY = new Set(['mid', 'watermark']);
const WATERMARK = new Set(['watermark']);

export function referralOf(r: Infer<typeof metaReferralSchema>): Referral {
  const out: Referral = {};
  if (r.source !== undefined) out.source = r.source;
  if (r.type !== undefined) out.type = r.type;
  if (r.ref !== undefined) out.ref = r.ref;
  if (r.ad_id !== undefined) out.adId = str(r.ad_id);
  if (r.ads_context_data !== undefined) out.adsContext = r.ads_context_data;
  if (r.referer_uri !== undefined) out.refererUri = r.referer_uri;
  const productId = idOf((r.product as { id?: unknown } | null | undefined)?.id);
  if (productId !== undefined) out.productId = productId;
  return out;
}

/**
 * An event key that is present: some serialisers write every key of every event, the absent ones as
 * null, so a null key is no event (`{"message": null, "postback": {...}}` is a postback).
 */
const has = (v: unknown) => v !== undefined && v !== null;

/** The event key of an item: its first present key that is not sender, recipient or timestamp. */
export function fieldOf(item: Record<string, unknown>): string {
  for (const key in item) if (!MESSAGING_KEYS.has(key) && has(item[key])) return key;
  return 'empty';
}

const idOf = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** The PSID / IGSID (or checkbox `user_ref`) of a party; null when absent (or null); false when wrong. */
function partyId(party: unknown): string | null | false {
  if (party === undefined || party === null) return null;
  if (typeof party !== 'object') return false;
  const p = party as { id?: unknown; user_ref?: unknown };
  if (p.id !== undefined && p.id !== null) return idOf(p.id) ?? false;
  if (p.user_ref !== undefined && p.user_ref !== null) return idOf(p.user_ref) ?? false;
  return null;
}

// The sender / recipient / timestamp every messaging item shares are checked by hand in
// messagingEventOf, because they are read for every event of every batch; anything unexpected comes
// here, to `metaMessagingItemSchema`, so the error names the wrong field exactly as zod reports it.
function invalidMessagingItem(raw: unknown, ctx: Ctx): never {
  check(metaMessagingItemSchema, raw, ctx.path);
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
  'feedback',
]);

/** One messaging item → its event; throws WebhookPayloadError when what identifies it is wrong. */
export function messagingEvent(raw: unknown, ctx: Ctx): MessengerEvent {
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
  const from = partyId(obj.sender);
  const recipient = partyId(obj.recipient);
  // Epoch ms as a number. Spelled as a string it may be seconds: Meta's postback reference prints
  // "1527459824", and a string below 1e12 cannot be milliseconds of any real message.
  const time = timeOf(obj.timestamp);
  const itemTimestamp = typeof time === 'number' && typeof obj.timestamp === 'string' ? toMs(time) : time;
  if (from === false || recipient === false) invalidMessagingItem(raw, ctx);
  // The customer is the party that is not the Page: some payloads swap sender and recipient.
  const sender = from === ctx.pageId && recipient && recipient !== ctx.pageId ? recipient : from;
  if (itemTimestamp === false) {
    throw new WebhookPayloadError([
      {
        path: pathIn(ctx, 'timestamp'),
        message: 'expected epoch milliseconds, a digit string or an ISO 8601 date',
      },
    ]);
  }
  const ts = itemTimestamp ?? (ctx.entryTime === undefined ? undefined : toMs(ctx.entryTime));

  if (has(obj.message)) {
    const simple = isSimpleMessage(obj.message);
    const m = simple
      ? (obj.message as Infer<typeof metaMessageSchema>)
      : lenient(metaMessageSchema, obj.message, pathIn(ctx, 'message'), ctx.notes, MESSAGE_IDENTITY);
    const legacySticker = m.sticker_id === undefined ? undefined : str(m.sticker_id);
    const timestamp = ts ?? 0;
    if (m.is_echo) {
      const echo: EchoEvent = {
        id: `echo:${m.mid}`,
        platform: ctx.platform,
        pageId: ctx.pageId,
        // The customer is the recipient; some payloads swap the two, so never the Page itself.
        customerId: recipient === ctx.pageId && from ? from : recipient,
        timestamp,
        raw,
        kind: 'echo',
        mid: m.mid,
        attachments: attachmentsOf(m.attachments, legacySticker, ctx, simple),
      };
      if (ctx.standby) echo.standby = true;
      if (m.text !== undefined) echo.text = m.text;
      if (m.app_id !== undefined) echo.senderAppId = str(m.app_id);
      if (m.metadata !== undefined) echo.metadata = m.metadata;
      if (m.reply_to?.mid !== undefined) echo.replyTo = { mid: m.reply_to.mid };
      return echo;
    }
    if (m.is_deleted)
      return { ...base(ctx, `unsend:${m.mid}`, sender, timestamp, raw), kind: 'unsend', mid: m.mid };
    // A literal rather than a spread of base(): this is the hot path of every batch. The text, there
    // nearly always, is part of the literal: a field added afterwards costs an allocation per event.
    const id = `message:${m.mid}`;
    const attachments = attachmentsOf(m.attachments, legacySticker, ctx, simple);
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
  if (has(obj.message_edit)) {
    const e = check(metaMessageEditSchema, obj.message_edit, pathIn(ctx, 'message_edit'));
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
  if (has(obj.reaction)) {
    const r = lenient(
      metaReactionSchema,
      obj.reaction,
      pathIn(ctx, 'reaction'),
      ctx.notes,
      REACTION_IDENTITY,
    );
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
  if (has(obj.postback)) {
    const p = lenient(metaPostbackSchema, obj.postback, pathIn(ctx, 'postback'), ctx.notes, MID);
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
  if (has(obj.read)) {
    const r = isSimpleRead(obj.read)
      ? obj.read
      : lenient(metaReadSchema, obj.read, pathIn(ctx, 'read'), ctx.notes, READ_IDENTITY);
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
  if (has(obj.delivery)) {
    const d = isSimpleDelivery(obj.delivery)
      ? obj.delivery
      : lenient(metaDeliverySchema, obj.delivery, pathIn(ctx, 'delivery'), ctx.notes, WATERMARK);
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
  if (has(obj.referral)) {
    const r = lenient(metaReferralSchema, obj.referral, pathIn(ctx, 'referral'), ctx.notes);
    return {
      ...base(ctx, hashed('referral'), sender, timestamp, raw),
      kind: 'referral',
      referral: referralOf(r),
    };
  }
  if (has(obj.optin)) {
    const o = lenient(metaOptinSchema, obj.optin, pathIn(ctx, 'optin'), ctx.notes);
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
  if (has(obj.pass_thread_control) || has(obj.take_thread_control)) {
    const pass = has(obj.pass_thread_control);
    const key = pass ? 'pass_thread_control' : 'take_thread_control';
    const t = lenient(metaThreadControlSchema, obj[key], pathIn(ctx, key), ctx.notes);
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
  if (has(obj.request_thread_control)) {
    const r = lenient(
      metaRequestThreadControlSchema,
      obj.request_thread_control,
      pathIn(ctx, 'request_thread_control'),
      ctx.notes,
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
  if (has(obj.app_roles)) {
    const roles = lenient(metaAppRolesSchema, obj.app_roles, pathIn(ctx, 'app_roles'), ctx.notes);
    return {
      ...base(ctx, hashed('handover'), null, timestamp, raw),
      kind: 'handover',
      action: 'roles',
      appRoles: roles,
    };
  }
  if (has(obj.messaging_feedback)) return feedbackEvent(obj.messaging_feedback, ctx, sender, timestamp, raw);
  // Older payloads (and Meta's older reference) spell the key `policy-enforcement`.
  const policyKey = has(obj.policy_enforcement) ? 'policy_enforcement' : 'policy-enforcement';
  if (has(obj[policyKey])) {
    const p = lenient(metaPolicyEnforcementSchema, obj[policyKey], pathIn(ctx, policyKey), ctx.notes);
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

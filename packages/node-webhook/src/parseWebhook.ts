import { type MessengerEvent, type Platform, ValidationError, validateEvent } from '@pagedesk/core';
import { WebhookContentError, WebhookPayloadError } from './errors.js';
import { changeEvent } from './parseChanges.js';
import { fieldOf, messagingEvent } from './parseMessaging.js';
import { base, type Ctx, check, EntryCtx, hashOf, str, timeOf, toMs } from './parseShared.js';
import { isSimpleEntry, isSimpleEnvelope, metaEntrySchema, metaWebhookBodySchema } from './schemas.js';

// parseWebhook: Meta's raw body → MessengerEvent[] (core's union), sorted by timestamp. The items are
// read by parseMessaging (messaging[] / standby[]) and parseChanges (changes[]).
//
// Strict about identity, lenient about content: what identifies an event (entry id, sender, recipient,
// timestamp, mid, watermark, comment id...) must be right or the item becomes an `unknown` event; a
// content field of an unknown or legacy shape is dropped (an attachment becomes a generic `unknown`
// attachment) and reported once per event through `onContentIssue`, and the event still lands.
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
  /**
   * Called once for each event that landed although part of its content had an unknown or legacy
   * shape (an attachment kept as a generic `unknown` attachment, an optional field of another type,
   * dropped). `error.issues` names every path; `error.eventId` the event. Null optional fields are
   * Meta's "absent" and are not reported.
   */
  onContentIssue?: (error: WebhookContentError) => void;
}

function invalidEvent(raw: unknown, ctx: Ctx, field: string, timestamp: number): MessengerEvent {
  return {
    ...base(ctx, `unknown:${ctx.pageId}:${timestamp}:${hashOf(raw)}`, null, timestamp, raw),
    kind: 'unknown',
    field,
  };
}

/**
 * The inbox's own check of an event (core's `validateEvent`) on what the parser built: an event the
 * inbox would refuse fails here, as a wrong field of its item, so `createWebhook` keeps it as `unknown`
 * rather than handing the inbox a delivery that fails on every retry (an empty mid, a time past the
 * range of dates, a comment verb outside add/edit/remove).
 */
function accepted(event: MessengerEvent, ctx: Ctx): MessengerEvent {
  try {
    // Attachments are built by this parser's own schemas: only the event's own fields are checked.
    return validateEvent(event, { attachments: false });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new WebhookPayloadError(
      error.issues.map((issue) => ({
        path: ctx.path,
        message: `${event.kind} ${issue.path}: ${issue.message}`,
      })),
    );
  }
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
  const t = timeOf(
    raw !== null && typeof raw === 'object' ? (raw as { timestamp?: unknown }).timestamp : undefined,
  );
  const time = typeof t === 'number' ? t : ctx.entryTime === undefined ? 0 : toMs(ctx.entryTime);
  // An unknown event needs a time the inbox accepts even when the item's and the entry's are absurd.
  return Number.isFinite(time) ? time : 0;
}

/**
 * Parses a Meta webhook body (`object: "page"` or `"instagram"`) into Pagedesk events, sorted by
 * timestamp (stable: events of the same millisecond keep Meta's order).
 *
 * Accepts the raw body (Buffer, Uint8Array, string) or an already-parsed object. Every `entry[]` is
 * routed by its `id` (`pageId`), and its `messaging[]`, `standby[]` (marked `standby: true`) and
 * `changes[]` are flattened in order. Unknown event keys and webhook fields become `unknown` events,
 * never errors; unknown fields stay in `raw`. Content of an unknown or legacy shape never loses the
 * event: it is read past and reported through `onContentIssue`. A body that is not JSON, names another `object`, or has a
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
  const envelope = isSimpleEnvelope(json) ? json : check(metaWebhookBodySchema, json, '');
  const platform = PLATFORMS[envelope.object];
  if (platform === undefined) {
    throw new WebhookPayloadError([
      { path: 'object', message: `expected "page" or "instagram", got ${JSON.stringify(envelope.object)}` },
    ]);
  }
  const onInvalid = options.onInvalidEvent;
  const onContent = options.onContentIssue;
  const events: MessengerEvent[] = [];
  const parseItem = (raw: unknown, ctx: EntryCtx, changes: boolean) => {
    const event = accepted(changes ? changeEvent(raw, ctx) : messagingEvent(raw, ctx), ctx);
    if (ctx.notes.length > 0) {
      // A fresh list for the next item (the reported error keeps this one).
      const notes = ctx.notes;
      ctx.notes = [];
      onContent?.(new WebhookContentError(notes, event.id));
    }
    events.push(event);
  };
  const add = (raw: unknown, ctx: EntryCtx, changes: boolean) => {
    if (!onInvalid) {
      parseItem(raw, ctx, changes);
      return;
    }
    try {
      parseItem(raw, ctx, changes);
    } catch (error) {
      ctx.notes = [];
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
    const entry = isSimpleEntry(raw) ? raw : check(metaEntrySchema, raw, `entry[${e}]`);
    ctx.pageId = str(entry.id);
    // No page, no event: an entry without an id cannot be routed, even as `unknown`.
    if (ctx.pageId === '')
      throw new WebhookPayloadError([{ path: `entry[${e}].id`, message: 'must be at least 1 in length' }]);
    // The entry time only stands in for items without a time of their own: an unreadable one is none.
    const time = timeOf(entry.time);
    ctx.entryTime = time === false ? undefined : time;
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

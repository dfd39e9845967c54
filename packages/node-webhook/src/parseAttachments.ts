import type { Attachment } from '@pagedesk/core';
import { issuesOf } from './issues.js';
import { type Ctx, type Infer, isObject, type Loose, str } from './parseShared.js';
import { isSimpleAttachment, metaAttachmentSchema } from './schemas.js';

// Message attachments → core's Attachment. Lenient by design: an attachment Pagedesk cannot read (not an
// object, no type, a payload of another shape) becomes a generic `unknown` attachment holding Meta's
// item, so the message it came with still reaches the inbox.

const GIF = /\.gif(?:$|[?#])/i;
const HTTP_URL = /^https?:\/\//i;
const SHARE_TYPES = new Set(['reel', 'ig_reel', 'post', 'ig_post', 'share', 'story']);
const SIMPLE_KINDS = new Set(['video', 'audio', 'file']);

type AttachmentItem = Infer<typeof metaAttachmentSchema>;

function attachmentOf(a: AttachmentItem, legacyStickerId: string | undefined): Attachment {
  const raw = a.payload;
  const p = isObject(raw)
    ? (raw as Exclude<AttachmentItem['payload'], string | null | undefined>)
    : undefined;
  // A string payload: Meta's legacy fallback sends an opaque one ("payload": "…"); a URL is used as one.
  const textPayload = typeof raw === 'string' ? raw : undefined;
  const url =
    p?.url ??
    a.url ??
    a.URL ??
    (textPayload && HTTP_URL.test(textPayload) ? textPayload : undefined) ??
    undefined;
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
  } else if (type === 'fallback') {
    out = { kind: 'fallback' };
    if (textPayload !== undefined) out.payload = textPayload;
  } else if (type === 'template') {
    out = { kind: 'template' };
    if (p) out.payload = p;
  } else if (SHARE_TYPES.has(type)) {
    out = { kind: 'share', shareType: type };
    if (p) out.payload = p;
  } else if (type === 'story_mention') out = { kind: 'story_mention' };
  else {
    // A type Pagedesk does not model (appointment_booking, like_heart...): keep it visible as a
    // fallback whose payload names the type, instead of dropping it.
    out = { kind: 'fallback', payload: { type, payload: raw ?? null } };
  }
  if (url) out.url = url;
  if (title && (out.kind === 'fallback' || out.kind === 'share' || out.kind === 'location'))
    out.title = title;
  return out;
}

const stringAt = (o: unknown, key: string) =>
  isObject(o) && typeof o[key] === 'string' && o[key] !== '' ? (o[key] as string) : undefined;

/** The generic attachment for an item Pagedesk cannot read: its URL and title when it has them, and the item. */
function genericAttachment(item: unknown): Attachment {
  const out: Attachment = { kind: 'unknown', payload: item };
  const payload = isObject(item) ? item.payload : undefined;
  const url =
    stringAt(payload, 'url') ??
    stringAt(item, 'url') ??
    stringAt(item, 'URL') ??
    (typeof payload === 'string' ? payload : undefined);
  if (url && HTTP_URL.test(url)) out.url = url;
  const title = stringAt(payload, 'title') ?? stringAt(item, 'title') ?? stringAt(item, 'name');
  if (title) out.title = title;
  return out;
}

/**
 * The attachments of a message or echo. `list` is Meta's `attachments` as it came; `trusted` when the
 * caller's fast check already accepted every item. Items that cannot be read become `unknown`
 * attachments and are noted in `ctx.notes` (path `<item>.message.attachments[i]...`, built only then).
 */
export function attachmentsOf(
  list: unknown,
  legacyStickerId: string | undefined,
  ctx: Ctx,
  trusted = false,
): Attachment[] {
  if (list === undefined || list === null) return [];
  const at = () => `${ctx.path}.message.attachments`;
  if (!Array.isArray(list)) {
    ctx.notes.push({ path: at(), message: `expected an array, got ${typeof list}` });
    return [genericAttachment(list)];
  }
  if (list.length === 0) return [];
  const types: Array<string | undefined> = [];
  const out = list.map((item: unknown, i): Attachment => {
    if (trusted || isSimpleAttachment(item)) {
      types.push((item as Loose).type as string);
      return attachmentOf(item as AttachmentItem, legacyStickerId);
    }
    const parsed = metaAttachmentSchema.safeParse(item);
    if (parsed.success) {
      types.push(parsed.data.type);
      return attachmentOf(parsed.data, legacyStickerId);
    }
    types.push(undefined);
    ctx.notes.push(...issuesOf(parsed.error.issues, item, `${at()}[${i}]`).slice(0, 1));
    return genericAttachment(item);
  });
  // Sticker transition (Meta's messages webhook reference): Meta sends a `sticker` AND an `image`
  // attachment for one sticker. Messenger never combines a sticker with photos, so a sticker drops
  // every image-like duplicate and the result is one sticker attachment.
  if (out.length > 1 && types.includes('sticker')) {
    const stickers = out.filter((a, i) => a.kind === 'sticker' && types[i] === 'sticker');
    const rest = out.filter((_, i) => types[i] !== 'sticker' && types[i] !== 'image');
    const sticker = stickers[0];
    const fromImage = out.find((a, i) => types[i] === 'image' && a.stickerId !== undefined);
    if (sticker && sticker.stickerId === undefined && fromImage?.stickerId)
      sticker.stickerId = fromImage.stickerId;
    return [...stickers, ...rest];
  }
  return out;
}

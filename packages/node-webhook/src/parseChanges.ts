import type { CommentEvent, MessengerEvent } from '@pagedesk/core';
import { WebhookPayloadError } from './errors.js';
import { messagingEvent } from './parseMessaging.js';
import { base, type Ctx, check, hashOf, isObject, lenient, str, toMs } from './parseShared.js';
import {
  metaChangeSchema,
  metaFeedCommentSchema,
  metaFeedValueSchema,
  metaInstagramCommentSchema,
} from './schemas.js';

// One `changes[]` item → one MessengerEvent: Page feed comments, Instagram comments, and messaging
// events some apps receive as changes. Strict about what identifies a comment (its id, post or media,
// verb, time, author); lenient about the rest.

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

const FEED_IDENTITY = new Set(['comment_id', 'post_id', 'verb', 'created_time', 'from']);
const INSTAGRAM_IDENTITY = new Set(['id', 'verb', 'created_time', 'from', 'media']);

/**
 * Feed payloads of Graph API v2.x name the commenter `sender_id` / `sender_name` instead of
 * `from: { id, name }`: read them as `from` (a copy; the raw value is kept as it came).
 */
function withFeedAuthor(value: unknown): unknown {
  if (!isObject(value) || value.from !== undefined || value.sender_id === undefined) return value;
  const from: Record<string, unknown> = { id: value.sender_id };
  if (typeof value.sender_name === 'string') from.name = value.sender_name;
  return { ...value, from };
}

const COMMENT_VERBS: Record<string, 'add' | 'edit' | 'remove'> = {
  add: 'add',
  edit: 'edit',
  edited: 'edit',
  remove: 'remove',
  delete: 'remove',
};

interface CommentIdentity {
  action: CommentEvent['action'];
  verb: string;
  commentId: string | number;
  postId: string | number;
  fromId: string | number | undefined;
  createdTime: number | undefined;
  /** The entry time in ms: the comment's time when it has none. */
  entryTs: number;
}

/** What every comment event has: its id, author (never the Page as customer), post and time. */
function commentEvent(ctx: Ctx, value: unknown, at: string, c: CommentIdentity): CommentEvent {
  const fromId = c.fromId === undefined ? '' : str(c.fromId);
  if (!fromId) throw new WebhookPayloadError([{ path: `${at}.from.id`, message: 'required: the commenter' }]);
  const commentId = str(c.commentId);
  const fromPage = fromId === ctx.pageId;
  const timestamp = c.createdTime === undefined ? c.entryTs : toMs(c.createdTime);
  return {
    ...base(
      ctx,
      `comment:${commentId}:${c.verb}:${c.createdTime ?? c.entryTs}`,
      fromPage ? null : fromId,
      timestamp,
      value,
    ),
    kind: 'comment',
    action: c.action,
    commentId,
    postId: str(c.postId),
    from: { id: fromId },
    fromPage,
  };
}

/** One `changes[]` item → its event; throws WebhookPayloadError when what identifies it is wrong. */
export function changeEvent(raw: unknown, ctx: Ctx): MessengerEvent {
  const change = check(metaChangeSchema, raw, ctx.path);
  const value = change.value;
  const at = `${ctx.path}.value`;
  const entryTs = ctx.entryTime === undefined ? 0 : toMs(ctx.entryTime);
  const unknown = (): MessengerEvent => ({
    ...base(ctx, `unknown:${ctx.pageId}:${entryTs}:${hashOf(value)}`, null, entryTs, value),
    kind: 'unknown',
    field: change.field,
  });
  if (change.field === 'feed') {
    const f = check(metaFeedValueSchema, value, at);
    const action = f.verb === undefined ? undefined : COMMENT_VERBS[f.verb];
    if (f.item !== 'comment' || action === undefined) return unknown();
    const c = lenient(metaFeedCommentSchema, withFeedAuthor(value), at, ctx.notes, FEED_IDENTITY);
    const event = commentEvent(ctx, value, at, {
      action,
      verb: c.verb,
      commentId: c.comment_id,
      postId: c.post_id,
      fromId: c.from?.id,
      createdTime: c.created_time,
      entryTs,
    });
    if (c.from?.name !== undefined) event.from.name = c.from.name;
    if (c.parent_id !== undefined) event.parentId = str(c.parent_id);
    if (c.message !== undefined) event.text = c.message;
    if (c.permalink_url !== undefined) event.permalink = c.permalink_url;
    // A photo or video comment may have no text at all: keep what it shows.
    if (c.photo !== undefined || c.video !== undefined) {
      event.attachments = [];
      if (c.photo !== undefined) event.attachments.push({ kind: 'image', url: c.photo });
      if (c.video !== undefined) event.attachments.push({ kind: 'video', url: c.video });
    }
    return event;
  }
  if (change.field === 'comments' || change.field === 'live_comments') {
    const c = lenient(metaInstagramCommentSchema, value, at, ctx.notes, INSTAGRAM_IDENTITY);
    const verb = c.verb ?? 'add';
    const action = COMMENT_VERBS[verb];
    if (action === undefined) return unknown();
    const event = commentEvent(ctx, value, at, {
      action,
      verb,
      commentId: c.id,
      postId: c.media.id,
      fromId: c.from.id,
      createdTime: c.created_time,
      entryTs,
    });
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

import type { CommentEvent } from '../events.js';
import { hashId } from '../ids.js';
import type { Conversation, Message } from '../model.js';
import { isUnknownOutcome } from '../outcome.js';
import { markSentWith } from './echoes.js';
import { compact, EMPTY } from './objects.js';
import { onMessageEffect } from './receipts.js';
import {
  type Context,
  ensureCustomer,
  ownConversation,
  putConversation,
  settle,
  storedWhole,
} from './runtime.js';
import { continues, newConversation, withMessage } from './threading.js';

// Facebook and Instagram comments: each top-level comment opens a comment conversation; replies in
// its thread (the customer's, or the page's own) join it while the threading settings allow.

export async function onComment(ctx: Context, e: CommentEvent): Promise<void> {
  const { store, now } = ctx.rt;
  if (e.action === 'edit') {
    const current = await store.messages.getByMid(ctx.channelId, e.commentId);
    const editCount = (current?.editCount ?? 0) + 1;
    await onMessageEffect(ctx, e.commentId, { type: 'edit', text: e.text ?? '', editCount });
    return;
  }
  if (e.action === 'remove') {
    await onMessageEffect(ctx, e.commentId, { type: 'unsend' });
    return;
  }
  if (await storedWhole(ctx, e.commentId)) return;
  const isReply = e.parentId !== undefined && e.parentId !== e.postId;
  const parent = isReply ? await store.messages.getByMid(ctx.channelId, e.parentId!) : undefined;
  const thread = parent
    ? ownConversation(ctx, await store.conversations.get(parent.conversationId))
    : undefined;
  const base = {
    id: hashId('m', ctx.channelId, e.commentId),
    channelId: ctx.channelId,
    mid: e.commentId,
    text: e.text,
    attachments: e.attachments ?? EMPTY,
    reactions: EMPTY,
    createdAt: e.timestamp,
    updatedAt: now(),
  };
  if (e.fromPage) {
    // The page's own comment: part of a thread we hold, or nothing to file.
    if (thread?.source !== 'comment') {
      ctx.rt.emit('event:noticed', { event: e });
      return;
    }
    // Our own public answer, seen before Graph's answer gave us its id or after Graph did not answer in
    // time: the comment settles it (sent, with the comment's id) rather than showing it a second time.
    const own = await ownPublicAnswer(ctx, thread.id, e);
    if (own) {
      await markSentWith(ctx, own, e.commentId, e.timestamp);
      return;
    }
    const stored = await settle(
      ctx,
      compact({
        ...base,
        conversationId: thread.id,
        direction: 'echo' as const,
        delivery: 'sent' as const,
        author: { kind: 'page' as const },
        sentAt: e.timestamp,
      }),
      true,
    );
    await putConversation(ctx, withMessage(thread, stored, false, now()), false);
    return;
  }
  const customer = await ensureCustomer(ctx, e.from.id, { name: e.from.name, username: e.from.username });
  let conversation: Conversation;
  let created = false;
  if (
    thread &&
    thread.source === 'comment' &&
    thread.customerId === customer.id &&
    continues(thread, e.timestamp, ctx.settings)
  ) {
    conversation = withNewerComment(thread, e);
  } else {
    conversation = newConversation(ctx, customer, 'comment', {
      comment: compact({
        commentId: e.commentId,
        postId: e.postId,
        permalink: e.permalink,
        privateReplySentAt: null,
      }),
    });
    created = true;
  }
  const stored = await settle(
    ctx,
    compact({
      ...base,
      conversationId: conversation.id,
      direction: 'inbound' as const,
      delivery: 'delivered' as const,
      author: compact({ kind: 'customer' as const, name: e.from.name ?? e.from.username }),
    }),
    true,
  );
  await putConversation(ctx, withMessage(conversation, stored, true, now()), created);
}

/**
 * The thread once the customer commented in it again: a newer comment becomes the one a private reply
 * answers, with its own (Meta allows one per comment); an older one, delivered late, changes nothing.
 */
function withNewerComment(thread: Conversation, e: CommentEvent): Conversation {
  const { comment } = thread;
  if (!comment || e.timestamp <= (thread.lastInboundAt ?? thread.createdAt)) return thread;
  return { ...thread, comment: { ...comment, latestId: e.commentId, privateReplySentAt: null } };
}

/** How many of a thread's newest messages are searched for a public answer awaiting its comment. */
const OWN_ANSWER_WINDOW = 25;
// Meta's comment time has second precision and its clock is not ours; a reply of unknown outcome is
// matched by a comment that comes within a day of it (webhook retries included), never by a later one.
const CLOCK_SKEW_MS = 2 * 60 * 1000;
const UNKNOWN_OUTCOME_MATCH_MS = 24 * 60 * 60 * 1000;

/**
 * The public answer of ours that this page comment is, when exactly one fits: outbound, not a private
 * reply (no messaging type), no comment id yet, the same text (whitespace around it aside), recorded
 * before the comment. One still waiting for Graph's answer comes first; failing that, one whose outcome
 * is unknown, recorded within a day before the comment. Graph's comments carry no metadata, so the text
 * is the key, and two candidates alike leave the comment unmatched (a message of its own, as any page
 * comment), rather than risk giving a reply another one's comment id.
 */
async function ownPublicAnswer(
  ctx: Context,
  conversationId: string,
  e: CommentEvent,
): Promise<Message | undefined> {
  // Lenient about whitespace around the text, which a platform may trim.
  const text = e.text?.trim();
  if (!text) return undefined;
  const { items } = await ctx.rt.store.messages.list(conversationId, { limit: OWN_ANSWER_WINDOW });
  const candidates = items.filter(
    (m) =>
      m.direction === 'outbound' &&
      m.messagingType === undefined &&
      m.mid === undefined &&
      m.createdAt <= e.timestamp + CLOCK_SKEW_MS &&
      m.text?.trim() === text,
  );
  const waiting = candidates.filter((m) => m.delivery === 'pending' && !isUnknownOutcome(m));
  if (waiting.length > 0) return waiting.length === 1 ? waiting[0] : undefined;
  const unknown = candidates.filter(
    (m) => isUnknownOutcome(m) && e.timestamp - m.createdAt <= UNKNOWN_OUTCOME_MATCH_MS,
  );
  return unknown.length === 1 ? unknown[0] : undefined;
}

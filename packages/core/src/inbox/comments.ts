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
    conversation = thread;
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

/** How many of a thread's newest messages are searched for a public answer awaiting its comment. */
const OWN_ANSWER_WINDOW = 25;

/**
 * The oldest public answer of ours in the thread that this page comment can be: outbound, not a
 * private reply (no messaging type), no comment id yet, waiting for Graph's answer or with an unknown
 * outcome, and the same text (whitespace around it aside). Graph's comments carry no metadata, so the text is the key; taking the
 * oldest keeps two equal answers apart, each comment settling one.
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
  return items
    .filter(
      (m) =>
        m.direction === 'outbound' &&
        m.messagingType === undefined &&
        m.mid === undefined &&
        (m.delivery === 'pending' || isUnknownOutcome(m)) &&
        m.text?.trim() === text,
    )
    .sort((a, b) => a.createdAt - b.createdAt)[0];
}

import type { DeliveryEvent, ReactionEvent, ReadEvent, ReferralEvent } from '../events.js';
import type { Conversation, Message } from '../model.js';
import { applyEffect, type Effect } from './effects.js';
import { compact } from './objects.js';
import { type Context, ownConversation, putConversation, putMessage, touchPreview } from './runtime.js';
import { changedAt } from './threading.js';

// Effects on stored messages (edits, unsends, reactions) and delivery/read receipts with their
// watermarks; what arrives before its message waits in `Pending`.

/** Applies an effect to the message with `mid`, or holds it until that message arrives. */
export async function onMessageEffect(
  ctx: Context,
  mid: string,
  effect: Effect,
): Promise<Message | undefined> {
  const message = await ctx.rt.store.messages.getByMid(ctx.channelId, mid);
  if (!message) {
    const { shared, pending } = ctx.rt;
    if (shared) await shared.add(ctx.channelId, mid, effect);
    else pending.wait(ctx.channelId, mid, effect);
    return undefined;
  }
  const next = applyEffect(message, effect, ctx.rt.now());
  if (next !== message) {
    await putMessage(ctx, next, false);
    if (effect.type !== 'reaction' && effect.type !== 'delivery') await touchPreview(ctx, next);
  }
  return message;
}

export async function onReaction(ctx: Context, e: ReactionEvent): Promise<void> {
  const { store } = ctx.rt;
  const message = await onMessageEffect(
    ctx,
    e.mid,
    compact({
      type: 'reaction' as const,
      action: e.action,
      emoji: e.emoji,
      name: e.reaction,
      at: e.timestamp,
    }),
  );
  // Reacting refreshes the Messenger window (docs/meta-platform.md); Instagram does not document it, so
  // there it does not count.
  if (e.action !== 'react' || e.platform !== 'messenger' || !e.customerId) return;
  const conversation = message
    ? ownConversation(ctx, await store.conversations.get(message.conversationId))
    : await latestThread(ctx, e.customerId);
  await refreshWindow(ctx, conversation, e.timestamp);
}

/** The customer's newest message conversation on this channel, when it is this organisation's. */
async function latestThread(ctx: Context, customerId: string): Promise<Conversation | undefined> {
  return ownConversation(
    ctx,
    await ctx.rt.store.conversations.findLatest({
      channelId: ctx.channelId,
      customerId: `${ctx.channelId}:${customerId}`,
      source: 'message',
    }),
  );
}

/**
 * Counts an inbound action at `at` for the messaging window of a message thread (never moves it back).
 * A comment conversation's last inbound time stays its newest comment's, which its private reply answers.
 */
async function refreshWindow(
  ctx: Context,
  conversation: Conversation | undefined,
  at: number,
): Promise<void> {
  if (conversation?.source !== 'message' || (conversation.lastInboundAt ?? -Infinity) >= at) return;
  await putConversation(
    ctx,
    { ...conversation, lastInboundAt: at, updatedAt: changedAt(conversation, ctx.rt.now()) },
    false,
  );
}

// m.me and ig.me links (source SHORTLINK; SHORTLINKS in Instagram's pages) that open an existing thread
// refresh its 24-hour window (https://developers.facebook.com/docs/messenger-platform/send-messages#messaging_types).
// Ads and plugins count only once the person writes, which is a message of its own.
const LINK_SOURCES = new Set(['SHORTLINK', 'SHORTLINKS']);

/** A customer re-entering their thread through a link: heard of by hosts, and counted for the window. */
export async function onReferral(ctx: Context, e: ReferralEvent): Promise<void> {
  ctx.rt.emit('event:noticed', { event: e });
  const { source, type } = e.referral;
  if (!e.customerId || type !== 'OPEN_THREAD' || source === undefined || !LINK_SOURCES.has(source)) return;
  await refreshWindow(ctx, await latestThread(ctx, e.customerId), e.timestamp);
}

export async function onReceipt(ctx: Context, e: ReadEvent | DeliveryEvent): Promise<void> {
  const { store, now, pending, shared } = ctx.rt;
  const state = e.kind === 'read' ? 'read' : 'delivered';
  const mids = e.kind === 'read' ? (e.mid ? [e.mid] : []) : e.mids;
  for (const mid of mids) await onMessageEffect(ctx, mid, { type: 'delivery', state, at: e.timestamp });
  if (e.watermark === undefined) return;
  // Remembered per customer for echoes delivered after the receipt that covers them.
  if (shared) await shared.raise(ctx.channelId, e.customerId!, state, e.watermark);
  else pending.raise(ctx.channelId, e.customerId!, state, e.watermark);
  let conversation = ownConversation(
    ctx,
    await store.conversations.findLatest({
      channelId: ctx.channelId,
      customerId: `${ctx.channelId}:${e.customerId}`,
      source: 'message',
    }),
  );
  while (conversation) {
    for (const message of await store.messages.listBehind(conversation.id, e.watermark, state)) {
      const next = applyEffect(message, { type: 'delivery', state, at: e.watermark }, now());
      if (next !== message) await putMessage(ctx, next, false);
    }
    // Opened after the watermark (a receipt delivered after the customer's next message): what it
    // covers went out in the conversations before, which the customer sees as the same thread.
    if (conversation.createdAt <= e.watermark || conversation.continuesFrom === undefined) return;
    conversation = ownConversation(ctx, await store.conversations.get(conversation.continuesFrom));
  }
}

import type { MessageEvent, PostbackEvent } from '../events.js';
import { frozenCopy } from '../frozenCopy.js';
import { hashId } from '../ids.js';
import type { Attachment, Customer, Message } from '../model.js';
import { compact, EMPTY, freezeOwn } from './objects.js';
import {
  type Context,
  ensureCustomer,
  ownConversation,
  putConversation,
  settle,
  storedWhole,
} from './runtime.js';
import { continuedIn, continues, newConversation, withMessage } from './threading.js';

// Customer messages and postbacks: threading into the customer's latest conversation or a new one.

/** The quoted message of a reply, linked by id when it is stored (no async step when there is none). */
export function replyTarget(ctx: Context, mid: string | undefined): Promise<Message['replyTo']> | undefined {
  if (!mid) return undefined;
  return ctx.rt.store.messages
    .getByMid(ctx.channelId, mid)
    .then((quoted) => compact({ mid, messageId: quoted?.id }));
}

/** The event's attachments as the inbox keeps them: a frozen copy, never the caller's objects. */
export function ownAttachments(attachments: ReadonlyArray<Attachment>): Attachment[] {
  return attachments.length === 0 ? EMPTY : (frozenCopy(attachments) as Attachment[]);
}

/** Adds an inbound customer message (or postback) to its conversation. */
async function addInbound(
  ctx: Context,
  customer: Customer,
  build: (conversationId: string) => Message,
): Promise<void> {
  const latest = ownConversation(
    ctx,
    await ctx.rt.store.conversations.findLatest({
      channelId: ctx.channelId,
      customerId: customer.id,
      source: 'message',
    }),
  );
  const created = !latest || !continues(latest, ctx.event.timestamp, ctx.settings);
  const conversation = created ? newConversation(ctx, customer, 'message', { previous: latest }) : latest;
  const stored = await settle(ctx, build(conversation.id), true);
  await putConversation(ctx, withMessage(conversation, stored, true, ctx.rt.now()), created);
  // The earlier conversation says where the thread went, so an agent still on it follows along.
  if (created && latest) await putConversation(ctx, continuedIn(latest, conversation, ctx.rt.now()), false);
}

// Most customers have no name stored (profiles are fetched later, if at all): they share one author.
const NAMELESS_CUSTOMER: Message['author'] = Object.freeze({ kind: 'customer' as const });

function customerAuthor(customer: Customer): Message['author'] {
  return customer.name === undefined ? NAMELESS_CUSTOMER : { kind: 'customer', name: customer.name };
}

const referralOf = (referral: MessageEvent['referral']) =>
  referral &&
  compact({ source: referral.source, ref: referral.ref, adId: referral.adId, productId: referral.productId });

export async function onMessage(ctx: Context, e: MessageEvent): Promise<void> {
  const { now } = ctx.rt;
  if (await storedWhole(ctx, e.mid)) return;
  const customer = await ensureCustomer(ctx, e.customerId!);
  let attachments = ownAttachments(e.attachments);
  if (e.replyTo?.story) {
    attachments = [
      ...attachments,
      compact({ kind: 'share' as const, shareType: 'story', url: e.replyTo.story.url }),
    ];
  }
  if (e.isUnsupported && !e.text && attachments.length === 0) {
    attachments = [{ kind: 'fallback', title: 'Unsupported message' }];
  }
  const replyTo = e.replyTo?.mid ? await replyTarget(ctx, e.replyTo.mid) : undefined;
  // Built once its conversation is known: one object per message, no copy to add the conversation.
  // The hot path of every customer message: one literal plus the optional fields present (compact()
  // would build it key by key).
  await addInbound(ctx, customer, (conversationId) => {
    const message: Message = {
      id: hashId('m', ctx.channelId, e.mid),
      conversationId,
      channelId: ctx.channelId,
      direction: 'inbound',
      mid: e.mid,
      attachments,
      reactions: EMPTY,
      delivery: 'delivered',
      author: customerAuthor(customer),
      createdAt: e.timestamp,
      updatedAt: now(),
    };
    if (e.text !== undefined) message.text = e.text;
    if (replyTo !== undefined) message.replyTo = replyTo;
    if (e.quickReply) message.quickReplyPayload = e.quickReply.payload;
    if (e.standby) message.standby = true;
    const referral = referralOf(e.referral);
    if (referral !== undefined) message.referral = referral;
    return freezeOwn(message);
  });
}

export async function onPostback(ctx: Context, e: PostbackEvent): Promise<void> {
  const { now } = ctx.rt;
  if (e.mid && (await storedWhole(ctx, e.mid))) return;
  const customer = await ensureCustomer(ctx, e.customerId!);
  await addInbound(ctx, customer, (conversationId) =>
    freezeOwn(
      compact({
        id: hashId('m', ctx.channelId, e.mid ?? e.id),
        conversationId,
        channelId: ctx.channelId,
        direction: 'inbound' as const,
        mid: e.mid,
        attachments: EMPTY,
        postback: compact({ title: e.title, payload: e.payload }),
        referral: referralOf(e.referral),
        reactions: EMPTY,
        delivery: 'delivered' as const,
        author: customerAuthor(customer),
        standby: e.standby || undefined,
        createdAt: e.timestamp,
        updatedAt: now(),
      }),
    ),
  );
}

import type { EchoEvent } from '../events.js';
import { hashId } from '../ids.js';
import type { Message } from '../model.js';
import { PAGE_INBOX_APP_ID } from '../modelRules.js';
import { ownAttachments, replyTarget } from './inbound.js';
import { compact, EMPTY, without } from './objects.js';
import {
  type Context,
  ensureCustomer,
  type Op,
  ownConversation,
  putConversation,
  settle,
  storedWhole,
} from './runtime.js';
import { changedAt, newConversation, withMessage } from './threading.js';

// Echo reconciliation: the page's own messages, sent by us (matched by metadata or mid), by the
// Page Inbox or by another app, and the send path's confirmation that a message went out.

/** Our outbound message went out (send response or echo): at least `sent`, never backwards. */
export async function markSentWith(op: Op, message: Message, mid: string, at: number): Promise<Message> {
  const { store, now } = op.rt;
  const moves = message.delivery === 'pending' || message.delivery === 'failed';
  if (!moves && message.mid !== undefined) return message;
  let next: Message = { ...message, mid: message.mid ?? mid, updatedAt: now() };
  if (moves) next = { ...without(next, 'failure'), delivery: 'sent', sentAt: at };
  const conversation = await store.conversations.get(message.conversationId);
  const customer = conversation ? await store.customers.get(conversation.customerId) : undefined;
  const stored = await settle(op, next, false, customer?.psid);
  if (conversation) {
    const updated = withMessage(conversation, stored, false, now());
    if (
      updated.lastOutboundAt !== conversation.lastOutboundAt ||
      updated.lastInboundAt !== conversation.lastInboundAt
    ) {
      await putConversation(
        op,
        {
          ...conversation,
          lastOutboundAt: updated.lastOutboundAt,
          lastInboundAt: updated.lastInboundAt,
          updatedAt: changedAt(conversation, now()),
        },
        false,
      );
    }
  }
  return stored;
}

export async function onEcho(ctx: Context, e: EchoEvent): Promise<void> {
  const { store, now } = ctx.rt;
  if (e.metadata) {
    const own = await store.messages.get(e.metadata);
    if (own && own.channelId === ctx.channelId && own.direction === 'outbound') {
      await markSentWith(ctx, own, e.mid, e.timestamp);
      return;
    }
  }
  if (await storedWhole(ctx, e.mid)) return;
  const customer = await ensureCustomer(ctx, e.customerId!);
  const latest = ownConversation(
    ctx,
    await store.conversations.findLatest({
      channelId: ctx.channelId,
      customerId: customer.id,
      source: 'message',
    }),
  );
  const conversation = latest ?? newConversation(ctx, customer, 'message');
  const stored = await settle(
    ctx,
    compact({
      id: hashId('m', ctx.channelId, e.mid),
      conversationId: conversation.id,
      channelId: ctx.channelId,
      direction: 'echo' as const,
      mid: e.mid,
      text: e.text,
      attachments: ownAttachments(e.attachments),
      replyTo: e.replyTo?.mid ? await replyTarget(ctx, e.replyTo.mid) : undefined,
      reactions: EMPTY,
      delivery: 'sent' as const,
      author: compact({
        kind: !e.senderAppId || e.senderAppId === PAGE_INBOX_APP_ID ? ('page' as const) : ('app' as const),
        appId: e.senderAppId,
      }),
      createdAt: e.timestamp,
      sentAt: e.timestamp,
      updatedAt: now(),
    }),
    true,
    customer.psid,
  );
  await putConversation(ctx, withMessage(conversation, stored, false, now()), !latest);
}

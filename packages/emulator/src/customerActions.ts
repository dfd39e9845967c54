import { ValidationError } from '@pagedesk/core';
import { threadOwnerOf } from './handover.js';
import type { EmulatorAttachment, EmulatorComment, EmulatorMessage } from './types.js';
import { commentChange, customerEvent, inboundMessage, objectOf, reactionName } from './webhookItems.js';
import type { DeliveryOutcome } from './webhooks.js';
import { type Customer, digits, newMessage, newMid, type World } from './world.js';

// What a simulated customer does: each action changes the world and queues the webhook Meta would send.
// The library (customerHandle.ts), the HTTP controls and the chat page all act through these.

/** An action's input with its time: epoch ms, or `-30h`-style relative to the emulated now. */
export type ResolvedAt<T> = T & { at?: number | string | undefined };

/** What an action returns: its time, the message id where there is one, and its webhook delivery. */
export interface ActionOutcome {
  mid?: string;
  timestamp: number;
  delivery: Promise<DeliveryOutcome> | null;
}

function inConversation(
  world: World,
  customer: Customer,
  mid: string,
  direction?: 'inbound',
): EmulatorMessage | undefined {
  return world
    .conversation(customer.id)
    .find((m) => m.mid === mid && (direction === undefined || m.direction === direction));
}

/** Marks the customer as having written (consent for profile reads, the window's start). */
function touchInbound(world: World, customer: Customer, at: number): void {
  customer.consent = true;
  if (customer.lastInboundAt === null || at > customer.lastInboundAt) customer.lastInboundAt = at;
  world.emit({ type: 'customer', customer: world.snapshotCustomer(customer) });
}

function queue(
  world: World,
  customer: Customer,
  timestamp: number,
  body: Parameters<typeof customerEvent>[3],
) {
  const event = customerEvent(world.page(customer.pageId), customer, timestamp, body);
  // While another app holds the thread, Meta sends this app the customer's messages, reads, deliveries
  // and postbacks on `standby` (postbacks without their payload); docs/meta-platform.md.
  const owner = threadOwnerOf(world, customer.pageId, customer.id);
  if (owner === null || owner === world.options.appId || !STANDBY_KINDS.some((kind) => kind in body))
    return world.enqueue(event);
  const { postback } = body as { postback?: { payload?: string } };
  if (postback && event.messaging && 'postback' in event.messaging) {
    const { payload: _payload, ...rest } = postback;
    event.messaging = { ...event.messaging, postback: rest } as typeof event.messaging;
  }
  return world.enqueue({ ...event, standby: true });
}

const STANDBY_KINDS = ['message', 'read', 'delivery', 'postback'] as const;

export function customerSend(
  world: World,
  customerId: string,
  input: ResolvedAt<{
    text?: string | undefined;
    attachments?: Array<EmulatorAttachment> | undefined;
    quickReplyPayload?: string | undefined;
    replyToMid?: string | undefined;
  }>,
): { mid: string; timestamp: number; delivery: Promise<DeliveryOutcome> } {
  const customer = world.customer(customerId);
  const attachments = input.attachments ?? [];
  for (const [i, a] of attachments.entries()) {
    if (a.type === 'story_mention' && customer.platform !== 'instagram') {
      throw new ValidationError('customer message', [
        { path: `attachments[${i}].type`, message: 'story_mention is Instagram only' },
      ]);
    }
  }
  if (input.replyToMid !== undefined && !inConversation(world, customer, input.replyToMid)) {
    throw new ValidationError('customer message', [
      { path: 'replyToMid', message: 'is not a message of this conversation' },
    ]);
  }
  const timestamp = world.time(input.at);
  const message = newMessage({
    pageId: customer.pageId,
    customerId: customer.id,
    direction: 'inbound',
    ...(input.text === undefined ? {} : { text: input.text }),
    attachments: structuredClone(attachments),
    timestamp,
    ...(input.replyToMid === undefined ? {} : { replyToMid: input.replyToMid }),
  });
  world.insert(message);
  touchInbound(world, customer, timestamp);
  const delivery = queue(world, customer, timestamp, {
    message: inboundMessage(message, input.quickReplyPayload),
  });
  return { mid: message.mid, timestamp, delivery };
}

export function customerReact(
  world: World,
  customerId: string,
  input: ResolvedAt<{ mid: string; emoji: string; action: 'react' | 'unreact' }>,
): ActionOutcome {
  const customer = world.customer(customerId);
  const target = inConversation(world, customer, input.mid);
  if (!target)
    throw new ValidationError('reaction', [
      { path: 'mid', message: 'is not a message of this conversation' },
    ]);
  const timestamp = world.time(input.at);
  if (input.action === 'react') {
    target.reactions = [{ by: 'customer', emoji: input.emoji }];
    touchInbound(world, customer, timestamp);
  } else {
    target.reactions = [];
  }
  world.emit({ type: 'message_updated', message: structuredClone(target) });
  const reaction =
    input.action === 'unreact' && customer.platform === 'instagram'
      ? { mid: input.mid, action: 'unreact' as const }
      : { reaction: reactionName(input.emoji), emoji: input.emoji, action: input.action, mid: input.mid };
  return { timestamp, delivery: queue(world, customer, timestamp, { reaction }) };
}

export function customerRead(world: World, customerId: string, at?: number | string): ActionOutcome {
  const customer = world.customer(customerId);
  const timestamp = world.time(at);
  const seen = world
    .conversation(customer.id)
    .filter((m) => m.direction === 'outbound' && m.timestamp <= timestamp);
  for (const m of seen) {
    if (m.readAt !== undefined) continue;
    m.readAt = timestamp;
    world.emit({ type: 'message_updated', message: structuredClone(m) });
  }
  if (customer.platform === 'instagram') {
    // Instagram's messaging_seen marks one message, the latest one seen.
    const last = seen.at(-1);
    if (!last) return { timestamp, delivery: null };
    return { timestamp, delivery: queue(world, customer, timestamp, { read: { mid: last.mid } }) };
  }
  return { timestamp, delivery: queue(world, customer, timestamp, { read: { watermark: timestamp } }) };
}

export function customerDelivered(
  world: World,
  customerId: string,
  mids: string[],
): Promise<DeliveryOutcome> | null {
  const customer = world.customer(customerId);
  if (customer.platform === 'instagram') return null; // deliveries are Messenger only
  const timestamp = world.clock.now();
  for (const m of world.conversation(customer.id)) {
    if (mids.includes(m.mid) && m.deliveredAt === undefined) {
      m.deliveredAt = timestamp;
      world.emit({ type: 'message_updated', message: structuredClone(m) });
    }
  }
  return queue(world, customer, timestamp, { delivery: { mids, watermark: timestamp } });
}

export function customerPostback(
  world: World,
  customerId: string,
  input: ResolvedAt<{ title: string; payload?: string | undefined }>,
): ActionOutcome {
  const customer = world.customer(customerId);
  const timestamp = world.time(input.at);
  touchInbound(world, customer, timestamp);
  const mid = newMid();
  const postback = {
    mid,
    title: input.title,
    ...(input.payload === undefined ? {} : { payload: input.payload }),
  };
  return { mid, timestamp, delivery: queue(world, customer, timestamp, { postback }) };
}

/** How many times a message was edited (Meta allows five). */
const editCounts = new WeakMap<EmulatorMessage, number>();

/** Edits are Messenger's, unsends Instagram's (as webhooks); either only of the customer's own messages. */
function ownMessage(world: World, customerId: string, mid: string, action: 'edit' | 'unsend') {
  const customer = world.customer(customerId);
  const platform = action === 'edit' ? 'messenger' : 'instagram';
  if (customer.platform !== platform) {
    const message =
      action === 'edit' ? 'message edits are Messenger only' : 'unsend webhooks are Instagram only';
    throw new ValidationError(action, [{ path: 'mid', message }]);
  }
  const target = inConversation(world, customer, mid, 'inbound');
  if (!target)
    throw new ValidationError(action, [{ path: 'mid', message: 'is not a message this customer sent' }]);
  return { customer, target };
}

export function customerEdit(
  world: World,
  customerId: string,
  input: ResolvedAt<{ mid: string; text: string }>,
): ActionOutcome {
  const { customer, target } = ownMessage(world, customerId, input.mid, 'edit');
  const edits = (editCounts.get(target) ?? 0) + 1;
  if (edits > 5)
    throw new ValidationError('edit', [
      { path: 'mid', message: 'a message can be edited at most five times' },
    ]);
  editCounts.set(target, edits);
  target.text = input.text;
  world.emit({ type: 'message_updated', message: structuredClone(target) });
  const timestamp = world.time(input.at);
  const message_edit = { mid: input.mid, text: input.text, num_edit: edits };
  return { timestamp, delivery: queue(world, customer, timestamp, { message_edit }) };
}

export function customerUnsend(
  world: World,
  customerId: string,
  input: ResolvedAt<{ mid: string }>,
): ActionOutcome {
  const { customer, target } = ownMessage(world, customerId, input.mid, 'unsend');
  target.deleted = true;
  delete target.text;
  target.attachments = [];
  world.emit({ type: 'message_updated', message: structuredClone(target) });
  const timestamp = world.time(input.at);
  return {
    timestamp,
    delivery: queue(world, customer, timestamp, { message: { mid: input.mid, is_deleted: true } }),
  };
}

/** A comment on a post (or, with `isPost`, a visitor post on the Facebook Page). */
export function customerComment(
  world: World,
  customerId: string,
  input: ResolvedAt<{ text: string; postId?: string | undefined; parentId?: string | undefined }>,
  isPost = false,
): { comment: EmulatorComment; delivery: Promise<DeliveryOutcome> } {
  const customer = world.customer(customerId);
  const page = world.page(customer.pageId);
  const timestamp = world.time(input.at);
  let postId = input.postId ?? page.samplePostId;
  if (input.parentId !== undefined) {
    const parent = world.comments.get(input.parentId);
    if (!parent || parent.pageId !== page.id)
      throw new ValidationError('comment', [{ path: 'parentId', message: 'is not a comment of this page' }]);
    postId = parent.postId;
  }
  const n = world.nextSeq();
  const id = isPost
    ? `${page.id}_${digits(15)}`
    : page.platform === 'instagram'
      ? `178${digits(14)}`
      : `${postId.split('_').at(-1)}_${String(n).padStart(15, '0')}`;
  const comment: EmulatorComment = {
    id,
    pageId: page.id,
    postId: isPost ? id : postId,
    parentId: isPost ? null : (input.parentId ?? null),
    customerId: customer.id,
    text: input.text,
    createdAt: timestamp,
    privateReplyMid: null,
    replies: [],
    isPost,
  };
  world.comments.set(id, comment);
  world.emit({ type: 'comment', comment: structuredClone(comment) });
  const change = commentChange(page, customer, comment);
  const delivery = world.enqueue({ pageId: page.id, object: objectOf(page), time: timestamp, change });
  return { comment: structuredClone(comment), delivery };
}

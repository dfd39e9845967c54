import { hashId } from '../ids.js';
import type { ChannelSettings, Conversation, Customer, Message } from '../model.js';
import { messagePreview } from '../preview.js';
import { compact, freezeOwn } from './objects.js';
import type { Context } from './runtime.js';

/** Whether an inbound action at `at` continues `conversation` under the threading settings. */
export function continues(conversation: Conversation, at: number, settings: ChannelSettings): boolean {
  // Resolved means the next customer action opens a new conversation, even one written just before
  // the resolution: filing it in the resolved conversation would hide it from every agent.
  if (conversation.status === 'resolved') return false;
  if (settings.threading.mode === 'intermission') {
    return at - conversation.lastMessageAt <= settings.threading.minutes * 60_000;
  }
  return true;
}

/**
 * A new conversation opened by the event. With `previous` (the customer's conversation it follows) it
 * continues that thread: linked to it and kept with its assignee, as agents expect a returning
 * customer to reach the agent who helped them (who can still hand it over), and with its thread
 * owner: Meta's handover protocol gives control of the customer's one thread with the page, which a
 * new conversation of ours does not change.
 */
export function newConversation(
  ctx: Context,
  customer: Customer,
  source: Conversation['source'],
  options: { comment?: Conversation['comment']; previous?: Conversation | undefined } = {},
): Conversation {
  const { comment, previous } = options;
  const at = ctx.event.timestamp;
  // It ranks above the conversation it continues (`findLatest` orders by createdAt), even when a message
  // delivered late, older than that one, opened it: else the next message would open yet another.
  const createdAt = previous && at <= previous.createdAt ? previous.createdAt + 1 : at;
  return freezeOwn(
    compact({
      // Derived from the opening event: two processes applying the same event make one conversation.
      id: hashId('c', ctx.channelId, ctx.event.id),
      channelId: ctx.channelId,
      organizationId: ctx.organizationId,
      platform: ctx.event.platform,
      customerId: customer.id,
      source,
      status: 'open' as const,
      assigneeId: previous?.assigneeId ?? null,
      unreadCount: 0,
      lastInboundAt: null,
      lastOutboundAt: null,
      lastMessageAt: at,
      comment,
      createdAt,
      updatedAt: ctx.rt.now(),
      resolvedAt: null,
      continuesFrom: previous?.id,
      threadOwner: source === 'message' ? previous?.threadOwner : undefined,
    }),
  );
}

/**
 * A conversation's `updatedAt` after a change: the clock, but always after the stored state's. Its
 * writes are serialized (one unit per channel, on every server), so its states are ordered whichever
 * server's clock wrote them, and a browser can drop a state that arrives after a newer one (two servers
 * publish in their own order).
 */
export function changedAt(previous: Conversation, now: number): number {
  return now > previous.updatedAt ? now : previous.updatedAt + 1;
}

/** The earlier conversation, pointing at the one that continues it. */
export function continuedIn(previous: Conversation, next: Conversation, now: number): Conversation {
  return freezeOwn({ ...previous, continuedIn: next.id, updatedAt: changedAt(previous, now) });
}

/** When the customer reacted to a message, where that counts for the window (Messenger, §3.3). */
function reactedAt(conversation: Conversation, message: Message): number {
  if (conversation.platform !== 'messenger' || message.reactions.length === 0) return -Infinity;
  return message.reactions.find((r) => r.by === 'customer')?.at ?? -Infinity;
}

/** The conversation after a message was added to it (every field moves one way, so order does not matter). */
export function withMessage(
  conversation: Conversation,
  message: Message,
  countsForWindow: boolean,
  now: number,
): Conversation {
  const next: Conversation = { ...conversation, updatedAt: changedAt(conversation, now) };
  if (message.createdAt >= conversation.lastMessageAt || conversation.preview === undefined) {
    next.lastMessageAt = Math.max(conversation.lastMessageAt, message.createdAt);
    const preview = messagePreview(message);
    if (preview !== undefined) next.preview = preview;
  }
  // A message delivered late can be older than the event that opened its conversation. One that
  // continues an earlier conversation keeps its time: createdAt ranks a customer's conversations
  // (`findLatest`), and going below the earlier one's would make that one the latest again, so the
  // customer's next message would open another conversation beside this open one.
  if (message.createdAt < conversation.createdAt && conversation.continuesFrom === undefined)
    next.createdAt = message.createdAt;
  if (message.direction === 'inbound') {
    if (!message.imported) next.unreadCount = conversation.unreadCount + 1;
  } else if (message.delivery !== 'pending' && message.delivery !== 'failed') {
    next.lastOutboundAt = Math.max(
      conversation.lastOutboundAt ?? -Infinity,
      message.sentAt ?? message.createdAt,
    );
  }
  const inboundAt = Math.max(
    message.direction === 'inbound' && countsForWindow ? message.createdAt : -Infinity,
    reactedAt(conversation, message),
  );
  if (inboundAt > (conversation.lastInboundAt ?? -Infinity)) next.lastInboundAt = inboundAt;
  // Frozen here, so the memory store keeps this object instead of a copy: its parts come frozen from
  // the stored conversation. Only the surface: nested objects another store handed out stay theirs.
  return Object.freeze(next);
}

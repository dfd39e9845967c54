import { PagedeskError } from '../errors.js';
import type { MessengerEvent } from '../events.js';
import type { InboxChange, InboxEvents } from '../inbox.types.js';
import type { ChannelSettings, Conversation, Customer, Message } from '../model.js';
import { messagePreview } from '../preview.js';
import type { Store } from '../store.js';
import { type Changes, entityOf } from './changes.js';
import { applyEffect, type Effect } from './effects.js';
import { compact, freezeOwn, without } from './objects.js';
import type { Pending } from './pending.js';
import { changedAt } from './threading.js';

/** What every part of the inbox shares: the store, the clock, listeners and what waits in memory. */
export interface Runtime {
  store: Store;
  now: () => number;
  pending: Pending;
  /** The store's `waiting` when it shares what waits for a message between servers: used instead of `pending`. */
  shared: Store['waiting'];
  /** Emits to listeners; a throwing listener is reported as an `error`, never thrown. */
  emit<TEvent extends keyof InboxEvents>(event: TEvent, payload: Parameters<InboxEvents[TEvent]>[0]): void;
  listens(event: keyof InboxEvents): boolean;
}

/** One operation: its runtime and the changes it made so far. */
export interface Op {
  rt: Runtime;
  changes: Changes;
}

/** One webhook event being applied. */
export interface Context extends Op {
  event: MessengerEvent;
  channelId: string;
  /** The channel's organisation, copied onto the customers and conversations the event creates. */
  organizationId: string | undefined;
  settings: ChannelSettings;
}

/** Runs `work` as one store unit of `scope` (a channel id) when the store has them (see `Store.atomic`). */
export function atomically<T>(store: Store, work: () => Promise<T>, scope?: string): Promise<T> {
  return store.atomic ? store.atomic(work, scope) : work();
}

// The change is recorded before the write settles: when a write fails, the operation fails and its
// changes are dropped unreported, so this is safe and saves an async frame per write.
export function putMessage(op: Op, message: Message, created: boolean): Promise<void> {
  op.changes.add({ type: created ? 'message:created' : 'message:updated', message });
  return op.rt.store.messages.put(message);
}

export function putConversation(op: Op, conversation: Conversation, created: boolean): Promise<void> {
  op.changes.add({ type: created ? 'conversation:created' : 'conversation:updated', conversation });
  return op.rt.store.conversations.put(conversation);
}

/** After a stored message changed: refresh the preview when it is the newest one. */
export async function touchPreview(op: Op, message: Message): Promise<void> {
  const conversation = await op.rt.store.conversations.get(message.conversationId);
  if (!conversation || message.createdAt < conversation.lastMessageAt) return;
  const preview = messagePreview(message);
  if (preview === conversation.preview) return;
  const next = preview === undefined ? without(conversation, 'preview') : { ...conversation, preview };
  await putConversation(op, { ...next, updatedAt: changedAt(conversation, op.rt.now()) }, false);
}

/** `message` with what arrived before it applied: waiting effects, then receipt watermarks covering it. */
function withArrived(
  op: Op,
  message: Message,
  effects: readonly Effect[] | undefined,
  marks: { delivered: number; read: number } | undefined,
): Message {
  const { now } = op.rt;
  let next = message;
  if (effects) for (const effect of effects) next = applyEffect(next, effect, now());
  if (marks) {
    if (marks.read >= message.createdAt) {
      next = applyEffect(next, { type: 'delivery', state: 'read', at: marks.read }, now());
    } else if (marks.delivered >= message.createdAt) {
      next = applyEffect(next, { type: 'delivery', state: 'delivered', at: marks.delivered }, now());
    }
  }
  return next;
}

/** Whether `message` can be covered by the customer's receipt watermarks (only what the page sent). */
const takesMarks = (message: Message, psid: string | undefined): psid is string =>
  psid !== undefined && message.direction !== 'inbound';

/**
 * Stores a message that just got its mid, applying what arrived before it: effects waiting for that
 * mid and, for an echo, the customer's receipt watermarks that already cover it.
 */
export function settle(op: Op, message: Message, created: boolean, psid?: string): Promise<Message> {
  const { pending, shared } = op.rt;
  if (shared) return settleShared(op, shared, message, created, psid);
  // What waits is in this process (the memory store, stores without `waiting`): no async step of its
  // own before the write.
  const { channelId, mid } = message;
  const effects = mid === undefined ? undefined : pending.effectsFor(channelId, mid);
  const marks = takesMarks(message, psid) ? pending.watermarks(channelId, psid) : undefined;
  const next = withArrived(op, message, effects, marks);
  // Promise.resolve: a store answering with a plain value still works, as it did under `await`.
  return Promise.resolve(putMessage(op, next, created)).then(() => {
    // Dropped only once stored: if the write fails, the retry of this event finds them again.
    if (effects) pending.settled(channelId, mid!);
    return next;
  });
}

/** `settle` with the store's `waiting` (a take is undone with the unit when the write fails). */
async function settleShared(
  op: Op,
  shared: NonNullable<Store['waiting']>,
  message: Message,
  created: boolean,
  psid: string | undefined,
): Promise<Message> {
  const { channelId, mid } = message;
  const effects = mid === undefined ? undefined : await shared.take(channelId, mid);
  const marks = takesMarks(message, psid) ? await shared.watermarks(channelId, psid) : undefined;
  const next = withArrived(op, message, effects, marks);
  await putMessage(op, next, created);
  return next;
}

/**
 * `conversation` when it belongs to the event's organisation. A row of another organisation on this
 * channel (left by an event that raced a purge, written before the page changed hands) is never
 * continued, so one organisation's messages never land in another's conversation.
 */
export function ownConversation(
  ctx: Context,
  conversation: Conversation | undefined,
): Conversation | undefined {
  return conversation && conversation.organizationId === ctx.organizationId ? conversation : undefined;
}

/**
 * Whether the message of `mid` is stored whole, with its conversation: the duplicate test of an event
 * that creates a message. A store without `atomic` commits each write on its own, so a write that
 * failed between the two leaves the message without its conversation; the retry of that event then
 * writes both again (their ids derive from the event, so nothing doubles) instead of skipping it.
 */
export async function storedWhole(ctx: Context, mid: string): Promise<boolean> {
  const { store } = ctx.rt;
  const message = await store.messages.getByMid(ctx.channelId, mid);
  return message !== undefined && (await store.conversations.get(message.conversationId)) !== undefined;
}

type Profile = { name?: string | undefined; username?: string | undefined };

/** The customer of an event, created on first sight; first seen is the earliest event, whatever the order. */
export function ensureCustomer(ctx: Context, psid: string, profile: Profile = {}): Promise<Customer> {
  const id = `${ctx.channelId}:${psid}`;
  // A `then` rather than an async function: the common case (known customer, nothing new) writes
  // nothing, and this saves an async frame per event. Promise.resolve: as `await`, a plain value works too.
  return Promise.resolve(ctx.rt.store.customers.get(id)).then((stored) =>
    customerFor(ctx, id, psid, profile, stored),
  );
}

function customerFor(
  ctx: Context,
  id: string,
  psid: string,
  profile: Profile,
  stored: Customer | undefined,
): Customer | Promise<Customer> {
  // A customer row of another organisation (see `ownConversation`) is replaced, not reused.
  const existing = stored && stored.organizationId === ctx.organizationId ? stored : undefined;
  if (existing) {
    const earlier = ctx.event.timestamp < existing.createdAt;
    if (!earlier && (!profile.name || existing.name) && (!profile.username || existing.username)) {
      return existing;
    }
    const next = compact({
      ...existing,
      name: existing.name ?? profile.name,
      username: existing.username ?? profile.username,
      createdAt: Math.min(existing.createdAt, ctx.event.timestamp),
    });
    return writeCustomer(ctx, next, 'customer:updated');
  }
  const customer: Customer = freezeOwn(
    compact({
      id,
      channelId: ctx.channelId,
      organizationId: ctx.organizationId,
      platform: ctx.event.platform,
      psid,
      name: profile.name,
      username: profile.username,
      profileStatus: 'unknown' as const,
      createdAt: ctx.event.timestamp,
    }),
  );
  return writeCustomer(ctx, customer, stored ? 'customer:updated' : 'customer:created');
}

async function writeCustomer(
  ctx: Context,
  customer: Customer,
  type: 'customer:created' | 'customer:updated',
): Promise<Customer> {
  await ctx.rt.store.customers.put(customer);
  ctx.changes.add({ type, customer });
  return customer;
}

/**
 * Tells listeners what an operation changed, with the entities their payloads carry. Returns
 * undefined, not a promise, when nobody listens to any of the changes (no async step on the hot path).
 * Never rejects: the changes are committed, so a failure here must not fail the operation (see `lost`).
 */
export function emitChanges(
  rt: Runtime,
  changes: Changes,
  event?: MessengerEvent,
): Promise<void> | undefined {
  for (const change of changes.list) if (rt.listens(change.type)) return emitListened(rt, changes, event);
  return undefined;
}

async function emitListened(rt: Runtime, changes: Changes, event: MessengerEvent | undefined): Promise<void> {
  for (const change of changes.list) {
    // The payload lookups cost store reads: skip them when nobody listens.
    if (!rt.listens(change.type)) continue;
    // A try around the awaits, not a promise chain per change: telling costs what it did without it.
    try {
      switch (change.type) {
        case 'conversation:created':
        case 'conversation:updated': {
          const customer = await rt.store.customers.get(change.conversation.customerId);
          if (customer) rt.emit(change.type, { conversation: change.conversation, customer });
          break;
        }
        case 'message:created':
        case 'message:updated': {
          const conversation = await rt.store.conversations.get(change.message.conversationId);
          if (conversation) rt.emit(change.type, { message: change.message, conversation });
          break;
        }
        case 'customer:created':
        case 'customer:updated':
          rt.emit(change.type, { customer: change.customer });
          break;
        case 'channel:updated':
          rt.emit(change.type, { channel: change.channel });
          break;
      }
    } catch (error) {
      if (!tellCommitted(rt, change, changes)) lost(rt, change, error, event);
    }
  }
}

/**
 * After the store read of a payload failed: tells `change` with the entity this operation committed
 * (exact: operations are serialized), when it changed that entity too. False when it did not.
 */
function tellCommitted(rt: Runtime, change: InboxChange, changes: Changes): boolean {
  const committed = (kind: 'customer' | 'conversation', id: string) => {
    for (const other of changes.list) {
      const entity = (other as unknown as Record<string, { id?: string } | undefined>)[kind];
      if (entity?.id === id) return entity as never;
    }
    return undefined;
  };
  if (change.type === 'conversation:created' || change.type === 'conversation:updated') {
    const customer: Customer | undefined = committed('customer', change.conversation.customerId);
    if (customer) rt.emit(change.type, { conversation: change.conversation, customer });
    return customer !== undefined;
  }
  if (change.type === 'message:created' || change.type === 'message:updated') {
    const conversation: Conversation | undefined = committed('conversation', change.message.conversationId);
    if (conversation) rt.emit(change.type, { message: change.message, conversation });
    return conversation !== undefined;
  }
  return false;
}

/**
 * A committed change whose event could not be completed: reported as an `error` (with the change),
 * and told as `channel:stale` so whoever mirrors the inbox (the live stream) makes its views refetch
 * that channel. Rejecting instead would fail a delivery whose data is saved: Meta's retry is then a
 * duplicate that tells nobody, and the change would never reach a browser.
 */
function lost(rt: Runtime, change: InboxChange, cause: unknown, event: MessengerEvent | undefined): void {
  const entity = entityOf(change) as { id: string; channelId?: string; organizationId?: string };
  const error = new PagedeskError(
    'emit_failed',
    `${change.type} of ${entity.id} is stored, but its event could not be completed: ${
      cause instanceof Error ? cause.message : String(cause)
    }`,
    { cause, retryable: false },
  );
  rt.emit('error', event ? { error, event, change } : { error, change });
  const channelId = entity.channelId ?? entity.id;
  const { organizationId } = entity;
  rt.emit('channel:stale', organizationId ? { channelId, organizationId, change } : { channelId, change });
}

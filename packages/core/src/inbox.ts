import { EventEmitter } from 'eventemitter3';
import * as z from 'zod/mini';
import { NotFoundError, PagedeskError, toPagedeskError, ValidationError } from './errors.js';
import type {
  CommentEvent,
  DeliveryEvent,
  EchoEvent,
  EditEvent,
  MessageEvent,
  MessengerEvent,
  PolicyEnforcementEvent,
  PostbackEvent,
  ReactionEvent,
  ReadEvent,
  UnsendEvent,
} from './events.js';
import { hashId, parseOrThrow, randomId } from './ids.js';
import type { Inbox, InboxChange, InboxEvents, OutboundDraft, Threading } from './inbox.types.js';
import {
  attachmentSchema,
  authorSchema,
  type Channel,
  type ChannelSettings,
  type Conversation,
  type Customer,
  channelSchema,
  customerSchema,
  type DeliveryState,
  type Failure,
  failureSchema,
  type Message,
} from './model.js';
import type { Store } from './store.js';

/**
 * The settings of a channel the store does not know (an event for a page not connected yet): nothing
 * is lost, events are threaded `until-resolved` (or by `createInbox`'s `threading`) and the Human Agent
 * window is assumed available.
 */
export const defaultChannelSettings: ChannelSettings = Object.freeze({
  threading: Object.freeze({ mode: 'until-resolved' }),
  humanAgent: true,
  textMaxLength: null,
  attachmentMaxBytes: Object.freeze({}),
  agentIds: Object.freeze([]) as unknown as string[],
}) as ChannelSettings;

/** Meta's Page Inbox (Meta Business Suite): echoes from it are the page's own replies. */
export const PAGE_INBOX_APP_ID = '263902037430900';

/** Options of `createInbox`. */
export interface InboxOptions {
  store: Store;
  /** Threading for events of channels the store does not know; a known channel uses its settings. */
  threading?: Threading;
  /** The clock, for `updatedAt` and the send path; `Date.now` by default. */
  now?: () => number;
  /**
   * How many reactions, edits, unsends and receipts for messages not stored yet are kept in memory
   * until their message arrives (a webhook delivered out of order). Default 10,000; the oldest go first.
   */
  pendingLimit?: number;
}

const rank: Record<DeliveryState, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: -1 };

// Meta names reactions; an unreact or an Instagram reaction may come without the emoji (§2.8).
const reactionEmoji: Record<string, string> = {
  love: '❤️',
  like: '👍',
  smile: '😆',
  wow: '😮',
  sad: '😢',
  angry: '😠',
  dislike: '👎',
};

const str = z.string().check(z.minLength(1));
const eventBase = {
  id: str,
  platform: z.enum(['messenger', 'instagram']),
  pageId: str,
  customerId: z.nullable(z.string()),
  timestamp: z.number().check(z.refine(Number.isFinite, 'expected a finite number')),
};
const withCustomer = { ...eventBase, customerId: str };
const eventSchemas: Record<MessengerEvent['kind'], z.ZodMiniType> = {
  message: z.looseObject({
    ...withCustomer,
    mid: str,
    text: z.optional(z.string()),
    attachments: z.array(attachmentSchema),
  }),
  echo: z.looseObject({
    ...withCustomer,
    mid: str,
    text: z.optional(z.string()),
    attachments: z.array(attachmentSchema),
  }),
  edit: z.looseObject({ ...eventBase, mid: str, text: z.string(), editCount: z.number() }),
  unsend: z.looseObject({ ...eventBase, mid: str }),
  reaction: z.looseObject({ ...eventBase, mid: str, action: z.enum(['react', 'unreact']) }),
  postback: z.looseObject({ ...withCustomer, mid: z.optional(z.string()) }),
  read: z.looseObject({ ...withCustomer, watermark: z.optional(z.number()), mid: z.optional(z.string()) }),
  delivery: z.looseObject({ ...withCustomer, watermark: z.number(), mids: z.array(z.string()) }),
  referral: z.looseObject(eventBase),
  optin: z.looseObject(eventBase),
  handover: z.looseObject(eventBase),
  policy_enforcement: z.looseObject({ ...eventBase, action: z.enum(['warning', 'block', 'unblock']) }),
  comment: z.looseObject({
    ...eventBase,
    action: z.enum(['add', 'edit', 'remove']),
    commentId: str,
    postId: str,
    from: z.looseObject({ id: str }),
    fromPage: z.boolean(),
  }),
  unknown: z.looseObject(eventBase),
};

function validateEvent(event: unknown): MessengerEvent {
  const kind = (event as { kind?: unknown } | null)?.kind;
  const schema = typeof kind === 'string' ? eventSchemas[kind as MessengerEvent['kind']] : undefined;
  if (!schema) {
    throw new ValidationError('event', [
      { path: 'kind', message: `expected one of ${Object.keys(eventSchemas).join(', ')}` },
    ]);
  }
  parseOrThrow(schema, event, `${kind} event`);
  return event as MessengerEvent;
}

const draftSchema = z.object({
  id: z.optional(str),
  text: z.optional(z.string()),
  attachments: z.optional(z.array(attachmentSchema)),
  replyTo: z.optional(z.object({ mid: z.string(), messageId: z.optional(z.string()) })),
  quickReplies: z.optional(z.array(z.object({ title: z.string(), payload: z.string() }))),
  author: authorSchema,
  messagingType: z.optional(z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG'])),
  tag: z.optional(z.string()),
});
const sentSchema = z.object({ mid: str, at: z.number() });

/** Drops keys whose value is undefined, so optional fields stay absent (exactOptionalPropertyTypes). */
function compact<T extends object>(value: T): T {
  const out = {} as Record<string, unknown>;
  for (const key in value) {
    const v = value[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const out = { ...value };
  for (const key of keys) delete out[key];
  return out;
}

function previewOf(message: Message): string | undefined {
  if (message.unsent) return 'Message removed';
  if (message.text) return message.text.length > 140 ? `${message.text.slice(0, 139)}…` : message.text;
  if (message.postback?.title) return message.postback.title;
  const first = message.attachments[0];
  if (!first) return undefined;
  const label = first.kind.replace('_', ' ');
  return message.attachments.length > 1 ? `${message.attachments.length} attachments` : `[${label}]`;
}

// Message-level effects, pure, shared by live events and by replays of effects that arrived before
// their message. Each returns the same object when it changes nothing.
type Effect =
  | { type: 'edit'; text: string; editCount: number }
  | { type: 'unsend' }
  | {
      type: 'reaction';
      action: 'react' | 'unreact';
      emoji?: string | undefined;
      name?: string | undefined;
      at: number;
    }
  | { type: 'delivery'; state: 'delivered' | 'read'; at: number };

function applyEffect(message: Message, effect: Effect, now: number): Message {
  switch (effect.type) {
    case 'edit':
      if (message.unsent || effect.editCount <= (message.editCount ?? 0)) return message;
      return { ...message, text: effect.text, editCount: effect.editCount, updatedAt: now };
    case 'unsend':
      if (message.unsent) return message;
      // The content is gone, edits included: an edit delivered after the unsend cannot bring it back.
      return { ...without(message, 'text', 'editCount'), attachments: [], unsent: true, updatedAt: now };
    case 'reaction': {
      const mine = message.reactions.find((r) => r.by === 'customer');
      // An older reaction delivered late must not undo a newer one.
      if (mine && mine.at > effect.at) return message;
      if (effect.action === 'unreact' && !mine) return message;
      const others = message.reactions.filter((r) => r.by !== 'customer');
      if (effect.action === 'unreact') return { ...message, reactions: others, updatedAt: now };
      const emoji = effect.emoji ?? (effect.name ? reactionEmoji[effect.name] : undefined) ?? '';
      const reaction = compact({ emoji, name: effect.name, by: 'customer' as const, at: effect.at });
      return { ...message, reactions: [...others, reaction], updatedAt: now };
    }
    case 'delivery': {
      if (message.direction === 'inbound' || rank[message.delivery] < 0) return message;
      if (rank[message.delivery] >= rank[effect.state]) return message;
      const next: Message = { ...message, delivery: effect.state, updatedAt: now };
      next.deliveredAt = message.deliveredAt ?? effect.at;
      if (effect.state === 'read') next.readAt = effect.at;
      return next;
    }
  }
}

/** Collects the changes of one operation; an entity changed twice is reported once, in its final state. */
class Changes {
  readonly list: InboxChange[] = [];
  private readonly at = new Map<string, number>();

  add(change: InboxChange): void {
    const entity =
      'conversation' in change
        ? `conversation:${change.conversation.id}`
        : 'message' in change
          ? `message:${change.message.id}`
          : 'customer' in change
            ? `customer:${change.customer.id}`
            : `channel:${change.channel.id}`;
    const index = this.at.get(entity);
    if (index === undefined) {
      this.at.set(entity, this.list.push(change) - 1);
      return;
    }
    const first = this.list[index]!;
    // Keep "created" when an entity was created and then updated in the same operation.
    this.list[index] = { ...change, type: first.type } as InboxChange;
  }
}

interface Context {
  event: MessengerEvent;
  channelId: string;
  settings: ChannelSettings;
  changes: Changes;
}

/**
 * The inbox: turns webhook events into conversations, messages and customers in a `Store`, records
 * the send path's outbound messages, and emits what changed. Idempotent (an event id applied twice
 * changes nothing; messages are also deduplicated by Meta's mid), tolerant of order (events of one call
 * are applied by timestamp; receipts, reactions, edits and unsends that arrive before their message are
 * held in memory and applied when it arrives), and serial: every method waits for the previous one.
 *
 * @example
 * const inbox = createInbox({ store: memoryStore(), threading: { mode: 'intermission', minutes: 60 } });
 * inbox.on('message:created', ({ message, conversation }) => notify(conversation.assigneeId, message));
 * await inbox.apply(events);
 */
export function createInbox(options: InboxOptions): Inbox {
  if (
    typeof options !== 'object' ||
    options === null ||
    typeof options.store !== 'object' ||
    !options.store
  ) {
    throw new ValidationError('inbox options', [{ path: 'store', message: 'expected a Store' }]);
  }
  const { store } = options;
  const now = options.now ?? Date.now;
  const pendingLimit = options.pendingLimit ?? 10_000;
  const fallbackSettings: ChannelSettings = options.threading
    ? { ...defaultChannelSettings, threading: options.threading }
    : defaultChannelSettings;
  if (options.threading) {
    parseOrThrow(
      z.union([
        z.object({ mode: z.literal('until-resolved') }),
        z.object({
          mode: z.literal('intermission'),
          minutes: z.number().check(z.minimum(1), z.maximum(1440)),
        }),
      ]),
      options.threading,
      'inbox options',
      'threading',
    );
  }

  const emitter = new EventEmitter<InboxEvents>();
  let tail: Promise<unknown> = Promise.resolve();
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task, task);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  // Effects waiting for their message, by channel and mid; and the highest receipt watermarks per
  // customer, for echoes that arrive after the receipt covering them. Bounded, oldest dropped first.
  const waiting = new Map<string, Effect[]>();
  const watermarks = new Map<string, { delivered: number; read: number }>();
  function remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > pendingLimit) map.delete(map.keys().next().value as string);
  }
  const midKey = (channelId: string, mid: string) => `${channelId}\u0000${mid}`;
  function wait(channelId: string, mid: string, effect: Effect): void {
    const key = midKey(channelId, mid);
    remember(waiting, key, [...(waiting.get(key) ?? []), effect]);
  }

  function safeEmit<TEvent extends keyof InboxEvents>(
    event: TEvent,
    payload: Parameters<InboxEvents[TEvent]>[0],
  ): void {
    try {
      (emitter.emit as (e: string, p: unknown) => boolean)(event, payload);
    } catch (error) {
      // A throwing listener must not break the queue or hide the change from other listeners.
      if (event !== 'error') safeEmit('error', { error: toPagedeskError(error, 'listener_failed') });
    }
  }

  async function emitChanges(changes: Changes): Promise<void> {
    for (const change of changes.list) {
      // The payload lookups cost store reads: skip them when nobody listens.
      if (emitter.listenerCount(change.type) === 0) continue;
      switch (change.type) {
        case 'conversation:created':
        case 'conversation:updated': {
          const customer = await store.customers.get(change.conversation.customerId);
          if (customer) safeEmit(change.type, { conversation: change.conversation, customer });
          break;
        }
        case 'message:created':
        case 'message:updated': {
          const conversation = await store.conversations.get(change.message.conversationId);
          if (conversation) safeEmit(change.type, { message: change.message, conversation });
          break;
        }
        case 'customer:created':
        case 'customer:updated':
          safeEmit(change.type, { customer: change.customer });
          break;
        case 'channel:updated':
          safeEmit(change.type, { channel: change.channel });
          break;
      }
    }
  }

  async function putMessage(changes: Changes, message: Message, created: boolean): Promise<void> {
    await store.messages.put(message);
    changes.add({ type: created ? 'message:created' : 'message:updated', message });
  }
  async function putConversation(
    changes: Changes,
    conversation: Conversation,
    created: boolean,
  ): Promise<void> {
    await store.conversations.put(conversation);
    changes.add({ type: created ? 'conversation:created' : 'conversation:updated', conversation });
  }

  /** The conversation after a message was added to it (every field moves one way, so order does not matter). */
  function withMessage(conversation: Conversation, message: Message, countsForWindow: boolean): Conversation {
    const next: Conversation = { ...conversation, updatedAt: now() };
    if (message.createdAt >= conversation.lastMessageAt || conversation.preview === undefined) {
      next.lastMessageAt = Math.max(conversation.lastMessageAt, message.createdAt);
      const preview = previewOf(message);
      if (preview !== undefined) next.preview = preview;
    }
    // A message delivered late can be older than the event that opened its conversation.
    if (message.createdAt < conversation.createdAt) next.createdAt = message.createdAt;
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
    return next;
  }

  /** When the customer reacted to a message, where that counts for the window (Messenger, §3.3). */
  function reactedAt(conversation: Conversation, message: Message): number {
    if (conversation.platform !== 'messenger') return -Infinity;
    return message.reactions.find((r) => r.by === 'customer')?.at ?? -Infinity;
  }

  /** After a stored message changed: refresh the preview when it is the newest one. */
  async function touchPreview(changes: Changes, message: Message): Promise<void> {
    const conversation = await store.conversations.get(message.conversationId);
    if (!conversation || message.createdAt < conversation.lastMessageAt) return;
    const preview = previewOf(message);
    if (preview === conversation.preview) return;
    const next = preview === undefined ? without(conversation, 'preview') : { ...conversation, preview };
    await putConversation(changes, { ...next, updatedAt: now() }, false);
  }

  /**
   * Stores a message that just got its mid, applying what arrived before it: effects waiting for that
   * mid and, for an echo, the customer's receipt watermarks that already cover it.
   */
  async function settle(
    changes: Changes,
    message: Message,
    created: boolean,
    psid?: string,
  ): Promise<Message> {
    let next = message;
    const key = message.mid === undefined ? undefined : midKey(message.channelId, message.mid);
    if (key !== undefined)
      for (const effect of waiting.get(key) ?? []) next = applyEffect(next, effect, now());
    const marks = psid === undefined ? undefined : watermarks.get(midKey(message.channelId, psid));
    if (marks && message.direction !== 'inbound') {
      if (marks.read >= message.createdAt) {
        next = applyEffect(next, { type: 'delivery', state: 'read', at: marks.read }, now());
      } else if (marks.delivered >= message.createdAt) {
        next = applyEffect(next, { type: 'delivery', state: 'delivered', at: marks.delivered }, now());
      }
    }
    await putMessage(changes, next, created);
    // Dropped only once stored: if the write fails, the retry of this event finds them again.
    if (key !== undefined) waiting.delete(key);
    return next;
  }

  async function ensureCustomer(
    ctx: Context,
    psid: string,
    profile: { name?: string | undefined; username?: string | undefined } = {},
  ): Promise<Customer> {
    const id = `${ctx.channelId}:${psid}`;
    const existing = await store.customers.get(id);
    if (existing) {
      const earlier = ctx.event.timestamp < existing.createdAt;
      if (earlier || (profile.name && !existing.name) || (profile.username && !existing.username)) {
        // First seen is the earliest event, whatever order they were delivered in.
        const next = compact({
          ...existing,
          name: existing.name ?? profile.name,
          username: existing.username ?? profile.username,
          createdAt: Math.min(existing.createdAt, ctx.event.timestamp),
        });
        await store.customers.put(next);
        ctx.changes.add({ type: 'customer:updated', customer: next });
        return next;
      }
      return existing;
    }
    const customer: Customer = compact({
      id,
      channelId: ctx.channelId,
      platform: ctx.event.platform,
      psid,
      name: profile.name,
      username: profile.username,
      profileStatus: 'unknown' as const,
      createdAt: ctx.event.timestamp,
    });
    await store.customers.put(customer);
    ctx.changes.add({ type: 'customer:created', customer });
    return customer;
  }

  /** Whether an inbound action at `at` continues `conversation` under the threading settings. */
  function continues(conversation: Conversation, at: number, settings: ChannelSettings): boolean {
    // Resolved means the next customer action opens a new conversation, even one written just before
    // the resolution: filing it in the resolved conversation would hide it from every agent.
    if (conversation.status === 'resolved') return false;
    if (settings.threading.mode === 'intermission') {
      return at - conversation.lastMessageAt <= settings.threading.minutes * 60_000;
    }
    return true;
  }

  function newConversation(
    ctx: Context,
    customer: Customer,
    source: Conversation['source'],
    comment?: Conversation['comment'],
  ): Conversation {
    const at = ctx.event.timestamp;
    return compact({
      // Derived from the opening event: two processes applying the same event make one conversation.
      id: hashId('c', ctx.channelId, ctx.event.id),
      channelId: ctx.channelId,
      platform: ctx.event.platform,
      customerId: customer.id,
      source,
      status: 'open' as const,
      assigneeId: null,
      unreadCount: 0,
      lastInboundAt: null,
      lastOutboundAt: null,
      lastMessageAt: at,
      comment,
      createdAt: at,
      updatedAt: now(),
      resolvedAt: null,
    });
  }

  async function conversationForInbound(ctx: Context, customer: Customer): Promise<[Conversation, boolean]> {
    const latest = await store.conversations.findLatest({
      channelId: ctx.channelId,
      customerId: customer.id,
      source: 'message',
    });
    if (latest && continues(latest, ctx.event.timestamp, ctx.settings)) return [latest, false];
    return [newConversation(ctx, customer, 'message'), true];
  }

  async function replyTarget(channelId: string, mid: string | undefined): Promise<Message['replyTo']> {
    if (!mid) return undefined;
    const quoted = await store.messages.getByMid(channelId, mid);
    return compact({ mid, messageId: quoted?.id });
  }

  /** Adds an inbound customer message (or postback) to its conversation. */
  async function addInbound(
    ctx: Context,
    customer: Customer,
    message: Omit<Message, 'conversationId'>,
  ): Promise<void> {
    const [conversation, created] = await conversationForInbound(ctx, customer);
    const stored = await settle(
      ctx.changes,
      { ...message, conversationId: conversation.id } as Message,
      true,
    );
    await putConversation(ctx.changes, withMessage(conversation, stored, true), created);
  }

  async function onMessage(ctx: Context, e: MessageEvent): Promise<void> {
    if (await store.messages.getByMid(ctx.channelId, e.mid)) return;
    const customer = await ensureCustomer(ctx, e.customerId!);
    const attachments = [...e.attachments];
    if (e.replyTo?.story) {
      attachments.push(compact({ kind: 'share' as const, shareType: 'story', url: e.replyTo.story.url }));
    }
    if (e.isUnsupported && !e.text && attachments.length === 0) {
      attachments.push({ kind: 'fallback', title: 'Unsupported message' });
    }
    const referral =
      e.referral && compact({ source: e.referral.source, ref: e.referral.ref, adId: e.referral.adId });
    await addInbound(
      ctx,
      customer,
      compact({
        id: hashId('m', ctx.channelId, e.mid),
        channelId: ctx.channelId,
        direction: 'inbound' as const,
        mid: e.mid,
        text: e.text,
        attachments,
        replyTo: await replyTarget(ctx.channelId, e.replyTo?.mid),
        quickReplyPayload: e.quickReply?.payload,
        referral,
        reactions: [],
        delivery: 'delivered' as const,
        author: compact({ kind: 'customer' as const, name: customer.name }),
        createdAt: e.timestamp,
        updatedAt: now(),
      }),
    );
  }

  async function onPostback(ctx: Context, e: PostbackEvent): Promise<void> {
    if (e.mid && (await store.messages.getByMid(ctx.channelId, e.mid))) return;
    const customer = await ensureCustomer(ctx, e.customerId!);
    const referral =
      e.referral && compact({ source: e.referral.source, ref: e.referral.ref, adId: e.referral.adId });
    await addInbound(
      ctx,
      customer,
      compact({
        id: hashId('m', ctx.channelId, e.mid ?? e.id),
        channelId: ctx.channelId,
        direction: 'inbound' as const,
        mid: e.mid,
        attachments: [],
        postback: compact({ title: e.title, payload: e.payload }),
        referral,
        reactions: [],
        delivery: 'delivered' as const,
        author: compact({ kind: 'customer' as const, name: customer.name }),
        createdAt: e.timestamp,
        updatedAt: now(),
      }),
    );
  }

  async function onEcho(ctx: Context, e: EchoEvent): Promise<void> {
    if (e.metadata) {
      const own = await store.messages.get(e.metadata);
      if (own && own.channelId === ctx.channelId && own.direction === 'outbound') {
        await markSentWith(ctx.changes, own, e.mid, e.timestamp);
        return;
      }
    }
    if (await store.messages.getByMid(ctx.channelId, e.mid)) return;
    const customer = await ensureCustomer(ctx, e.customerId!);
    const latest = await store.conversations.findLatest({
      channelId: ctx.channelId,
      customerId: customer.id,
      source: 'message',
    });
    const conversation = latest ?? newConversation(ctx, customer, 'message');
    const stored = await settle(
      ctx.changes,
      compact({
        id: hashId('m', ctx.channelId, e.mid),
        conversationId: conversation.id,
        channelId: ctx.channelId,
        direction: 'echo' as const,
        mid: e.mid,
        text: e.text,
        attachments: [...e.attachments],
        replyTo: await replyTarget(ctx.channelId, e.replyTo?.mid),
        reactions: [],
        delivery: 'sent' as const,
        author: compact({
          kind: !e.appId || e.appId === PAGE_INBOX_APP_ID ? ('page' as const) : ('app' as const),
          appId: e.appId,
        }),
        createdAt: e.timestamp,
        sentAt: e.timestamp,
        updatedAt: now(),
      }),
      true,
      customer.psid,
    );
    await putConversation(ctx.changes, withMessage(conversation, stored, false), !latest);
  }

  /** Our outbound message went out (send response or echo): at least `sent`, never backwards. */
  async function markSentWith(changes: Changes, message: Message, mid: string, at: number): Promise<Message> {
    const moves = message.delivery === 'pending' || message.delivery === 'failed';
    if (!moves && message.mid !== undefined) return message;
    let next: Message = { ...message, mid: message.mid ?? mid, updatedAt: now() };
    if (moves) next = { ...without(next, 'failure'), delivery: 'sent', sentAt: at };
    const conversation = await store.conversations.get(message.conversationId);
    const customer = conversation ? await store.customers.get(conversation.customerId) : undefined;
    const stored = await settle(changes, next, false, customer?.psid);
    if (conversation) {
      const updated = withMessage(conversation, stored, false);
      if (
        updated.lastOutboundAt !== conversation.lastOutboundAt ||
        updated.lastInboundAt !== conversation.lastInboundAt
      ) {
        await putConversation(
          changes,
          {
            ...conversation,
            lastOutboundAt: updated.lastOutboundAt,
            lastInboundAt: updated.lastInboundAt,
            updatedAt: now(),
          },
          false,
        );
      }
    }
    return stored;
  }

  async function onMessageEffect(ctx: Context, mid: string, effect: Effect): Promise<Message | undefined> {
    const message = await store.messages.getByMid(ctx.channelId, mid);
    if (!message) {
      wait(ctx.channelId, mid, effect);
      return undefined;
    }
    const next = applyEffect(message, effect, now());
    if (next !== message) {
      await putMessage(ctx.changes, next, false);
      if (effect.type !== 'reaction' && effect.type !== 'delivery') await touchPreview(ctx.changes, next);
    }
    return message;
  }

  async function onReaction(ctx: Context, e: ReactionEvent): Promise<void> {
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
    // Reacting refreshes the Messenger window (platform.md §3.3); Instagram does not document it, so
    // there it does not count.
    if (e.action !== 'react' || e.platform !== 'messenger' || !e.customerId) return;
    const conversation = message
      ? await store.conversations.get(message.conversationId)
      : await store.conversations.findLatest({
          channelId: ctx.channelId,
          customerId: `${ctx.channelId}:${e.customerId}`,
          source: 'message',
        });
    if (!conversation || (conversation.lastInboundAt ?? -Infinity) >= e.timestamp) return;
    await putConversation(
      ctx.changes,
      { ...conversation, lastInboundAt: e.timestamp, updatedAt: now() },
      false,
    );
  }

  async function onReceipt(ctx: Context, e: ReadEvent | DeliveryEvent): Promise<void> {
    const state = e.kind === 'read' ? 'read' : 'delivered';
    const mids = e.kind === 'read' ? (e.mid ? [e.mid] : []) : e.mids;
    for (const mid of mids) await onMessageEffect(ctx, mid, { type: 'delivery', state, at: e.timestamp });
    if (e.watermark === undefined) return;
    // Remembered per customer for echoes delivered after the receipt that covers them.
    const key = midKey(ctx.channelId, e.customerId!);
    const marks = watermarks.get(key) ?? { delivered: -Infinity, read: -Infinity };
    remember(watermarks, key, {
      delivered: Math.max(marks.delivered, e.watermark),
      read: state === 'read' ? Math.max(marks.read, e.watermark) : marks.read,
    });
    const conversation = await store.conversations.findLatest({
      channelId: ctx.channelId,
      customerId: `${ctx.channelId}:${e.customerId}`,
      source: 'message',
    });
    if (!conversation) return;
    for (const message of await store.messages.listBehind(conversation.id, e.watermark, state)) {
      const next = applyEffect(message, { type: 'delivery', state, at: e.watermark }, now());
      if (next !== message) await putMessage(ctx.changes, next, false);
    }
  }

  async function onComment(ctx: Context, e: CommentEvent): Promise<void> {
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
    if (await store.messages.getByMid(ctx.channelId, e.commentId)) return;
    const isReply = e.parentId !== undefined && e.parentId !== e.postId;
    const parent = isReply ? await store.messages.getByMid(ctx.channelId, e.parentId!) : undefined;
    const thread = parent ? await store.conversations.get(parent.conversationId) : undefined;
    const base = {
      id: hashId('m', ctx.channelId, e.commentId),
      channelId: ctx.channelId,
      mid: e.commentId,
      text: e.text,
      attachments: [],
      reactions: [],
      createdAt: e.timestamp,
      updatedAt: now(),
    };
    if (e.fromPage) {
      // The page's own comment: part of a thread we hold, or nothing to file.
      if (thread?.source !== 'comment') {
        safeEmit('event:noticed', { event: e });
        return;
      }
      const stored = await settle(
        ctx.changes,
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
      await putConversation(ctx.changes, withMessage(thread, stored, false), false);
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
      conversation = newConversation(
        ctx,
        customer,
        'comment',
        compact({
          commentId: e.commentId,
          postId: e.postId,
          permalink: e.permalink,
          privateReplySentAt: null,
        }),
      );
      created = true;
    }
    const stored = await settle(
      ctx.changes,
      compact({
        ...base,
        conversationId: conversation.id,
        direction: 'inbound' as const,
        delivery: 'delivered' as const,
        author: compact({ kind: 'customer' as const, name: e.from.name ?? e.from.username }),
      }),
      true,
    );
    await putConversation(ctx.changes, withMessage(conversation, stored, true), created);
  }

  async function onPolicy(ctx: Context, e: PolicyEnforcementEvent): Promise<void> {
    const channel = await store.channels.get(e.pageId);
    if (!channel) throw new NotFoundError('Channel', e.pageId);
    let next: Channel;
    if (e.action === 'block') {
      next = {
        ...channel,
        status: 'blocked',
        statusReason: e.reason ?? 'Blocked by Meta for a policy violation',
      };
    } else if (e.action === 'unblock') {
      if (channel.status !== 'blocked') return;
      next = { ...without(channel, 'statusReason'), status: 'active' };
    } else {
      next = { ...channel, statusReason: e.reason ?? 'Meta sent a policy warning' };
    }
    next.updatedAt = now();
    await store.channels.put(next);
    ctx.changes.add({ type: 'channel:updated', channel: next });
  }

  async function applyOne(ctx: Context): Promise<void> {
    const e = ctx.event;
    switch (e.kind) {
      case 'message':
        return onMessage(ctx, e);
      case 'postback':
        return onPostback(ctx, e);
      case 'echo':
        return onEcho(ctx, e);
      case 'edit':
        await onMessageEffect(ctx, e.mid, { type: 'edit', text: e.text, editCount: e.editCount });
        return;
      case 'unsend':
        await onMessageEffect(ctx, (e as UnsendEvent).mid, { type: 'unsend' });
        return;
      case 'reaction':
        return onReaction(ctx, e);
      case 'read':
      case 'delivery':
        return onReceipt(ctx, e);
      case 'comment':
        return onComment(ctx, e);
      case 'policy_enforcement':
        return onPolicy(ctx, e);
      case 'referral':
      case 'optin':
      case 'handover':
      case 'unknown':
        safeEmit('event:noticed', { event: e });
        return;
      default: {
        const never: never = e;
        throw new ValidationError('event', [
          { path: 'kind', message: `unknown kind ${String((never as EditEvent).kind)}` },
        ]);
      }
    }
  }

  async function applyAll(events: ReadonlyArray<MessengerEvent>): Promise<InboxChange[]> {
    const all: InboxChange[] = [];
    const failures: PagedeskError[] = [];
    const fail = (error: unknown, event?: MessengerEvent) => {
      const typed = toPagedeskError(error, 'apply_failed');
      failures.push(typed);
      safeEmit('error', event ? { error: typed, event } : { error: typed });
    };
    const valid: MessengerEvent[] = [];
    for (const raw of events) {
      try {
        valid.push(validateEvent(raw));
      } catch (error) {
        fail(error, typeof raw === 'object' && raw !== null ? (raw as MessengerEvent) : undefined);
      }
    }
    // Meta does not guarantee order (platform.md §1.5): apply by timestamp; the sort is stable.
    valid.sort((a, b) => a.timestamp - b.timestamp);
    const channels = new Map<string, Channel | undefined>();
    for (const event of valid) {
      try {
        if (await store.events.has(event.id)) continue;
        if (!channels.has(event.pageId)) channels.set(event.pageId, await store.channels.get(event.pageId));
        const channel = channels.get(event.pageId);
        const ctx: Context = {
          event,
          channelId: event.pageId,
          settings: channel?.settings ?? fallbackSettings,
          changes: new Changes(),
        };
        await applyOne(ctx);
        // Marked only once applied: a failure leaves it for a redelivery to try again.
        await store.events.add(event.id);
        if (event.kind === 'policy_enforcement') channels.delete(event.pageId);
        await emitChanges(ctx.changes);
        all.push(...ctx.changes.list);
      } catch (error) {
        fail(error, event);
      }
    }
    if (failures.length > 0 && emitter.listenerCount('error') === 0) {
      // Nobody listens for errors: reject rather than lose them (the others were applied).
      throw failures.length === 1
        ? failures[0]!
        : new PagedeskError(
            'apply_failed',
            `${failures.length} events failed; first: ${failures[0]!.message}`,
            {
              cause: failures,
            },
          );
    }
    return all;
  }

  async function requireConversation(id: string): Promise<Conversation> {
    if (typeof id !== 'string' || id === '') {
      throw new ValidationError('conversation id', [
        { path: 'conversationId', message: 'expected a non-empty string' },
      ]);
    }
    const conversation = await store.conversations.get(id);
    if (!conversation) throw new NotFoundError('Conversation', id);
    return conversation;
  }
  async function requireOutbound(id: string): Promise<Message> {
    if (typeof id !== 'string' || id === '') {
      throw new ValidationError('message id', [
        { path: 'messageId', message: 'expected a non-empty string' },
      ]);
    }
    const message = await store.messages.get(id);
    if (!message) throw new NotFoundError('Message', id);
    if (message.direction !== 'outbound') {
      throw new ValidationError('message', [
        { path: 'direction', message: `is ${message.direction}; expected outbound` },
      ]);
    }
    return message;
  }

  /** Runs one conversation change in the queue and emits it when something changed. */
  function updateConversation(
    id: string,
    change: (conversation: Conversation) => Conversation | undefined,
  ): Promise<Conversation> {
    return serial(async () => {
      const conversation = await requireConversation(id);
      const next = change(conversation);
      if (!next) return conversation;
      const changes = new Changes();
      await putConversation(changes, { ...next, updatedAt: now() }, false);
      await emitChanges(changes);
      return (await store.conversations.get(id)) ?? next;
    });
  }

  return {
    store,
    apply(events) {
      if (!Array.isArray(events)) {
        return Promise.reject(
          new ValidationError('events', [{ path: 'events', message: 'expected an array' }]),
        );
      }
      return serial(() => applyAll(events));
    },
    recordOutbound(conversationId, draft: OutboundDraft) {
      return serial(async () => {
        const input = parseOrThrow(draftSchema, draft, 'outbound draft', 'draft');
        const conversation = await requireConversation(conversationId);
        if (input.id) {
          const existing = await store.messages.get(input.id);
          if (existing) {
            if (existing.conversationId !== conversationId || existing.direction !== 'outbound') {
              throw new ValidationError('outbound draft', [
                { path: 'draft.id', message: 'is already used by another message' },
              ]);
            }
            return existing;
          }
        }
        const at = now();
        const message: Message = compact({
          id: input.id ?? randomId('m'),
          conversationId,
          channelId: conversation.channelId,
          direction: 'outbound' as const,
          text: input.text,
          attachments: input.attachments ?? [],
          replyTo: input.replyTo && compact(input.replyTo),
          quickReplies: input.quickReplies,
          reactions: [],
          delivery: 'pending' as const,
          author: compact(input.author),
          messagingType: input.messagingType,
          tag: input.tag,
          createdAt: at,
          updatedAt: at,
        }) as Message;
        const changes = new Changes();
        await putMessage(changes, message, true);
        await putConversation(changes, withMessage(conversation, message, false), false);
        await emitChanges(changes);
        return message;
      });
    },
    markSent(messageId, sent) {
      return serial(async () => {
        const { mid, at } = parseOrThrow(sentSchema, sent, 'sent', 'sent');
        const message = await requireOutbound(messageId);
        const changes = new Changes();
        const next = await markSentWith(changes, message, mid, at);
        await emitChanges(changes);
        return next;
      });
    },
    markFailed(messageId, failure: Failure) {
      return serial(async () => {
        const reason = compact(parseOrThrow(failureSchema, failure, 'failure', 'failure'));
        const message = await requireOutbound(messageId);
        // Only a message still in flight fails: an echo or receipt already proved it went out.
        if (message.delivery !== 'pending' && message.delivery !== 'failed') return message;
        const next: Message = { ...message, delivery: 'failed', failure: reason, updatedAt: now() };
        const changes = new Changes();
        await putMessage(changes, next, false);
        await emitChanges(changes);
        return next;
      });
    },
    markPending(messageId) {
      return serial(async () => {
        const message = await requireOutbound(messageId);
        if (message.delivery === 'pending') return message;
        if (message.delivery !== 'failed') {
          throw new ValidationError('message', [
            { path: 'delivery', message: `is ${message.delivery}; only a failed message can be retried` },
          ]);
        }
        const next: Message = { ...without(message, 'failure'), delivery: 'pending', updatedAt: now() };
        const changes = new Changes();
        await putMessage(changes, next, false);
        await emitChanges(changes);
        return next;
      });
    },
    resolve(conversationId) {
      return updateConversation(conversationId, (c) =>
        c.status === 'resolved' ? undefined : { ...c, status: 'resolved', resolvedAt: now() },
      );
    },
    reopen(conversationId) {
      return updateConversation(conversationId, (c) =>
        c.status === 'open' ? undefined : { ...c, status: 'open', resolvedAt: null },
      );
    },
    assign(conversationId, agentId) {
      if (agentId !== null && (typeof agentId !== 'string' || agentId === '')) {
        return Promise.reject(
          new ValidationError('assignment', [
            { path: 'agentId', message: 'expected a non-empty string or null' },
          ]),
        );
      }
      return updateConversation(conversationId, (c) =>
        c.assigneeId === agentId ? undefined : { ...c, assigneeId: agentId },
      );
    },
    markRead(conversationId) {
      return updateConversation(conversationId, (c) =>
        c.unreadCount === 0 ? undefined : { ...c, unreadCount: 0 },
      );
    },
    markPrivateReplySent(conversationId, at) {
      if (typeof at !== 'number' || !Number.isFinite(at)) {
        return Promise.reject(
          new ValidationError('private reply', [{ path: 'at', message: 'expected epoch milliseconds' }]),
        );
      }
      return updateConversation(conversationId, (c) => {
        if (!c.comment) {
          throw new ValidationError('conversation', [
            { path: 'source', message: 'is not a comment conversation' },
          ]);
        }
        if (c.comment.privateReplySentAt !== null) return undefined;
        return { ...c, comment: { ...c.comment, privateReplySentAt: at } };
      });
    },
    updateCustomer(customer) {
      return serial(async () => {
        const next = compact(parseOrThrow(customerSchema, customer, 'customer', 'customer')) as Customer;
        const existing = await store.customers.get(next.id);
        const changes = new Changes();
        await store.customers.put(next);
        changes.add({ type: existing ? 'customer:updated' : 'customer:created', customer: next });
        await emitChanges(changes);
        return next;
      });
    },
    updateChannel(channel) {
      return serial(async () => {
        const next = compact(parseOrThrow(channelSchema, channel, 'channel', 'channel')) as Channel;
        await store.channels.put(next);
        const changes = new Changes();
        changes.add({ type: 'channel:updated', channel: next });
        await emitChanges(changes);
        return next;
      });
    },
    on(event, listener) {
      emitter.on(event, listener as never);
      return () => {
        emitter.off(event, listener as never);
      };
    },
  };
}

import { NotFoundError, PagedeskError, toPagedeskError, ValidationError } from './errors.js';
import { randomId } from './ids.js';
import { applyAll } from './inbox/apply.js';
import { recordArchive } from './inbox/archive.js';
import { Changes } from './inbox/changes.js';
import { markSentWith } from './inbox/echoes.js';
import { Emitter } from './inbox/emitter.js';
import { compact, EMPTY, without } from './inbox/objects.js';
import { Pending } from './inbox/pending.js';
import {
  atomically,
  emitChanges,
  type Op,
  putConversation,
  putMessage,
  type Runtime,
} from './inbox/runtime.js';
import { changedAt, withMessage } from './inbox/threading.js';
import { draftSchema, sentSchema, threadingSchema } from './inbox/validation.js';
import type { Inbox, InboxEvents, OutboundDraft, RecordOutboundOptions, Threading } from './inbox.types.js';
import { createMediaArchiver, type MediaArchiverOptions } from './mediaArchiver.js';
import { channelMediaPrefix, type MediaStore } from './mediaStore.js';
import {
  type Channel,
  type ChannelSettings,
  type Conversation,
  type Customer,
  type CustomerDetailsPatch,
  channelSchema,
  customerDetailsPatchSchema,
  customerSchema,
  type Failure,
  failureSchema,
  type Message,
} from './model.js';
import { moderationAfter } from './moderation.js';
import { parseOrThrow } from './parseOrThrow.js';
import type { Store } from './store.js';

/** Meta's Page Inbox (Meta Business Suite): echoes from it are the page's own replies. */
export { PAGE_INBOX_APP_ID } from './modelRules.js';

/**
 * The settings of a channel the store does not know (an event for a page not connected yet): nothing
 * is lost, events are threaded `until-resolved` (or by `createInbox`'s `threading`) and the Human Agent
 * window is assumed available.
 */
export const defaultChannelSettings: ChannelSettings = /* @__PURE__ */ Object.freeze({
  threading: /* @__PURE__ */ Object.freeze({ mode: 'until-resolved' }),
  humanAgent: true,
  textMaxLength: null,
  attachmentMaxBytes: /* @__PURE__ */ Object.freeze({}),
  agentIds: EMPTY as string[],
}) as ChannelSettings;

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
  /**
   * Copies each inbound attachment to this `MediaStore` as it arrives, because Meta's URLs expire: a
   * store, or `createMediaArchiver`'s options with `media` (concurrency, retries, `allowUrl`...).
   * `purgeChannel` deletes the channel's copies through the store's `deletePrefix`, so give the media
   * store here rather than to a separate `createMediaArchiver` when channels may be purged.
   */
  media?: MediaStore | Omit<MediaArchiverOptions, 'inbox'>;
}

/** A message another caller is sending or checking right now (`markPending`). */
function sendInProgress(messageId: string): PagedeskError {
  return new PagedeskError('send_in_progress', `Message ${JSON.stringify(messageId)} is being sent already`);
}

/**
 * The inbox: turns webhook events into conversations, messages and customers in a `Store`, records
 * the send path's outbound messages, and emits what changed. Idempotent (an event id applied twice
 * changes nothing; messages are also deduplicated by Meta's mid), tolerant of order (events of one call
 * are applied by timestamp; receipts, reactions, edits and unsends that arrive before their message are
 * held, in memory or in a store's `waiting`, and applied when it arrives), and serial: every method waits for the previous one.
 * Treat the entities it returns and emits as read-only (messages without attachments or reactions
 * share one frozen empty list): spread one to change it.
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
  if (store.waiting && !store.atomic) {
    // A take outside a unit could not be undone when the message's write then fails.
    throw new ValidationError('inbox options', [
      { path: 'store.waiting', message: 'needs store.atomic: what waits is taken inside a unit' },
    ]);
  }
  const now = options.now ?? Date.now;
  const archiverOptions: Omit<MediaArchiverOptions, 'inbox'> | undefined = options.media
    ? typeof (options.media as MediaStore).put === 'function'
      ? { media: options.media as MediaStore }
      : (options.media as Omit<MediaArchiverOptions, 'inbox'>)
    : undefined;
  const mediaStore = archiverOptions?.media;
  if (options.threading) parseOrThrow(threadingSchema, options.threading, 'inbox options', 'threading');
  const fallbackSettings: ChannelSettings = options.threading
    ? { ...defaultChannelSettings, threading: options.threading }
    : defaultChannelSettings;

  const emitter = new Emitter();
  const rt: Runtime = {
    store,
    now,
    pending: new Pending(options.pendingLimit ?? 10_000),
    shared: store.waiting,
    emit(event, payload) {
      for (const error of emitter.emit(event, payload)) {
        // A throwing listener must not break the queue or hide the change from other listeners.
        if (event !== 'error') rt.emit('error', { error: toPagedeskError(error, 'listener_failed') });
      }
    },
    listens: (event) => emitter.has(event),
  };

  let tail: Promise<unknown> = Promise.resolve();
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task, task);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
  /**
   * Runs `task` in the queue, as one store unit scoped to the channel it changes, with a fresh change
   * list; then tells listeners what it changed (after the unit committed, so nobody hears of a write
   * that was rolled back). `channel` is read before the unit starts: it names the unit's lock, and the
   * channel of a conversation, message or customer never changes.
   */
  function operation<T>(
    channel: () => Promise<string | undefined> | string | undefined,
    task: (op: Op) => Promise<T>,
  ): Promise<T> {
    return serial(async () => {
      const op: Op = { rt, changes: new Changes() };
      const scope = store.atomic ? await channel() : undefined;
      const result = await atomically(store, () => task(op), scope);
      await emitChanges(rt, op.changes);
      return result;
    });
  }
  // An id that names nothing leaves the unit unscoped (it then excludes every other unit); the task
  // fails on it with the same error as without a store that has units.
  const channelOfConversation = (id: string) => async () =>
    typeof id === 'string' && id !== '' ? (await store.conversations.get(id))?.channelId : undefined;
  const channelOfMessage = (id: string) => async () =>
    typeof id === 'string' && id !== '' ? (await store.messages.get(id))?.channelId : undefined;
  const stringField = (value: unknown, key: string): string | undefined => {
    const field =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    return typeof field === 'string' ? field : undefined;
  };

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
    return operation(channelOfConversation(id), async (op) => {
      const conversation = await requireConversation(id);
      const next = change(conversation);
      if (!next) return conversation;
      await putConversation(op, { ...next, updatedAt: changedAt(conversation, now()) }, false);
      return (await store.conversations.get(id)) ?? next;
    });
  }

  /** Changes an outbound message in the queue. */
  function updateOutbound(
    id: string,
    change: (message: Message, op: Op) => Message | Promise<Message>,
  ): Promise<Message> {
    return operation(channelOfMessage(id), async (op) => change(await requireOutbound(id), op));
  }

  const inbox: Inbox = {
    store,
    now,
    apply(events) {
      if (!Array.isArray(events)) {
        return Promise.reject(
          new ValidationError('events', [{ path: 'events', message: 'expected an array' }]),
        );
      }
      return serial(() => applyAll(rt, events, fallbackSettings));
    },
    recordOutbound(conversationId, draft: OutboundDraft, options: RecordOutboundOptions = {}) {
      return operation(channelOfConversation(conversationId), async (op) => {
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
            if (options.exclusive === true)
              throw new PagedeskError(
                'already_recorded',
                `Message ${JSON.stringify(input.id)} is recorded already`,
              );
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
          attachments: input.attachments ?? EMPTY,
          replyTo: input.replyTo && compact(input.replyTo),
          quickReplies: input.quickReplies,
          reactions: EMPTY,
          delivery: 'pending' as const,
          author: compact(input.author),
          messagingType: input.messagingType,
          tag: input.tag,
          survey: input.survey,
          createdAt: at,
          updatedAt: at,
        }) as Message;
        await putMessage(op, message, true);
        await putConversation(op, withMessage(conversation, message, false, now()), false);
        return message;
      });
    },
    markSent(messageId, sent) {
      return operation(channelOfMessage(messageId), async (op) => {
        const { mid, at } = parseOrThrow(sentSchema, sent, 'sent', 'sent');
        return markSentWith(op, await requireOutbound(messageId), mid, at);
      });
    },
    markFailed(messageId, failure: Failure) {
      return operation(channelOfMessage(messageId), async (op) => {
        const reason = compact(parseOrThrow(failureSchema, failure, 'failure', 'failure'));
        const message = await requireOutbound(messageId);
        // Only a message still in flight fails: an echo or receipt already proved it went out.
        if (message.delivery !== 'pending' && message.delivery !== 'failed') return message;
        const next: Message = { ...message, delivery: 'failed', failure: reason, updatedAt: now() };
        await putMessage(op, next, false);
        return next;
      });
    },
    markPending(messageId, note?: Failure) {
      return updateOutbound(messageId, async (message, op) => {
        const reason = note && compact(parseOrThrow(failureSchema, note, 'note', 'note'));
        // Pending without a note is being sent, and pending with one is being checked: a second claim
        // (a retry on another server at the same moment) would send it twice. The checker's own
        // claim after its check (no note, on its `checking` note) goes through.
        if (message.delivery === 'pending' && (reason || !message.failure)) throw sendInProgress(messageId);
        if (message.delivery !== 'failed' && message.delivery !== 'pending') {
          throw new ValidationError('message', [
            { path: 'delivery', message: `is ${message.delivery}; only a failed message can be retried` },
          ]);
        }
        const next: Message = {
          ...without(message, 'failure'),
          ...(reason ? { failure: reason } : {}),
          delivery: 'pending',
          updatedAt: now(),
        };
        await putMessage(op, next, false);
        return next;
      });
    },
    resolve(conversationId, options = {}) {
      const by = options.by;
      if (by !== undefined && (typeof by !== 'string' || by === '')) {
        return Promise.reject(
          new ValidationError('resolution', [{ path: 'by', message: 'expected a non-empty string' }]),
        );
      }
      return updateConversation(conversationId, (c) =>
        c.status === 'resolved'
          ? undefined
          : compact({
              ...without(c, 'resolvedBy'),
              status: 'resolved' as const,
              resolvedAt: now(),
              resolvedBy: by,
            }),
      );
    },
    reopen(conversationId) {
      return updateConversation(conversationId, (c) =>
        c.status === 'open' ? undefined : { ...without(c, 'resolvedBy'), status: 'open', resolvedAt: null },
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
    recordThreadOwner(conversationId, owner) {
      return updateConversation(conversationId, (c) => ({ ...c, threadOwner: owner }));
    },
    markPrivateReplySent(conversationId, at, commentId) {
      if (typeof at !== 'number' || !Number.isFinite(at)) {
        return Promise.reject(
          new ValidationError('private reply', [{ path: 'at', message: 'expected epoch milliseconds' }]),
        );
      }
      if (commentId !== undefined && (typeof commentId !== 'string' || commentId === '')) {
        return Promise.reject(
          new ValidationError('private reply', [{ path: 'commentId', message: 'expected a comment id' }]),
        );
      }
      return updateConversation(conversationId, (c) => {
        if (!c.comment) {
          throw new ValidationError('conversation', [
            { path: 'source', message: 'is not a comment conversation' },
          ]);
        }
        const newest = c.comment.latestId ?? c.comment.commentId;
        if (c.comment.privateReplySentAt !== null || (commentId !== undefined && commentId !== newest))
          return undefined;
        return { ...c, comment: { ...c.comment, privateReplySentAt: at } };
      });
    },
    recordAttachmentArchive(messageId, index, archive) {
      return operation(channelOfMessage(messageId), (op) => recordArchive(op, messageId, index, archive));
    },
    recordModeration(messageId, action, by) {
      return operation(channelOfMessage(messageId), async (op) => {
        const message = await store.messages.get(messageId);
        if (!message) throw new NotFoundError('Message', messageId);
        const at = now();
        const moderation = moderationAfter(message.moderation, action, at, by);
        const next: Message = { ...message, moderation, updatedAt: at };
        await putMessage(op, next, false);
        return next;
      });
    },
    recordBlocked(customerId, blocked) {
      return operation(
        async () => (await store.customers.get(customerId))?.channelId,
        async (op) => {
          const existing = await store.customers.get(customerId);
          if (!existing) throw new NotFoundError('Customer', customerId);
          const { blocked: _was, ...rest } = existing;
          const next = compact(
            parseOrThrow(customerSchema, blocked ? { ...rest, blocked } : rest, 'customer', 'customer'),
          ) as Customer;
          await store.customers.put(next);
          op.changes.add({ type: 'customer:updated', customer: next });
          return next;
        },
      );
    },
    updateCustomerDetails(customerId, patch, by) {
      let changes: CustomerDetailsPatch;
      try {
        changes = parseOrThrow(customerDetailsPatchSchema, patch, 'customer details');
      } catch (error) {
        return Promise.reject(error);
      }
      return operation(
        async () => (await store.customers.get(customerId))?.channelId,
        async (op) => {
          const existing = await store.customers.get(customerId);
          if (!existing) throw new NotFoundError('Customer', customerId);
          const details: Record<string, unknown> = { ...existing.details };
          for (const [key, value] of Object.entries(changes)) {
            if (value === null) delete details[key];
            else if (value !== undefined) details[key] = value;
          }
          details['updatedAt'] = now();
          if (by === undefined) delete details['updatedBy'];
          else details['updatedBy'] = by;
          const next = compact(
            parseOrThrow(customerSchema, { ...existing, details }, 'customer', 'customer'),
          ) as Customer;
          await store.customers.put(next);
          op.changes.add({ type: 'customer:updated', customer: next });
          return next;
        },
      );
    },
    updateCustomer(customer) {
      return operation(
        () => stringField(customer, 'channelId'),
        async (op) => {
          const given = compact(parseOrThrow(customerSchema, customer, 'customer', 'customer')) as Customer;
          const existing = await store.customers.get(given.id);
          // Details belong to updateCustomerDetails: a profile save built from an older read keeps them.
          const { details: _given, blocked: _blocked, ...profile } = given;
          const next = {
            ...profile,
            ...(existing?.details ? { details: existing.details } : {}),
            ...(existing?.blocked ? { blocked: existing.blocked } : {}),
          };
          await store.customers.put(next);
          op.changes.add({ type: existing ? 'customer:updated' : 'customer:created', customer: next });
          return next;
        },
      );
    },
    updateChannel(channel) {
      return operation(
        () => stringField(channel, 'id'),
        async (op) => {
          const next = compact(parseOrThrow(channelSchema, channel, 'channel', 'channel')) as Channel;
          await store.channels.put(next);
          op.changes.add({ type: 'channel:updated', channel: next });
          return next;
        },
      );
    },
    purgeChannel(channelId) {
      if (typeof channelId !== 'string' || channelId === '') {
        return Promise.reject(
          new ValidationError('purge', [{ path: 'channelId', message: 'expected a non-empty string' }]),
        );
      }
      return operation(
        () => channelId,
        async () => {
          const report = await store.channels.purge(channelId);
          // What waits in this process's memory for the channel's messages goes too.
          const forgotten = rt.shared ? 0 : rt.pending.forget(channelId);
          // Then the copies of its media: a failure rejects the purge, which the host repeats (the rows
          // are gone already, so a second purge deletes only what is left).
          const deleted = await mediaStore?.deletePrefix?.(channelMediaPrefix(channelId));
          return {
            ...report,
            waiting: report.waiting + forgotten,
            ...(deleted === undefined ? {} : { media: deleted }),
          };
        },
      );
    },
    on<TEvent extends keyof InboxEvents>(event: TEvent, listener: InboxEvents[TEvent]) {
      return emitter.on(event, listener as (payload: never) => void);
    },
  };
  if (archiverOptions) createMediaArchiver({ ...archiverOptions, inbox });
  return inbox;
}

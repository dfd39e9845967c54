import {
  compareConversations,
  matchesConversationFields,
  matchesConversationSearch,
  normaliseSearch,
} from './conversationQuery.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { DELIVERY_RANK } from './deliveryRank.js';
import { ValidationError } from './errors.js';
import { frozenCopy } from './frozenCopy.js';
import type { Channel, Conversation, Customer, Message } from './model.js';
import { memoryPersonas } from './personaRecord.js';
import { pruneCutoff } from './prune.js';
import { bodiesMatch } from './search.js';
import type { ChannelCredentials, ChannelPurgeReport, ConversationQuery, Paged, Store } from './store.js';
import { memoryTemplates } from './templateStore.js';

// The embedded store: Maps plus the few indexes the inbox's hot path needs (message by mid, latest
// conversation per customer, messages per conversation in order, outbound messages still moving,
// pending messages). What the inbox reads together lives in one entry (a conversation with its
// messages; a customer with its latest conversations), so an event costs fewer lookups in large Maps,
// whose cache misses are most of the memory store's time. Every object is kept deep-frozen, so reads hand out the stored object itself
// without a copy: a caller cannot change stored state by accident (it throws in strict mode) and reads,
// the common case, cost nothing. A write copies what it is given, unless it is already deep-frozen
// (what the inbox writes): nobody can change that one, so it is kept as it is. Writers spread a read
// object to change it.

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

function requireId(what: string, value: { id?: unknown } | undefined, field = 'id'): void {
  if (typeof value !== 'object' || value === null || typeof value.id !== 'string' || value.id === '') {
    throw new ValidationError(what, [{ path: field, message: 'expected a non-empty string' }]);
  }
}

function readLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError('query', [{ path: 'limit', message: 'expected an integer of at least 1' }]);
  }
  return Math.min(limit, MAX_LIMIT);
}

/** Message order inside a conversation: by creation time, then id. */
function compareMessages(a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** What `findLatest` looks a conversation up by; a conversation has one, or two with a comment's post. */
interface LatestKey {
  channelId: string;
  customerId: string;
  source: string;
  postId?: string | undefined;
}

/** A conversation id's entry: the conversation (absent while only messages name it), its messages in order. */
interface Thread {
  conversation: Conversation | undefined;
  messages: Message[];
  /** The ids of its outbound messages not read yet (what `listBehind` walks). */
  unsettled: Set<string> | undefined;
}

/** One latest-conversation entry of a customer: the thread of a stored conversation. */
interface LatestSlot {
  channelId: string;
  source: string;
  postId: string | undefined;
  thread: Thread;
}

/** A customer id's entry: the customer (absent while only conversations name it), its latest conversations. */
interface Person {
  customer: Customer | undefined;
  latest: LatestSlot[];
}

function sameKey(a: LatestKey, b: LatestKey): boolean {
  return (
    a.channelId === b.channelId &&
    a.customerId === b.customerId &&
    a.source === b.source &&
    a.postId === b.postId
  );
}

function keysOf(c: Conversation): LatestKey[] {
  const keys: LatestKey[] = [
    { channelId: c.channelId, customerId: c.customerId, source: c.source, postId: undefined },
  ];
  if (c.comment) {
    keys.push({
      channelId: c.channelId,
      customerId: c.customerId,
      source: c.source,
      postId: c.comment.postId,
    });
  }
  return keys;
}

function isNewer(a: Conversation, b: Conversation): boolean {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
}

/** The entries of `index` among `keys` (the bulk reads). */
function pick<T>(index: ReadonlyMap<string, T> | undefined, keys: readonly string[]): Map<string, T> {
  const found = new Map<string, T>();
  if (!index) return found;
  for (const key of keys) {
    const value = index.get(key);
    if (value !== undefined) found.set(key, value);
  }
  return found;
}

/**
 * The in-memory `Store`: the embedded default, for one process, tests and demos. Passes the store
 * contract suite of `@pagedesk/core/testing`. Objects it returns are frozen; spread one to change it,
 * then `put` the result.
 *
 * @example
 * const inbox = createInbox({ store: memoryStore() });
 */
export function memoryStore(): Store {
  const channels = new Map<string, Channel>();
  const credentials = new Map<string, ChannelCredentials>();
  // Customer id → the customer and its few latest-conversation slots (no key string per lookup).
  const people = new Map<string, Person>();
  // Conversation id → the conversation and its messages.
  const threads = new Map<string, Thread>();
  const messages = new Map<string, Message>();
  // Channel → mid → message: no key string per message, and one lookup per `getByMid`.
  const byMid = new Map<string, Map<string, Message>>();
  const pending = new Set<string>();
  // When each id was added, for `prune` (a Set keeps insertion order, so the oldest come first).
  // Processed event ids with when each was added: membership, and the order `prune` walks.
  const events = new Map<string, number>();

  function threadOf(id: string): Thread {
    let thread = threads.get(id);
    if (!thread) {
      thread = { conversation: undefined, messages: [], unsettled: undefined };
      threads.set(id, thread);
    }
    return thread;
  }

  function personOf(id: string): Person {
    let person = people.get(id);
    if (!person) {
      person = { customer: undefined, latest: [] };
      people.set(id, person);
    }
    return person;
  }

  function slotOf(key: LatestKey): LatestSlot | undefined {
    const slots = people.get(key.customerId)?.latest;
    if (!slots) return undefined;
    for (const slot of slots) {
      if (slot.channelId === key.channelId && slot.source === key.source && slot.postId === key.postId) {
        return slot;
      }
    }
    return undefined;
  }

  function setLatest(key: LatestKey, thread: Thread): void {
    const slot = slotOf(key);
    if (slot) slot.thread = thread;
    else
      personOf(key.customerId).latest.push({
        channelId: key.channelId,
        source: key.source,
        postId: key.postId,
        thread,
      });
  }

  function deleteLatest(key: LatestKey): void {
    const person = people.get(key.customerId);
    const slot = slotOf(key);
    if (!person || !slot) return;
    person.latest.splice(person.latest.indexOf(slot), 1);
    if (person.latest.length === 0 && !person.customer) people.delete(key.customerId);
  }

  const latestOf = (key: LatestKey) => slotOf(key)?.thread.conversation;

  function indexLatest(conversation: Conversation, previous: Conversation | undefined, thread: Thread): void {
    if (
      previous &&
      previous.channelId === conversation.channelId &&
      previous.customerId === conversation.customerId &&
      previous.source === conversation.source &&
      previous.comment?.postId === conversation.comment?.postId &&
      previous.createdAt === conversation.createdAt
    ) {
      // Same keys, same rank: the common update (a new message in a conversation) changes no index.
      return;
    }
    const keys = keysOf(conversation);
    if (previous) {
      // Created earlier than it was stored: another conversation may rank above it now.
      const demoted = conversation.createdAt < previous.createdAt;
      for (const key of keysOf(previous)) {
        if (slotOf(key)?.thread !== thread || (!demoted && keys.some((k) => sameKey(k, key)))) continue;
        // Rare (a conversation moved to another customer or post, or back in time): rebuild that key
        // by scanning; the loop below puts this one back where it still ranks first.
        deleteLatest(key);
        for (const other of threads.values()) {
          const candidate = other.conversation;
          if (other === thread || !candidate || !keysOf(candidate).some((k) => sameKey(k, key))) continue;
          const current = latestOf(key);
          if (!current || isNewer(candidate, current)) setLatest(key, other);
        }
      }
    }
    for (const key of keys) {
      const slot = slotOf(key);
      if (slot?.thread === thread) continue;
      const current = slot?.thread.conversation;
      if (!current || isNewer(conversation, current)) setLatest(key, thread);
    }
  }

  function insertOrdered(list: Message[], message: Message): void {
    let lo = 0;
    let hi = list.length;
    // Appends are the common case: check the end first.
    if (hi === 0 || compareMessages(list[hi - 1]!, message) < 0) {
      list.push(message);
      return;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareMessages(list[mid]!, message) < 0) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, message);
  }

  function indexOf(list: Message[], message: Message): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareMessages(list[mid]!, message) < 0) lo = mid + 1;
      else hi = mid;
    }
    return list[lo]?.id === message.id ? lo : -1;
  }

  function dropMessage(id: string): boolean {
    const message = messages.get(id);
    if (!message) return false;
    messages.delete(id);
    if (message.mid !== undefined) {
      const mids = byMid.get(message.channelId);
      if (mids?.get(message.mid)?.id === id) mids.delete(message.mid);
    }
    threads.get(message.conversationId)?.unsettled?.delete(id);
    pending.delete(id);
    return true;
  }

  function purge(channelId: string): ChannelPurgeReport {
    let messageCount = 0;
    let conversationCount = 0;
    let customerCount = 0;
    for (const [id, thread] of [...threads]) {
      if (thread.conversation?.channelId !== channelId) continue;
      for (const message of thread.messages) if (dropMessage(message.id)) messageCount++;
      threads.delete(id);
      conversationCount++;
    }
    // Messages filed under a conversation of another channel (never written by the inbox) still go.
    for (const message of [...(byMid.get(channelId)?.values() ?? [])])
      if (dropMessage(message.id)) messageCount++;
    byMid.delete(channelId);
    for (const [customerId, person] of [...people]) {
      if (person.customer?.channelId === channelId) {
        person.customer = undefined;
        customerCount++;
      }
      person.latest = person.latest.filter((slot) => slot.channelId !== channelId);
      if (person.latest.length === 0 && !person.customer) people.delete(customerId);
    }
    const hadCredentials = credentials.delete(channelId);
    return {
      channelId,
      channel: channels.delete(channelId),
      conversations: conversationCount,
      messages: messageCount,
      customers: customerCount,
      credentials: hadCredentials,
      waiting: 0,
    };
  }

  function putCustomer(customer: Customer): void {
    requireId('customer', customer);
    personOf(customer.id).customer = frozenCopy(customer);
  }
  function putConversation(conversation: Conversation): void {
    requireId('conversation', conversation);
    const thread = threadOf(conversation.id);
    const previous = thread.conversation;
    const stored = frozenCopy(conversation);
    thread.conversation = stored;
    indexLatest(stored, previous, thread);
  }
  function addEvent(id: string, at: number): void {
    if (typeof id !== 'string' || id === '') {
      throw new ValidationError('event id', [{ path: 'id', message: 'expected a non-empty string' }]);
    }
    if (!events.has(id)) events.set(id, at);
  }

  return {
    channels: {
      async get(id) {
        return channels.get(id);
      },
      async list(filter = {}) {
        const all = [...channels.values()];
        const { organizationId } = filter;
        if (organizationId === undefined) return all;
        return all.filter((c) => (c.organizationId ?? null) === organizationId);
      },
      async put(channel) {
        requireId('channel', channel);
        channels.set(channel.id, frozenCopy(channel));
      },
      async purge(channelId) {
        if (typeof channelId !== 'string' || channelId === '') {
          throw new ValidationError('purge', [{ path: 'channelId', message: 'expected a non-empty string' }]);
        }
        return purge(channelId);
      },
    },
    credentials: {
      async get(channelId) {
        return credentials.get(channelId);
      },
      async put(channelId, value) {
        if (typeof channelId !== 'string' || channelId === '') {
          throw new ValidationError('credentials', [
            { path: 'channelId', message: 'expected a non-empty string' },
          ]);
        }
        if (typeof value?.accessToken !== 'string') {
          throw new ValidationError('credentials', [{ path: 'accessToken', message: 'expected a string' }]);
        }
        credentials.set(channelId, frozenCopy(value));
      },
      async delete(channelId) {
        credentials.delete(channelId);
      },
    },
    customers: {
      async get(id) {
        return people.get(id)?.customer;
      },
      async put(customer) {
        putCustomer(customer);
      },
      async getMany(ids) {
        const found = new Map<string, Customer>();
        for (const id of ids) {
          const customer = people.get(id)?.customer;
          if (customer) found.set(id, customer);
        }
        return found;
      },
      async putMany(list) {
        for (const customer of list) putCustomer(customer);
      },
    },
    conversations: {
      async get(id) {
        return threads.get(id)?.conversation;
      },
      async findLatest(key) {
        return latestOf(key);
      },
      async list(query: ConversationQuery): Promise<Paged<Conversation>> {
        const limit = readLimit(query.limit);
        const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 'cursor');
        const search = normaliseSearch(query.search);
        const matches: Conversation[] = [];
        if (query.channelIds?.length === 0) return { items: matches, nextCursor: null };
        for (const thread of threads.values()) {
          const c = thread.conversation;
          if (!c) continue;
          if (after && (c.lastMessageAt > after.time || (c.lastMessageAt === after.time && c.id <= after.id)))
            continue;
          if (!matchesConversationFields(c, query)) continue;
          if (
            search &&
            !matchesConversationSearch(search, c, people.get(c.customerId)?.customer) &&
            !bodiesMatch(thread.messages, search)
          )
            continue;
          matches.push(c);
        }
        matches.sort(compareConversations);
        const items = matches.slice(0, limit);
        const last = items[items.length - 1];
        return {
          items,
          nextCursor: matches.length > limit && last ? encodeCursor(last.lastMessageAt, last.id) : null,
        };
      },
      async put(conversation) {
        putConversation(conversation);
      },
      async findLatestMany({ channelId, customerIds, source }) {
        const found = new Map<string, Conversation>();
        for (const customerId of customerIds) {
          const conversation = latestOf({ channelId, customerId, source, postId: undefined });
          if (conversation) found.set(customerId, conversation);
        }
        return found;
      },
      async putMany(list) {
        for (const conversation of list) putConversation(conversation);
      },
    },
    messages: {
      async get(id) {
        return messages.get(id);
      },
      async getByMid(channelId, mid) {
        return byMid.get(channelId)?.get(mid);
      },
      async list(conversationId, query = {}) {
        const limit = readLimit(query.limit);
        const list = threads.get(conversationId)?.messages ?? [];
        let end = list.length;
        if (query.before !== undefined) {
          const { time, id } = decodeCursor(query.before, 'before');
          let lo = 0;
          let hi = list.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (compareMessages(list[mid]!, { createdAt: time, id }) < 0) lo = mid + 1;
            else hi = mid;
          }
          end = lo;
        }
        const start = Math.max(0, end - limit);
        const items = list.slice(start, end).reverse();
        const last = items[items.length - 1];
        return { items, nextCursor: start > 0 && last ? encodeCursor(last.createdAt, last.id) : null };
      },
      async listBehind(conversationId, upTo, state) {
        const ids = threads.get(conversationId)?.unsettled;
        if (!ids) return [];
        const out: Message[] = [];
        for (const id of ids) {
          const m = messages.get(id)!;
          if (m.createdAt <= upTo && DELIVERY_RANK[m.delivery] < DELIVERY_RANK[state]) out.push(m);
        }
        return out.sort(compareMessages);
      },
      async listPending(limit = 100) {
        const out: Message[] = [];
        for (const id of pending) out.push(messages.get(id)!);
        return out.sort(compareMessages).slice(0, Math.max(0, limit));
      },
      async getByMids(channelId, mids) {
        return pick(byMid.get(channelId), mids);
      },
      async putMany(list) {
        for (const message of list) putMessage(message);
      },
      async put(message) {
        putMessage(message);
      },
    },
    personas: memoryPersonas(),
    templates: memoryTemplates(),
    events: {
      async has(id) {
        return events.has(id);
      },
      async add(id) {
        addEvent(id, Date.now());
      },
      async hasMany(ids) {
        const seen = new Set<string>();
        for (const id of ids) if (events.has(id)) seen.add(id);
        return seen;
      },
      async addMany(ids) {
        const at = Date.now();
        for (const id of ids) addEvent(id, at);
      },
    },
    async prune(options) {
      const olderThan = pruneCutoff(options);
      let pruned = 0;
      for (const [id, at] of events) {
        if (at >= olderThan) break;
        events.delete(id);
        pruned++;
      }
      // No `waiting` section: the inbox keeps those effects in its own memory and expires them itself.
      return { events: pruned, waiting: 0 };
    },
  };

  function putMessage(message: Message): void {
    requireId('message', message);
    if (typeof message.conversationId !== 'string' || typeof message.channelId !== 'string') {
      throw new ValidationError('message', [{ path: 'conversationId', message: 'expected a string' }]);
    }
    const previous = messages.get(message.id);
    const stored = frozenCopy(message);
    messages.set(stored.id, stored);

    if (
      previous?.mid !== undefined &&
      (previous.mid !== stored.mid || previous.channelId !== stored.channelId)
    ) {
      const mids = byMid.get(previous.channelId);
      if (mids?.get(previous.mid)?.id === stored.id) mids.delete(previous.mid);
    }
    if (stored.mid !== undefined) {
      let mids = byMid.get(stored.channelId);
      if (!mids) {
        mids = new Map();
        byMid.set(stored.channelId, mids);
      }
      mids.set(stored.mid, stored);
    }

    const thread = threadOf(stored.conversationId);
    if (previous) {
      const moved = previous.conversationId !== stored.conversationId;
      const oldThread = moved ? threads.get(previous.conversationId) : thread;
      const oldList = oldThread?.messages;
      const at = oldList ? indexOf(oldList, previous) : -1;
      if (oldList && at >= 0) {
        if (!moved && previous.createdAt === stored.createdAt) {
          oldList[at] = stored;
        } else {
          oldList.splice(at, 1);
          insertOrdered(thread.messages, stored);
        }
      }
      oldThread?.unsettled?.delete(stored.id);
    } else {
      insertOrdered(thread.messages, stored);
    }
    if (
      stored.direction !== 'inbound' &&
      DELIVERY_RANK[stored.delivery] >= 0 &&
      DELIVERY_RANK[stored.delivery] < DELIVERY_RANK.read
    ) {
      thread.unsettled ??= new Set();
      thread.unsettled.add(stored.id);
    }
    if (stored.delivery === 'pending') pending.add(stored.id);
    else if (previous?.delivery === 'pending') pending.delete(stored.id);
  }
}

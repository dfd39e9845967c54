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
// pending messages). Every object is kept deep-frozen, so reads hand out the stored object itself
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

/** One latest-conversation entry of a customer (the customer id is the index's key). */
interface LatestSlot {
  channelId: string;
  source: string;
  postId: string | undefined;
  id: string;
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
  const customers = new Map<string, Customer>();
  const conversations = new Map<string, Conversation>();
  // Customer id → its few latest-conversation slots: the lookup per inbound message builds no key string.
  const latest = new Map<string, LatestSlot[]>();
  const messages = new Map<string, Message>();
  // Channel → mid → message: no key string per message, and one lookup per `getByMid`.
  const byMid = new Map<string, Map<string, Message>>();
  const ordered = new Map<string, Message[]>();
  const unsettled = new Map<string, Set<string>>();
  const pending = new Set<string>();
  // When each id was added, for `prune` (a Set keeps insertion order, so the oldest come first).
  // Processed event ids with when each was added: membership, and the order `prune` walks.
  const events = new Map<string, number>();

  function slotOf(key: LatestKey): LatestSlot | undefined {
    const slots = latest.get(key.customerId);
    if (!slots) return undefined;
    for (const slot of slots) {
      if (slot.channelId === key.channelId && slot.source === key.source && slot.postId === key.postId) {
        return slot;
      }
    }
    return undefined;
  }

  function setLatest(key: LatestKey, id: string): void {
    const slot = slotOf(key);
    if (slot) {
      slot.id = id;
      return;
    }
    const entry = { channelId: key.channelId, source: key.source, postId: key.postId, id };
    const slots = latest.get(key.customerId);
    if (slots) slots.push(entry);
    else latest.set(key.customerId, [entry]);
  }

  function deleteLatest(key: LatestKey): void {
    const slots = latest.get(key.customerId);
    const slot = slotOf(key);
    if (!slots || !slot) return;
    slots.splice(slots.indexOf(slot), 1);
    if (slots.length === 0) latest.delete(key.customerId);
  }

  function indexLatest(conversation: Conversation, previous: Conversation | undefined): void {
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
      for (const key of keysOf(previous)) {
        if (keys.some((k) => sameKey(k, key)) || slotOf(key)?.id !== conversation.id) continue;
        // Rare (a conversation moved to another customer or post): rebuild that key by scanning.
        deleteLatest(key);
        for (const other of conversations.values()) {
          if (other.id === conversation.id || !keysOf(other).some((k) => sameKey(k, key))) continue;
          const current = slotOf(key)?.id;
          const currentConversation = current === undefined ? undefined : conversations.get(current);
          if (!currentConversation || isNewer(other, currentConversation)) setLatest(key, other.id);
        }
      }
    }
    for (const key of keys) {
      const current = slotOf(key)?.id;
      if (current === conversation.id) continue;
      const currentConversation = current === undefined ? undefined : conversations.get(current);
      if (!currentConversation || isNewer(conversation, currentConversation)) setLatest(key, conversation.id);
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
    unsettled.get(message.conversationId)?.delete(id);
    pending.delete(id);
    return true;
  }

  function purge(channelId: string): ChannelPurgeReport {
    let messageCount = 0;
    let conversationCount = 0;
    let customerCount = 0;
    for (const conversation of [...conversations.values()]) {
      if (conversation.channelId !== channelId) continue;
      for (const message of ordered.get(conversation.id) ?? []) if (dropMessage(message.id)) messageCount++;
      ordered.delete(conversation.id);
      unsettled.delete(conversation.id);
      conversations.delete(conversation.id);
      conversationCount++;
    }
    // Messages filed under a conversation of another channel (never written by the inbox) still go.
    for (const message of [...(byMid.get(channelId)?.values() ?? [])])
      if (dropMessage(message.id)) messageCount++;
    byMid.delete(channelId);
    for (const customer of [...customers.values()]) {
      if (customer.channelId !== channelId) continue;
      customers.delete(customer.id);
      customerCount++;
    }
    for (const [customerId, slots] of latest) {
      const kept = slots.filter((slot) => slot.channelId !== channelId);
      if (kept.length === 0) latest.delete(customerId);
      else if (kept.length < slots.length) latest.set(customerId, kept);
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
    customers.set(customer.id, frozenCopy(customer));
  }
  function putConversation(conversation: Conversation): void {
    requireId('conversation', conversation);
    const previous = conversations.get(conversation.id);
    const stored = frozenCopy(conversation);
    conversations.set(stored.id, stored);
    indexLatest(stored, previous);
  }
  function addEvent(id: string): void {
    if (typeof id !== 'string' || id === '') {
      throw new ValidationError('event id', [{ path: 'id', message: 'expected a non-empty string' }]);
    }
    if (!events.has(id)) events.set(id, Date.now());
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
        return customers.get(id);
      },
      async put(customer) {
        putCustomer(customer);
      },
      async getMany(ids) {
        return pick(customers, ids);
      },
      async putMany(list) {
        for (const customer of list) putCustomer(customer);
      },
    },
    conversations: {
      async get(id) {
        return conversations.get(id);
      },
      async findLatest(key) {
        const id = slotOf(key)?.id;
        return id === undefined ? undefined : conversations.get(id);
      },
      async list(query: ConversationQuery): Promise<Paged<Conversation>> {
        const limit = readLimit(query.limit);
        const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 'cursor');
        const search = normaliseSearch(query.search);
        const matches: Conversation[] = [];
        if (query.channelIds?.length === 0) return { items: matches, nextCursor: null };
        for (const c of conversations.values()) {
          if (after && (c.lastMessageAt > after.time || (c.lastMessageAt === after.time && c.id <= after.id)))
            continue;
          if (!matchesConversationFields(c, query)) continue;
          if (
            search &&
            !matchesConversationSearch(search, c, customers.get(c.customerId)) &&
            !bodiesMatch(ordered.get(c.id) ?? [], search)
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
          const id = slotOf({ channelId, customerId, source, postId: undefined })?.id;
          const conversation = id === undefined ? undefined : conversations.get(id);
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
        const list = ordered.get(conversationId) ?? [];
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
        const ids = unsettled.get(conversationId);
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
        addEvent(id);
      },
      async hasMany(ids) {
        const seen = new Set<string>();
        for (const id of ids) if (events.has(id)) seen.add(id);
        return seen;
      },
      async addMany(ids) {
        for (const id of ids) addEvent(id);
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

    if (previous) {
      const oldList = ordered.get(previous.conversationId);
      const at = oldList ? indexOf(oldList, previous) : -1;
      if (oldList && at >= 0) {
        if (previous.conversationId === stored.conversationId && previous.createdAt === stored.createdAt) {
          oldList[at] = stored;
        } else {
          oldList.splice(at, 1);
          const list = ordered.get(stored.conversationId) ?? [];
          ordered.set(stored.conversationId, list);
          insertOrdered(list, stored);
        }
      }
      unsettled.get(previous.conversationId)?.delete(stored.id);
    } else {
      let list = ordered.get(stored.conversationId);
      if (!list) {
        list = [];
        ordered.set(stored.conversationId, list);
      }
      insertOrdered(list, stored);
    }
    if (
      stored.direction !== 'inbound' &&
      DELIVERY_RANK[stored.delivery] >= 0 &&
      DELIVERY_RANK[stored.delivery] < DELIVERY_RANK.read
    ) {
      let set = unsettled.get(stored.conversationId);
      if (!set) {
        set = new Set();
        unsettled.set(stored.conversationId, set);
      }
      set.add(stored.id);
    }
    if (stored.delivery === 'pending') pending.add(stored.id);
    else if (previous?.delivery === 'pending') pending.delete(stored.id);
  }
}

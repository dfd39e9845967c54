import type { MessengerEvent } from '../events.js';
import type { Conversation, Customer, Message } from '../model.js';
import type { Store } from '../store.js';
import type { Effect } from './effects.js';

// A batch of one channel's events runs as one store unit against this overlay: reads by key are served
// from what the batch already read or wrote (prefetched in a few bulk calls), writes are held and
// written at the end with the store's bulk puts. A query the overlay cannot answer by key (message
// lists, receipts behind a watermark) first writes what is held, so the store answers it as it would
// one event at a time. What the handlers see is what the store would hold after each event.

const key2 = (a: string, b: string) => `${a}\u0000${b}`;
const latestKey = (channelId: string, customerId: string, source: string, postId: string | undefined) =>
  `${channelId}\u0000${customerId}\u0000${source}\u0000${postId === undefined ? '\u0001' : postId}`;

/** `findLatest`'s order (the store contract): the most recently created, then the highest id. */
function isNewer(a: Conversation, b: Conversation): boolean {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
}

function latestKeysOf(c: Conversation): string[] {
  const keys = [latestKey(c.channelId, c.customerId, c.source, undefined)];
  if (c.comment) keys.push(latestKey(c.channelId, c.customerId, c.source, c.comment.postId));
  return keys;
}

/** What `cache` holds for `key`, else what `load` finds (remembered, absence included). */
async function readThrough<T>(
  cache: Map<string, T | null>,
  key: string,
  load: (key: string) => Promise<T | undefined>,
): Promise<T | undefined> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const found = await load(key);
  cache.set(key, found ?? null);
  return found;
}

/** The overlay and what ends it. */
export interface UnitStore {
  store: Store;
  /** The overlay of the store's `waiting`, when it has one. */
  waiting: Store['waiting'];
  /** Reads in bulk what `events` will look up by key (nothing when the store has no bulk reads). */
  prefetch(channelId: string, events: readonly MessengerEvent[]): Promise<void>;
  /** Writes what is held. */
  flush(): Promise<void>;
}

/** The writes of one entity kind: a bulk put when the store has one, else one put per item. */
async function putAll<T>(
  table: { put(item: T): Promise<void>; putMany?(items: readonly T[]): Promise<void> },
  dirty: Map<string, T>,
): Promise<void> {
  if (dirty.size === 0) return;
  const items = [...dirty.values()];
  dirty.clear();
  if (table.putMany) await table.putMany(items);
  else for (const item of items) await table.put(item);
}

/** Gives `effects` back to `waiting`, one after another (their order is the order they apply in). */
async function addInOrder(
  waiting: NonNullable<Store['waiting']>,
  channelId: string,
  mid: string,
  effects: readonly Effect[],
): Promise<void> {
  for (const effect of effects) await waiting.add(channelId, mid, effect);
}

/** The overlay of `base` for one unit; `shared` is the store's `waiting` the runtime uses (or undefined). */
export function unitStore(base: Store, shared: Store['waiting']): UnitStore {
  // null: known to be absent from the store.
  const customers = new Map<string, Customer | null>();
  const conversations = new Map<string, Conversation | null>();
  const latest = new Map<string, Conversation | null>();
  const messages = new Map<string, Message | null>();
  const byMid = new Map<string, Message | null>();
  const dirtyCustomers = new Map<string, Customer>();
  const dirtyConversations = new Map<string, Conversation>();
  const dirtyMessages = new Map<string, Message>();
  // Effects taken from the store's `waiting` for the messages the batch stores, by channel and mid.
  const waits = new Map<string, Effect[]>();

  const cachedConversation = (c: Conversation | undefined) =>
    c === undefined ? undefined : (conversations.get(c.id) ?? c);
  const cachedMessage = (m: Message | undefined) => (m === undefined ? undefined : (messages.get(m.id) ?? m));
  function rememberMessage(m: Message): void {
    messages.set(m.id, m);
    if (m.mid !== undefined) byMid.set(key2(m.channelId, m.mid), m);
  }

  async function flush(): Promise<void> {
    // Issued at once: a store that pipelines (PostgreSQL) sends them in one round trip; no write
    // depends on another's result.
    const writes = [
      putAll(base.customers, dirtyCustomers),
      putAll(base.conversations, dirtyConversations),
      putAll(base.messages, dirtyMessages),
    ];
    if (shared) {
      for (const [key, effects] of waits) {
        if (effects.length === 0) continue;
        // Taken for a message the batch did not store after all: back to the store, which answers from now on.
        waits.delete(key);
        const [channelId, mid] = key.split('\u0000') as [string, string];
        writes.push(addInOrder(shared, channelId, mid, effects));
      }
    }
    await Promise.all(writes);
  }

  const store: Store = {
    ...base,
    customers: {
      ...base.customers,
      get: (id) => readThrough(customers, id, (key) => base.customers.get(key)),
      async put(customer) {
        customers.set(customer.id, customer);
        dirtyCustomers.set(customer.id, customer);
      },
    },
    conversations: {
      ...base.conversations,
      get: (id) => readThrough(conversations, id, (key) => base.conversations.get(key)),
      async findLatest(query) {
        const key = latestKey(query.channelId, query.customerId, query.source, query.postId);
        const hit = latest.get(key);
        if (hit !== undefined) return hit ?? undefined;
        const found = cachedConversation(await base.conversations.findLatest(query));
        latest.set(key, found ?? null);
        return found;
      },
      async list(query) {
        await flush();
        return base.conversations.list(query);
      },
      async put(conversation) {
        const previous = conversations.get(conversation.id);
        const keys = latestKeysOf(conversation);
        if (previous && latestKeysOf(previous).some((k) => !keys.includes(k))) {
          // It moves to another customer or post (the inbox never does): let the store rebuild its index.
          await flush();
          latest.clear();
        }
        // Every key of a conversation written here is known, so later lookups never ask the store,
        // which has not seen the write yet.
        for (const k of keys) {
          if (latest.has(k)) continue;
          const [channelId, customerId, source, post] = k.split('\u0000') as [string, string, string, string];
          await store.conversations.findLatest({
            channelId,
            customerId,
            source: source as Conversation['source'],
            ...(post === '\u0001' ? {} : { postId: post }),
          });
        }
        for (const k of keys) {
          const current = latest.get(k);
          if (!current || current.id === conversation.id || isNewer(conversation, current))
            latest.set(k, conversation);
        }
        conversations.set(conversation.id, conversation);
        dirtyConversations.set(conversation.id, conversation);
      },
    },
    messages: {
      ...base.messages,
      async get(id) {
        const hit = messages.get(id);
        if (hit !== undefined) return hit ?? undefined;
        const found = await base.messages.get(id);
        if (found) rememberMessage(found);
        else messages.set(id, null);
        return found;
      },
      async getByMid(channelId, mid) {
        const key = key2(channelId, mid);
        const hit = byMid.get(key);
        if (hit !== undefined) return hit ?? undefined;
        const found = cachedMessage(await base.messages.getByMid(channelId, mid));
        if (found) rememberMessage(found);
        else byMid.set(key, null);
        return found;
      },
      async list(conversationId, query) {
        await flush();
        return base.messages.list(conversationId, query);
      },
      async listBehind(conversationId, upTo, state) {
        await flush();
        return (await base.messages.listBehind(conversationId, upTo, state)).map((m) => cachedMessage(m)!);
      },
      async listPending(limit) {
        await flush();
        return base.messages.listPending(limit);
      },
      async put(message) {
        const previous = messages.get(message.id);
        if (previous?.mid !== undefined && previous.mid !== message.mid)
          byMid.set(key2(previous.channelId, previous.mid), null);
        rememberMessage(message);
        dirtyMessages.set(message.id, message);
      },
    },
  };

  const waiting: Store['waiting'] = shared && {
    ...shared,
    async add(channelId, mid, effect) {
      const held = waits.get(key2(channelId, mid));
      if (held) held.push(effect);
      else await shared.add(channelId, mid, effect);
    },
    async take(channelId, mid) {
      const key = key2(channelId, mid);
      const held = waits.get(key);
      if (!held) return shared.take(channelId, mid);
      waits.set(key, []);
      return held;
    },
  };

  async function prefetch(channelId: string, events: readonly MessengerEvent[]): Promise<void> {
    const mids = new Set<string>();
    // The mids of the messages the events may store.
    const stored = new Set<string>();
    const psids = new Set<string>();
    for (const e of events) {
      if ('mid' in e && typeof e.mid === 'string') mids.add(e.mid);
      if ((e.kind === 'message' || e.kind === 'postback' || e.kind === 'echo') && e.customerId) {
        psids.add(e.customerId);
        if (e.mid) stored.add(e.mid);
      }
      if ((e.kind === 'message' || e.kind === 'echo') && e.replyTo?.mid) mids.add(e.replyTo.mid);
      if (e.kind === 'delivery') for (const mid of e.mids) mids.add(mid);
      if (e.kind === 'comment') {
        mids.add(e.commentId);
        if (e.parentId) mids.add(e.parentId);
      }
    }
    const customerIds = [...psids].map((psid) => `${channelId}:${psid}`);
    // Independent reads, issued at once (one round trip on a store that pipelines).
    const byMids = async () => {
      if (!base.messages.getByMids || mids.size === 0) return;
      const found = await base.messages.getByMids(channelId, [...mids]);
      for (const mid of mids) {
        const m = found.get(mid);
        if (m) rememberMessage(m);
        else byMid.set(key2(channelId, mid), null);
      }
    };
    const customersOf = async () => {
      if (!base.customers.getMany || customerIds.length === 0) return;
      const found = await base.customers.getMany(customerIds);
      for (const id of customerIds) customers.set(id, found.get(id) ?? null);
    };
    const latestOf = async () => {
      if (!base.conversations.findLatestMany || customerIds.length === 0) return;
      const found = await base.conversations.findLatestMany({ channelId, customerIds, source: 'message' });
      for (const id of customerIds) {
        const c = found.get(id);
        if (c) conversations.set(c.id, c);
        latest.set(latestKey(channelId, id, 'message', undefined), c ?? null);
      }
    };
    // Effects that wait for the messages the events may store, so `settle` costs no call per message.
    // Taken with the reads rather than after them: those of a message that turns out to be stored
    // already (or of an event applied before) go back to the store in `flush`, which is rare.
    const waitingFor = async () => {
      if (!shared?.takeMany || !base.messages.getByMids || stored.size === 0) return;
      const taken = await shared.takeMany(channelId, [...stored]);
      for (const mid of stored) waits.set(key2(channelId, mid), [...(taken.get(mid) ?? [])]);
    };
    await Promise.all([byMids(), customersOf(), latestOf(), waitingFor()]);
  }

  return { store, waiting, prefetch, flush };
}

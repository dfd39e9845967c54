import type { ConversationQuery } from './conversationQuery.js';
import type { Page, Paged } from './cursor.js';
import type { MessageEffect } from './inbox/effects.js';
import type { Channel, Conversation, Customer, DeliveryState, Message } from './model.js';
import type { PersonaStore } from './personaRecord.js';
import type { TemplateStore } from './templateStore.js';

export type { ConversationQuery, MessageEffect, Page, Paged };

// The persistence seam. `memoryStore()` is the embedded default; PostgreSQL or anything else plugs in
// by implementing this interface and passing the contract suite in `@pagedesk/core/testing`.
// Every method is async so any engine fits; every write is an upsert by id, so replays are harmless.

/** Which channels `Store.channels.list` returns. */
export interface ChannelFilter {
  /** Only this organisation's channels; `null` only those without one; omitted, every channel. */
  organizationId?: string | null;
}

/** What purging a channel removed from the store. */
export interface ChannelPurgeReport {
  channelId: string;
  /** Whether the channel row existed. */
  channel: boolean;
  conversations: number;
  messages: number;
  customers: number;
  /** Whether a stored access token was deleted. */
  credentials: boolean;
  /** Effects and receipt watermarks that waited for the channel's messages (`Store.waiting`). */
  waiting: number;
  /**
   * Copies of the channel's media deleted from the inbox's `MediaStore` (inbound attachments and
   * avatars). Absent when the inbox keeps no copies or its store has no `deletePrefix`.
   */
  media?: number;
}

/** Messages of one conversation, newest first; `before` is the cursor of the previous page. */
export interface MessageQuery {
  before?: string;
  limit?: number;
}

/** Server-side secrets of a channel. Never leaves the server. */
export interface ChannelCredentials {
  /** The page access token (or Instagram user token on the Instagram Login route). */
  accessToken: string;
  /**
   * Who connected (or last reauthorized) the channel, for deauthorize and data deletion callbacks: the
   * admin's app-scoped Facebook user id on Facebook Login, the app-scoped Instagram user id (`/me`'s
   * `id`) on Instagram Login. Absent on channels connected before it was recorded.
   */
  connectedByUserId?: string;
  /** For an Instagram account on the Facebook Login route: the Page it is linked to (Graph calls go through it). */
  pageId?: string;
}

export interface Store {
  channels: {
    get(id: string): Promise<Channel | undefined>;
    /**
     * Every channel, or with `organizationId` only that organisation's (`null`: only channels without
     * one; omitted: no filter).
     */
    list(filter?: ChannelFilter): Promise<Channel[]>;
    put(channel: Channel): Promise<void>;
    /**
     * Deletes a channel and everything reached through it, as one unit when the store has units: its
     * conversations, their messages, its customers, its credentials, what waits for its messages
     * (`waiting`) and the channel row. Processed event ids stay (a redelivery must still change
     * nothing). Purging an unknown channel removes nothing and says so.
     */
    purge(channelId: string): Promise<ChannelPurgeReport>;
  };
  credentials: {
    get(channelId: string): Promise<ChannelCredentials | undefined>;
    put(channelId: string, credentials: ChannelCredentials): Promise<void>;
    delete(channelId: string): Promise<void>;
  };
  customers: {
    get(id: string): Promise<Customer | undefined>;
    put(customer: Customer): Promise<void>;
    /** Optional bulk `get`: the stored customers among `ids`, by id (absent ones are left out). */
    getMany?(ids: readonly string[]): Promise<ReadonlyMap<string, Customer>>;
    /** Optional bulk `put`, in one statement where the engine allows: each row as `put` would write it. */
    putMany?(customers: readonly Customer[]): Promise<void>;
  };
  conversations: {
    get(id: string): Promise<Conversation | undefined>;
    /**
     * The most recent conversation of a customer on a channel for a source (and, for comments, a post),
     * whatever its status; the inbox decides whether to append to it or open a new one.
     */
    findLatest(query: {
      channelId: string;
      customerId: string;
      source: Conversation['source'];
      postId?: string;
    }): Promise<Conversation | undefined>;
    list(query: ConversationQuery): Promise<Paged<Conversation>>;
    put(conversation: Conversation): Promise<void>;
    /**
     * Optional bulk `findLatest` (without a post) for several customers of one channel: each customer's
     * latest conversation of `source`, by customer id (customers without one are left out).
     */
    findLatestMany?(query: {
      channelId: string;
      customerIds: readonly string[];
      source: Conversation['source'];
    }): Promise<ReadonlyMap<string, Conversation>>;
    /** Optional bulk `put`: each row as `put` would write it. */
    putMany?(conversations: readonly Conversation[]): Promise<void>;
  };
  messages: {
    get(id: string): Promise<Message | undefined>;
    /** A message by Meta's id on a channel. */
    getByMid(channelId: string, mid: string): Promise<Message | undefined>;
    list(conversationId: string, query?: MessageQuery): Promise<Paged<Message>>;
    /**
     * Outbound and echo messages of a conversation created at or before `upTo` whose delivery state is
     * earlier than `state` in pending → sent → delivered → read (failed ones are never moved).
     */
    listBehind(conversationId: string, upTo: number, state: DeliveryState): Promise<Message[]>;
    /** Messages still `pending` (a crash between recording and sending leaves some): oldest first. */
    listPending(limit?: number): Promise<Message[]>;
    put(message: Message): Promise<void>;
    /** Optional bulk `getByMid`: the stored messages of `channelId` among `mids`, by mid. */
    getByMids?(channelId: string, mids: readonly string[]): Promise<ReadonlyMap<string, Message>>;
    /** Optional bulk `put`: each row as `put` would write it. */
    putMany?(messages: readonly Message[]): Promise<void>;
  };
  /**
   * Ids of webhook events already applied, so a redelivery changes nothing. The inbox applies a
   * delivery's events of one channel as one unit and uses the optional bulk methods when present
   * (one call per batch instead of one per event).
   */
  events: {
    has(id: string): Promise<boolean>;
    add(id: string): Promise<void>;
    /** Optional bulk `has`: those of `ids` applied before. */
    hasMany?(ids: readonly string[]): Promise<ReadonlySet<string>>;
    /** Optional bulk `add`. */
    addMany?(ids: readonly string[]): Promise<void>;
  };
  /**
   * Optional: Meta persona ids per page and agent, so every server and restart reuses one persona and
   * a new one is made only when the agent's name or avatar changes. Without it, personas are kept in
   * process memory (a new persona per process).
   */
  personas?: PersonaStore;
  /** Optional: reply templates per organisation. Without it the inbox API's template routes answer 501. */
  templates?: TemplateStore;
  /**
   * Optional: runs `work` as one unit. Its writes commit together or not at all. Units of the same
   * `scope` never interleave, in this process or in another sharing the store, and a unit without a
   * scope interleaves with no other unit; units of different scopes may run at once. The inbox runs
   * each delivery's events of one channel (falling back to one unit per event when that unit fails) and
   * each change as a unit scoped to its channel id (no write of the inbox spans two channels), which is what lets several servers share one database (`@pagedesk/store-postgres`)
   * and still work on different pages at the same time. A nested call joins the outer unit. Without
   * `atomic` the inbox's in-process queue is the only guard: enough for a single process.
   */
  atomic?<T>(work: () => Promise<T>, scope?: string): Promise<T>;
  /**
   * Optional, for a store several servers share (it needs `atomic` too): what arrived before the
   * message it is about, so whichever server stores the message applies it. Without it the inbox
   * keeps these in its own memory, which is enough for one process. `take` removes what it returns;
   * inside a unit that rolls back, that removal is undone with the rest.
   */
  waiting?: {
    /** Holds an effect (edit, unsend, reaction, receipt) for message `mid` of `channelId`. */
    add(channelId: string, mid: string, effect: MessageEffect): Promise<void>;
    /** Removes and returns the effects held for that message, in the order they were added. */
    take(channelId: string, mid: string): Promise<MessageEffect[]>;
    /** Optional bulk `take` for several messages of a channel: by mid, only those with effects. */
    takeMany?(channelId: string, mids: readonly string[]): Promise<ReadonlyMap<string, MessageEffect[]>>;
    /** Raises a customer's receipt watermarks (epoch ms); a read raises `delivered` too. */
    raise(channelId: string, psid: string, state: 'delivered' | 'read', watermark: number): Promise<void>;
    /** The customer's highest receipt watermarks (-Infinity where none came), or undefined. */
    watermarks(channelId: string, psid: string): Promise<{ delivered: number; read: number } | undefined>;
  };
  /**
   * Optional: deletes what only grows, recorded before `olderThan` (epoch ms): processed event ids and
   * effects still waiting for a message that never came. Keep event ids longer than Meta retries a
   * delivery (hours): a redelivery after its id is pruned would be applied again. The token monitor
   * runs it on a schedule (`createTokenMonitor({ prune })`).
   */
  prune?(options: PruneOptions): Promise<PruneReport>;
  /**
   * Optional: a named lease that at most one process sharing the store holds at a time, and that
   * passes to another when its holder dies. The token monitor takes `lease('token-monitor')` so one
   * server checks tokens and prunes.
   */
  lease?(name: string): Lease;
}

/** What {@link Store.prune} deletes. */
export interface PruneOptions {
  /** Epoch ms: what was recorded before it goes. */
  olderThan: number;
}

/** What {@link Store.prune} deleted. */
export interface PruneReport {
  /** Processed event ids. */
  events: number;
  /** Effects that waited for a message that never came. */
  waiting: number;
}

/** A lease held by at most one process at a time ({@link Store.lease}). */
export interface Lease {
  /** Takes the lease if nobody holds it, or confirms this process still does: true while it is held. */
  acquire(): Promise<boolean>;
  /** Gives the lease up (another process may take it at once); a no-op when not held. */
  release(): Promise<void>;
}

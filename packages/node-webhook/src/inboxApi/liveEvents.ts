import type { LiveEvent } from '@pagedesk/core';
import { type NodeSink, writesToNode } from '../nodeAdapter.js';
import type { InboxPrincipal } from './principal.js';

/**
 * Who may receive a live event: the channel it happened on and, when known, that channel's
 * organisation. Every API instance filters by it before a frame reaches a browser; it never reaches
 * the browser itself.
 */
export interface LiveScope {
  channelId: string;
  organizationId?: string;
}

/**
 * A live event before the API numbers it, with its {@link LiveScope}: what travels through a
 * {@link LiveFanout}. A fanout must carry `scope` unchanged; an event that arrives without a valid one
 * is delivered to nobody. A `reset` draft makes the browsers of its scope refetch what they show (the
 * inbox stored a change it could not tell: its `channel:stale` event).
 */
export type LiveEventDraft = LiveEvent extends infer TEvent
  ? TEvent extends unknown
    ? Omit<TEvent, 'seq'> & { scope: LiveScope }
    : never
  : never;

/**
 * One browser's view of the stream: which scopes it may see, and whether an event (a channel whose
 * `agentIds` or organisation changed) changes that. Internal; built from the request's principal.
 */
export interface LiveViewer {
  sees(scope: LiveScope): boolean;
  /** Called with every live (not replayed) event in order, before `sees`; true when visibility changed. */
  changedBy(event: LiveEventDraft): boolean;
  /** Whether a channel change in this organisation (undefined: none) may change what it sees. */
  concerns(organizationId: string | undefined): boolean;
}

/** The scope of an event about a conversation, customer or message: its channel and organisation. */
export function scopeFor(entity: { channelId: string; organizationId?: string | undefined }): LiveScope {
  return entity.organizationId === undefined
    ? { channelId: entity.channelId }
    : { channelId: entity.channelId, organizationId: entity.organizationId };
}

/** The scope of a draft, or undefined when it has none a filter can trust. */
export function scopeOf(draft: { scope?: unknown }): LiveScope | undefined {
  const scope = draft.scope as Partial<LiveScope> | undefined;
  if (typeof scope !== 'object' || scope === null) return undefined;
  if (typeof scope.channelId !== 'string' || scope.channelId === '') return undefined;
  if (scope.organizationId !== undefined && typeof scope.organizationId !== 'string') return undefined;
  return scope.organizationId === undefined
    ? { channelId: scope.channelId }
    : { channelId: scope.channelId, organizationId: scope.organizationId };
}

/**
 * Carries live events from where they happen to every API instance that serves browsers. The default
 * ({@link inProcessFanout}) stays inside one process; `redisFanout` from `@pagedesk/redis` carries them
 * between servers, so an event applied on one server reaches browsers connected to another.
 *
 * A fanout either leaves numbering to each API instance (`seq` is then per instance, and a browser that
 * reconnects to another server gets a `reset`), or numbers events once for all servers: it passes
 * `seq` to listeners (1, 2, 3... in the same order on every server) and names that numbering in
 * `sequence`. SSE ids then mean the same on every instance, and a browser resumes on whichever server
 * the load balancer picks without missing anything.
 */
export interface LiveFanout {
  publish(event: LiveEventDraft): void | Promise<void>;
  /**
   * Returns a function that stops the subscription. A fanout that can lose events (an outage of the
   * service it runs over: what was published meanwhile never arrives) calls `onReset` once it carries
   * events again, and every browser of the API instance gets a `reset` and refetches.
   */
  subscribe(listener: (event: LiveEventDraft, seq?: number) => void, onReset?: () => void): () => void;
  /** The name of a numbering shared by every server (only for a fanout that passes `seq`). */
  readonly sequence?: string;
  /** For a fanout over a shared service: whether it is connected now (`GET /health` reports it). */
  readonly connected?: boolean;
}

/**
 * The default {@link LiveFanout}: synchronous delivery to the subscribers of this process.
 *
 * @example
 * const fanout = inProcessFanout();
 * const api = createInboxApi({ inbox, channels, fanout });
 */
export function inProcessFanout(): LiveFanout {
  const listeners = new Set<(event: LiveEventDraft) => void>();
  return {
    publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
      const entry = (event: LiveEventDraft) => listener(event);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
  };
}

interface Buffered {
  seq: number;
  frame: Uint8Array;
  /** Undefined when the event came without a valid scope: nobody receives it. */
  scope: LiveScope | undefined;
  /** Kept for a channel change only: a client connecting after it may need it (see `connect`'s `since`). */
  draft?: LiveEventDraft;
  /**
   * A channel change that may have changed who sees the channel: the organisations it concerns (before
   * and after), or every one when what the channel was before is not known. A resume across it is a reset.
   */
  affects?: 'everyone' | ReadonlyArray<string | undefined>;
}

/** What a broadcaster last knew of a channel: its organisation and, from a channel event, its agents. */
interface ChannelFact {
  organizationId: string | undefined;
  agentIds?: string;
}

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Served on the Node path: frames go straight to the response (see `writesToNode`). */
  sink?: NodeSink | undefined;
  /** Until the stream is read or attached: what it holds, for a sink attached later. */
  unread?: Uint8Array[] | undefined;
  viewer: LiveViewer;
  close(): void;
  /** Shared numbering: the client saw events up to here on another server, which is ahead of this one. */
  skipThrough?: number | undefined;
  /** Frames of this tick not written yet (see `flush`). */
  pending: Uint8Array[];
  /** Who opened the stream (see `closeWhere`), and the timer of its next re-check. */
  principal?: InboxPrincipal | undefined;
  recheck?: ReturnType<typeof setTimeout> | undefined;
}

/** Options of {@link Broadcaster.connect} beyond the request's id, signal and viewer. */
export interface ConnectOptions {
  /** The {@link Broadcaster.position} when the viewer's channels were read (default: now). */
  since?: number;
  /** The principal the stream is opened for. */
  principal?: InboxPrincipal;
  /** Asks the host again who the stream's user is now: the principal, or null when signed out. */
  reauthorize?: () => Promise<InboxPrincipal | null>;
}

const samePrincipal = (a: InboxPrincipal, b: InboxPrincipal | undefined) =>
  b !== undefined && a.role === b.role && a.organizationId === b.organizationId && a.agentId === b.agentId;

const encoder = new TextEncoder();

/** The frames as one chunk. */
function concat(frames: readonly Uint8Array[]): Uint8Array {
  const chunk = new Uint8Array(frames.reduce((size, frame) => size + frame.byteLength, 0));
  let at = 0;
  for (const frame of frames) {
    chunk.set(frame, at);
    at += frame.byteLength;
  }
  return chunk;
}
const PING = encoder.encode(': ping\n\n');
// A client this far behind (chunks of one or more frames queued) is cut off rather than buffered
// without end; it reconnects with its Last-Event-ID and catches up from the replay buffer (or gets a reset).
const MAX_QUEUED_CHUNKS = 1024;
// The same bound on the Node path, in bytes the socket has not taken.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
// Channels whose organisation and agents a broadcaster remembers (oldest forgotten first); a change of
// a channel it does not know resets every resuming browser whose replay crosses it.
const MAX_KNOWN_CHANNELS = 10_000;

/** Options of {@link createBroadcaster}. */
export interface BroadcasterOptions {
  replayBuffer: number;
  heartbeatMs: number;
  /** Tells the client how long to wait before reconnecting (SSE `retry:`). */
  retryMs?: number;
  /** The fanout's shared numbering ({@link LiveFanout.sequence}); numbers are then given to `broadcast`. */
  sequence?: string;
  /** The inbox's clock, sent after each heartbeat as an `event: clock` frame without an id. */
  now?: () => number;
  /** How often an open stream's principal is asked for again (`ConnectOptions.reauthorize`); 0: never. */
  reauthorizeMs?: number;
}

/**
 * Numbers live events, keeps the last `replayBuffer` for Last-Event-ID resume, and writes them as
 * Server-Sent Events to every connected client. One per API instance. Internal.
 */
export function createBroadcaster(options: BroadcasterOptions) {
  // The id names the numbering, so an id from another numbering (another server's, an earlier
  // process's) is recognised as foreign and answered with a reset instead of a wrong replay.
  const shared = options.sequence !== undefined;
  const epoch =
    options.sequence ?? Math.floor(Date.now() / 1000).toString(36) + Math.random().toString(36).slice(2, 6);
  const ring: Array<Buffered | undefined> = new Array(options.replayBuffer);
  let seq = 0;
  // The first number of the unbroken run ending at `seq`: a shared numbering starts wherever the
  // stream was when this instance joined, and a gap (events this instance never got) restarts it.
  let first = 1;
  const clients = new Set<Client>();
  const known = new Map<string, ChannelFact>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const hello = encoder.encode(`retry: ${options.retryMs ?? 2000}\n: connected\n\n`);

  // Without an id, a clock frame never moves a client's Last-Event-ID; older clients skip it.
  const clockFrame = () =>
    options.now ? encoder.encode(`event: clock\ndata: {"now":${options.now()}}\n\n`) : undefined;
  // The last reset of every stream (events may have been lost): a browser whose id is from before it
  // must get one when it resumes. It takes no number (under a shared numbering the next number is the
  // next event's), so its id is the position it follows plus a token of its own: `<epoch>-<n>.<token>`.
  // A browser that got it resumes from after it; one that last saw event n did not, and gets a reset.
  let lastReset: { after: number; token: string } | undefined;
  let resets = 0;
  const resetTag = Math.random().toString(36).slice(2, 6);
  const idOf = (n: number, token?: string) =>
    token === undefined ? `${epoch}-${n}` : `${epoch}-${n}.${token}`;
  const frameOf = (event: LiveEvent, token?: string) =>
    encoder.encode(`id: ${idOf(event.seq, token)}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  // A reset at the current position: it carries the last reset's token when nothing came after it.
  const resetFrame = () =>
    frameOf({ seq, type: 'reset' }, lastReset?.after === seq ? lastReset.token : undefined);

  const remember = (channelId: string, fact: ChannelFact) => {
    known.delete(channelId);
    known.set(channelId, fact);
    if (known.size > MAX_KNOWN_CHANNELS) known.delete(known.keys().next().value as string);
  };
  // Which organisations' browsers a channel change may show or hide the channel to: a browser that
  // resumes across it gets a reset, since its replay is filtered by what it sees now.
  const affectsOf = (draft: LiveEventDraft, scope: LiveScope | undefined): Buffered['affects'] => {
    if (draft.type === 'channel:updated') {
      const { channel } = draft;
      const before = known.get(channel.id);
      const agentIds = [...channel.settings.agentIds].sort().join('\n');
      remember(channel.id, { organizationId: channel.organizationId, agentIds });
      if (!before) return 'everyone';
      if (before.organizationId === channel.organizationId && before.agentIds === agentIds) return undefined;
      return [before.organizationId, channel.organizationId];
    }
    if (draft.type === 'channel:purged') {
      const before = known.get(draft.channelId);
      known.delete(draft.channelId);
      return [scope?.organizationId, before?.organizationId];
    }
    // Other events tell which organisation a channel is in until a channel event says more.
    if (scope && !known.has(scope.channelId))
      remember(scope.channelId, { organizationId: scope.organizationId });
    return undefined;
  };

  const write = (client: Client, chunk: Uint8Array) => {
    const { controller, sink } = client;
    if (sink) {
      if (sink.buffered > MAX_BUFFERED_BYTES) client.close();
      else sink.write(chunk);
      return;
    }
    if (controller.desiredSize !== null && controller.desiredSize < -MAX_QUEUED_CHUNKS) {
      client.close();
      return;
    }
    try {
      controller.enqueue(chunk);
      client.unread?.push(chunk);
    } catch {
      client.close();
    }
  };

  // Frames are written once per tick: the events of one fanout read (a burst published together)
  // reach each client as one chunk, one socket write. Clients that see the same frames share the
  // chunk, so a tick costs one concatenation per visibility class, not per client.
  const dirty = new Set<Client>();
  const flush = () => {
    const chunks = new Map<string, Uint8Array>();
    const ids = new Map<Uint8Array, number>();
    const numberOf = (frame: Uint8Array) => {
      const known = ids.get(frame);
      if (known !== undefined) return known;
      ids.set(frame, ids.size);
      return ids.size - 1;
    };
    for (const client of dirty) {
      const frames = client.pending;
      client.pending = [];
      let chunk = frames[0] as Uint8Array;
      if (frames.length > 1) {
        const key = frames.map(numberOf).join();
        chunk = chunks.get(key) ?? concat(frames);
        chunks.set(key, chunk);
      }
      write(client, chunk);
    }
    dirty.clear();
  };
  const send = (client: Client, frame: Uint8Array, n?: number) => {
    if (client.skipThrough !== undefined && n !== undefined) {
      if (n <= client.skipThrough) return;
      client.skipThrough = undefined;
    }
    if (dirty.size === 0) queueMicrotask(flush);
    dirty.add(client);
    client.pending.push(frame);
  };

  // Ends a stream after what it was still owed and, if given, a last frame.
  const end = (client: Client, last?: Uint8Array) => {
    const frames = client.pending;
    client.pending = [];
    dirty.delete(client);
    if (last) frames.push(last);
    if (frames.length > 0) write(client, concat(frames));
    client.close();
  };

  // The principal a stream was opened for is asked for again every `reauthorizeMs` (one check at a
  // time per stream, each bounded by the same time): signed out, or an answer that does not come, ends
  // the stream; another principal (demoted, moved to another organisation) gets a reset first, so the
  // browser refetches and reconnects as who it is now.
  const watch = (client: Client, reauthorize: () => Promise<InboxPrincipal | null>) => {
    const every = options.reauthorizeMs ?? 0;
    if (every <= 0) return;
    const check = async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), every);
        // A host's authorize that never answers must not hold a process that is shutting down.
        (timer as { unref?: () => void }).unref?.();
      });
      const now = await Promise.race([reauthorize().catch(() => null), late]).finally(() =>
        clearTimeout(timer),
      );
      if (!clients.has(client)) return;
      if (now && samePrincipal(now, client.principal)) schedule();
      else end(client, now ? resetFrame() : undefined);
    };
    const schedule = () => {
      client.recheck = setTimeout(() => void check(), every);
      (client.recheck as { unref?: () => void }).unref?.();
    };
    schedule();
  };

  const startHeartbeat = () => {
    if (heartbeat !== undefined || options.heartbeatMs <= 0) return;
    heartbeat = setInterval(() => {
      // The stream's answer carried the clock when it opened; each heartbeat brings it again.
      const clock = clockFrame();
      for (const client of clients) {
        send(client, PING);
        if (clock) send(client, clock);
      }
    }, options.heartbeatMs);
    // A heartbeat alone must not keep a host's process alive (tests, graceful shutdown).
    (heartbeat as { unref?: () => void }).unref?.();
  };

  const stopHeartbeatIfIdle = () => {
    if (clients.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  /** What a client resuming after `lastEventId` must receive first (`ahead`: it saw more than we did). */
  const resumeFrames = (
    lastEventId: string | null,
    viewer: LiveViewer,
  ): { frames: Uint8Array[]; ahead?: number } => {
    if (lastEventId === null || lastEventId.trim() === '') return { frames: [] };
    const reset = () => ({ frames: [resetFrame()] });
    const match = /^(?:([A-Za-z0-9_]+)-)?(\d{1,15})(?:\.([a-z0-9]{1,20}))?$/.exec(lastEventId.trim());
    if (!match) return reset();
    // A bare number is taken as ours: a client that resumes from `event.seq` rather than the SSE id.
    if (match[1] !== undefined && match[1] !== epoch) return reset();
    const last = Number(match[2]);
    // Before the last reset: at its position without its token (another server's, or none) is before it.
    if (lastReset && (last < lastReset.after || (last === lastReset.after && match[3] !== lastReset.token)))
      return reset();
    // Under a shared numbering another server may be a little ahead of this one: skip what it saw.
    if (last > seq) return shared ? { frames: [], ahead: last } : reset();
    const oldest = Math.max(first, seq - Math.min(seq, options.replayBuffer) + 1);
    if (last + 1 < oldest) return reset();
    const frames: Uint8Array[] = [];
    // Replay holds only what this client may see now. A channel change it crosses may have hidden a
    // channel whose conversations the browser still shows (or shown one it lacks): it refetches instead.
    const concerned = (organizationId: string | undefined) => viewer.concerns(organizationId);
    for (let n = last + 1; n <= seq; n++) {
      const buffered = ring[n % options.replayBuffer] as Buffered;
      const { affects } = buffered;
      if (affects === 'everyone' || affects?.some(concerned)) return reset();
      if (buffered.scope && viewer.sees(buffered.scope)) frames.push(buffered.frame);
    }
    return { frames };
  };

  return {
    /**
     * Numbers the event (or takes the shared number `n`), remembers it for resume, and writes it to
     * every client that may see it (a client whose visibility it changes gets a reset instead, and
     * refetches). A shared number at or below the last one is a repeat and is dropped.
     */
    broadcast(draft: LiveEventDraft, n?: number): LiveEvent | undefined {
      if (shared && n !== undefined) {
        if (n <= seq) return undefined;
        if (n !== seq + 1) first = n;
        seq = n;
      } else {
        seq += 1;
      }
      const { scope: _scope, ...payload } = draft;
      const scope = scopeOf(draft);
      const event = { ...payload, seq } as LiveEvent;
      const frame = frameOf(event);
      const affects = affectsOf(draft, scope);
      if (options.replayBuffer > 0)
        ring[seq % options.replayBuffer] = {
          seq,
          frame,
          scope,
          ...(draft.type === 'channel:updated' || draft.type === 'channel:purged' ? { draft } : {}),
          ...(affects === undefined ? {} : { affects }),
        };
      for (const client of clients) {
        if (client.viewer.changedBy(draft)) send(client, resetFrame(), seq);
        else if (scope && client.viewer.sees(scope)) send(client, frame, seq);
      }
      return event;
    },

    /**
     * Opens an SSE stream. Missed events (after `lastEventId`) are queued before any new one, in the
     * same turn, so nothing falls between replay and live delivery. The stream ends on `signal` abort,
     * on cancel by the consumer, or on {@link close}.
     *
     * `since` is the {@link position} when the viewer's channels were read: channel changes broadcast
     * after it are applied to the viewer first, and one that changed what it sees answers a reset.
     */
    connect(
      lastEventId: string | null,
      signal: AbortSignal,
      viewer: LiveViewer,
      { since = seq, principal, reauthorize }: ConnectOptions = {},
    ): ReadableStream<Uint8Array> {
      let client: Client | undefined;
      const cleanup = () => {
        if (!client) return;
        const current = client;
        client = undefined;
        clearTimeout(current.recheck);
        clients.delete(current);
        dirty.delete(current);
        signal.removeEventListener('abort', cleanup);
        stopHeartbeatIfIdle();
        current.sink?.end();
        try {
          current.controller.close();
        } catch {
          // Already closed or errored by the consumer.
        }
      };
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          if (signal.aborted) {
            controller.close();
            return;
          }
          let changed = false;
          for (let n = Math.max(since + 1, seq - options.replayBuffer + 1); n <= seq; n++) {
            const buffered = ring[n % options.replayBuffer];
            if (buffered?.seq === n && buffered.draft && viewer.changedBy(buffered.draft)) changed = true;
          }
          const resume = changed ? { frames: [resetFrame()] } : resumeFrames(lastEventId, viewer);
          client = { controller, viewer, close: cleanup, pending: [], unread: [], principal };
          if (resume.ahead !== undefined) client.skipThrough = resume.ahead;
          // Queued whatever their number (a long replay is not a slow reader), and kept for a sink.
          for (const frame of [hello, ...resume.frames]) {
            controller.enqueue(frame);
            client.unread?.push(frame);
          }
          clients.add(client);
          signal.addEventListener('abort', cleanup, { once: true });
          startHeartbeat();
          if (reauthorize) watch(client, reauthorize);
        },
        // Read as a web stream: nothing is kept for a sink any more.
        pull() {
          if (client) client.unread = undefined;
        },
        cancel: cleanup,
      });
      writesToNode(stream, (sink) => {
        if (!client) {
          sink.end();
          return () => {};
        }
        for (const chunk of client.unread ?? []) sink.write(chunk);
        client.unread = undefined;
        client.sink = sink;
        return cleanup;
      });
      return stream;
    },

    /**
     * Events may have been lost (the fanout was down): every client gets a reset and refetches, and
     * a client resuming from before it gets one too (the replay would miss what was lost).
     */
    reset(): void {
      resets += 1;
      lastReset = { after: seq, token: `${resetTag}${resets.toString(36)}` };
      const frame = resetFrame();
      for (const client of [...clients]) send(client, frame);
    },

    /** The number of the last event broadcast (mark it before reading what a new client may see). */
    get position(): number {
      return seq;
    },

    /**
     * Ends the streams opened for a principal that `match` picks, each after a `reset`: the browser
     * refetches as whoever it is now rather than resuming a view of another role. Returns how many.
     */
    closeWhere(match: (principal: InboxPrincipal) => boolean): number {
      let closed = 0;
      for (const client of [...clients]) {
        if (client.principal && match(client.principal)) {
          end(client, resetFrame());
          closed += 1;
        }
      }
      return closed;
    },

    /** Open SSE streams. */
    get connections(): number {
      return clients.size;
    },

    /** Ends every stream and the heartbeat. */
    close(): void {
      for (const client of [...clients]) client.close();
      stopHeartbeatIfIdle();
    },
  };
}

/** The broadcaster of one API instance. */
export type Broadcaster = ReturnType<typeof createBroadcaster>;

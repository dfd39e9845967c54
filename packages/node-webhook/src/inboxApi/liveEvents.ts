import type { LiveEvent } from '@pagedesk/core';

/** A live event before the API numbers it: what travels through a {@link LiveFanout}. */
export type LiveEventDraft = LiveEvent extends infer TEvent
  ? TEvent extends { type: 'reset' }
    ? never
    : TEvent extends unknown
      ? Omit<TEvent, 'seq'>
      : never
  : never;

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
  /** Returns a function that stops the subscription. */
  subscribe(listener: (event: LiveEventDraft, seq?: number) => void): () => void;
  /** The name of a numbering shared by every server (only for a fanout that passes `seq`). */
  readonly sequence?: string;
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
}

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>;
  close(): void;
  /** Shared numbering: the client saw events up to here on another server, which is ahead of this one. */
  skipThrough?: number | undefined;
}

const encoder = new TextEncoder();
const PING = encoder.encode(': ping\n\n');
// A client this far behind is cut off rather than buffered without end; it reconnects with its
// Last-Event-ID and catches up from the replay buffer (or gets a reset).
const MAX_QUEUED_FRAMES = 1024;

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
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const hello = encoder.encode(`retry: ${options.retryMs ?? 2000}\n: connected\n\n`);

  // Without an id, a clock frame never moves a client's Last-Event-ID; older clients skip it.
  const clockFrame = () =>
    options.now ? encoder.encode(`event: clock\ndata: {"now":${options.now()}}\n\n`) : undefined;
  const idOf = (n: number) => `${epoch}-${n}`;
  const frameOf = (event: LiveEvent) =>
    encoder.encode(`id: ${idOf(event.seq)}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);

  const send = (client: Client, frame: Uint8Array, n?: number) => {
    if (client.skipThrough !== undefined && n !== undefined) {
      if (n <= client.skipThrough) return;
      client.skipThrough = undefined;
    }
    const { controller } = client;
    if (controller.desiredSize !== null && controller.desiredSize < -MAX_QUEUED_FRAMES) {
      client.close();
      return;
    }
    try {
      controller.enqueue(frame);
    } catch {
      client.close();
    }
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
  const resumeFrames = (lastEventId: string | null): { frames: Uint8Array[]; ahead?: number } => {
    if (lastEventId === null || lastEventId.trim() === '') return { frames: [] };
    const reset = () => ({ frames: [frameOf({ seq, type: 'reset' })] });
    const match = /^(?:([A-Za-z0-9_]+)-)?(\d{1,15})$/.exec(lastEventId.trim());
    if (!match) return reset();
    // A bare number is taken as ours: a client that resumes from `event.seq` rather than the SSE id.
    if (match[1] !== undefined && match[1] !== epoch) return reset();
    const last = Number(match[2]);
    // Under a shared numbering another server may be a little ahead of this one: skip what it saw.
    if (last > seq) return shared ? { frames: [], ahead: last } : reset();
    const oldest = Math.max(first, seq - Math.min(seq, options.replayBuffer) + 1);
    if (last + 1 < oldest) return reset();
    const frames: Uint8Array[] = [];
    for (let n = last + 1; n <= seq; n++) frames.push((ring[n % options.replayBuffer] as Buffered).frame);
    return { frames };
  };

  return {
    /**
     * Numbers the event (or takes the shared number `n`), remembers it for resume, and writes it to
     * every client. A shared number at or below the last one is a repeat and is dropped.
     */
    broadcast(draft: LiveEventDraft, n?: number): LiveEvent | undefined {
      if (shared && n !== undefined) {
        if (n <= seq) return undefined;
        if (n !== seq + 1) first = n;
        seq = n;
      } else {
        seq += 1;
      }
      const event = { ...draft, seq } as LiveEvent;
      const frame = frameOf(event);
      if (options.replayBuffer > 0) ring[seq % options.replayBuffer] = { seq, frame };
      for (const client of clients) send(client, frame, seq);
      return event;
    },

    /**
     * Opens an SSE stream. Missed events (after `lastEventId`) are queued before any new one, in the
     * same turn, so nothing falls between replay and live delivery. The stream ends on `signal` abort,
     * on cancel by the consumer, or on {@link close}.
     */
    connect(lastEventId: string | null, signal: AbortSignal): ReadableStream<Uint8Array> {
      let client: Client | undefined;
      const cleanup = () => {
        if (!client) return;
        const current = client;
        client = undefined;
        clients.delete(current);
        signal.removeEventListener('abort', cleanup);
        stopHeartbeatIfIdle();
        try {
          current.controller.close();
        } catch {
          // Already closed or errored by the consumer.
        }
      };
      return new ReadableStream<Uint8Array>({
        start(controller) {
          if (signal.aborted) {
            controller.close();
            return;
          }
          const resume = resumeFrames(lastEventId);
          client = { controller, close: cleanup };
          if (resume.ahead !== undefined) client.skipThrough = resume.ahead;
          controller.enqueue(hello);
          for (const frame of resume.frames) controller.enqueue(frame);
          clients.add(client);
          signal.addEventListener('abort', cleanup, { once: true });
          startHeartbeat();
        },
        cancel: cleanup,
      });
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

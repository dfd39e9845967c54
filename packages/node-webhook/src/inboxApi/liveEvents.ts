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
 * ({@link inProcessFanout}) stays inside one process; across servers, implement it over Redis pub/sub
 * or similar so an event applied on one server reaches browsers connected to another. Each API
 * instance numbers what it receives itself, so `seq` is per instance.
 *
 * @example
 * const redisFanout: LiveFanout = {
 *   publish: (event) => redis.publish('pagedesk:live', JSON.stringify(event)),
 *   subscribe(listener) {
 *     const sub = redis.duplicate();
 *     sub.subscribe('pagedesk:live', (message) => listener(JSON.parse(message)));
 *     return () => void sub.quit();
 *   },
 * };
 */
export interface LiveFanout {
  publish(event: LiveEventDraft): void | Promise<void>;
  /** Returns a function that stops the subscription. */
  subscribe(listener: (event: LiveEventDraft) => void): () => void;
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
}

/**
 * Numbers live events, keeps the last `replayBuffer` for Last-Event-ID resume, and writes them as
 * Server-Sent Events to every connected client. One per API instance. Internal.
 */
export function createBroadcaster(options: BroadcasterOptions) {
  // The id names this process too, so an id from another server or an earlier process is recognised
  // as foreign and answered with a reset instead of a wrong replay.
  const epoch = Math.floor(Date.now() / 1000).toString(36) + Math.random().toString(36).slice(2, 6);
  const ring: Array<Buffered | undefined> = new Array(options.replayBuffer);
  let seq = 0;
  const clients = new Set<Client>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const hello = encoder.encode(`retry: ${options.retryMs ?? 2000}\n: connected\n\n`);

  const idOf = (n: number) => `${epoch}-${n}`;
  const frameOf = (event: LiveEvent) =>
    encoder.encode(`id: ${idOf(event.seq)}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);

  const send = (client: Client, frame: Uint8Array) => {
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
      for (const client of clients) send(client, PING);
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

  /** What a client resuming after `lastEventId` must receive first. */
  const resumeFrames = (lastEventId: string | null): Uint8Array[] => {
    if (lastEventId === null || lastEventId.trim() === '') return [];
    const reset = () => [frameOf({ seq, type: 'reset' })];
    const match = /^(?:([a-z0-9]+)-)?(\d{1,15})$/.exec(lastEventId.trim());
    if (!match) return reset();
    // A bare number is taken as ours: a client that resumes from `event.seq` rather than the SSE id.
    if (match[1] !== undefined && match[1] !== epoch) return reset();
    const last = Number(match[2]);
    if (last > seq) return reset();
    const oldest = seq - Math.min(seq, options.replayBuffer) + 1;
    if (last + 1 < oldest) return reset();
    const frames: Uint8Array[] = [];
    for (let n = last + 1; n <= seq; n++) frames.push((ring[n % options.replayBuffer] as Buffered).frame);
    return frames;
  };

  return {
    /** Numbers the event, remembers it for resume, and writes it to every client. */
    broadcast(draft: LiveEventDraft): LiveEvent {
      seq += 1;
      const event = { ...draft, seq } as LiveEvent;
      const frame = frameOf(event);
      if (options.replayBuffer > 0) ring[seq % options.replayBuffer] = { seq, frame };
      for (const client of clients) send(client, frame);
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
          client = { controller, close: cleanup };
          controller.enqueue(hello);
          for (const frame of resumeFrames(lastEventId)) controller.enqueue(frame);
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

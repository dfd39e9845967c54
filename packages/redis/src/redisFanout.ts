import { randomBytes } from 'node:crypto';
import {
  liveEventSchema,
  PagedeskError,
  parseOrThrow,
  toPagedeskError,
  ValidationError,
  zodIssues,
} from '@pagedesk/core';
import type { LiveEventDraft, LiveFanout } from '@pagedesk/node-webhook';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { luaScript } from './luaScript.js';
import { positiveInt, redisClientSchema } from './options.js';

/** Options of {@link redisFanout}. */
export interface RedisFanoutOptions {
  /** The stream's key; its counter and numbering name live beside it. Default `'pagedesk:live'`. */
  stream?: string;
  /** About how many entries the stream keeps (`XADD MAXLEN ~`). Default 10 000. */
  maxLen?: number;
  /** Entries a new subscriber reads first, so its API instance can serve resumes at once. Default 1 000. */
  backlog?: number;
  /** How long one blocking read waits for new entries, in ms. Default 5 000. */
  blockMs?: number;
  /**
   * Told about entries that are not valid live events (skipped) and about lost connections (once per
   * outage; reading resumes where it stopped). Default: `console.error` with a `[pagedesk]` prefix.
   */
  onError?: (error: PagedeskError) => void;
}

/** A {@link LiveFanout} over a Redis Stream, with a shared numbering and a `close()`. */
export interface RedisFanout extends LiveFanout {
  /** The numbering shared by every server on this stream (SSE ids are `<sequence>-<n>`). */
  readonly sequence: string;
  /** Appends the event to the stream under the next number; rejects with a `PagedeskError`. */
  publish(event: LiveEventDraft): Promise<void>;
  /** Stops every subscription and closes their connections; the client you passed stays open. */
  close(): Promise<void>;
  /** The client you passed is ready and no subscription has lost its connection (`GET /health`). */
  readonly connected: boolean;
}

const optionsSchema = z.strictObject({
  stream: z.string().min(1, 'expected a non-empty key').optional(),
  maxLen: positiveInt.optional(),
  backlog: z.number().int('expected an integer').min(0, 'expected 0 or more').optional(),
  blockMs: positiveInt.optional(),
  onError: z
    .custom<(error: PagedeskError) => void>((v) => typeof v === 'function', 'expected a function')
    .optional(),
});

const scopeSchema = z.strictObject({
  channelId: z.string().min(1),
  organizationId: z.string().min(1).optional(),
});
const sequenceSchema = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'expected 1 to 64 letters, digits or _');
const numberSchema = z.coerce.number().int().positive();

// INCRBY and one XADD per event in one script, so the numbers and the stream's order agree for every
// reader, and the events of one tick (an inbox change emits several) cost one round trip and reach
// every reader in one reply. `floor` is the highest number this server has seen: after a FLUSHALL the
// counter restarts, and running servers would drop the low numbers as repeats, so it never goes below
// what they know. Returns the last number; the events got the numbers ending there, in order.
// `gap` (ARGV[3], empty for none) is the id of a server whose earlier publish failed: a gap entry goes
// first, and every other server's subscribers turn it into a reset (the events it lost never arrive).
const PUBLISH = luaScript(`
local count = #ARGV - 3
local n = redis.call('INCRBY', KEYS[1], count)
local floor = tonumber(ARGV[2])
if n - count < floor then
  n = floor + count
  redis.call('SET', KEYS[1], n)
end
if ARGV[3] ~= '' then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'gap', ARGV[3])
end
for i = 1, count do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'n', n - count + i, 'event', ARGV[i + 3])
end
return n`);

// Events per publishing script call.
const MAX_BATCH = 256;
// Entries per blocking read: bounds the memory of one reply after a long outage.
const READ_COUNT = 500;
const MAX_RETRY_DELAY_MS = 2000;
const HALTED = Symbol('halted');

type Entry = [id: string, fields: string[]];

/** A field of a stream entry (fields are name, value, name, value...). */
function fieldOf([, fields]: Entry, name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** A stream entry as a draft and its number, or the reason it is not a live event. */
function parseEntry(
  stream: string,
  [id, fields]: Entry,
): { draft: LiveEventDraft; n: number } | PagedeskError {
  const what = `live event ${stream} ${id}`;
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] as string, fields[i + 1] as string);
  const n = numberSchema.safeParse(values.get('n'));
  if (!n.success) return new ValidationError(what, [{ path: 'n', message: 'expected a positive integer' }]);
  let json: unknown;
  try {
    json = JSON.parse(values.get('event') ?? '');
  } catch {
    return new ValidationError(what, [{ path: 'event', message: 'expected a JSON live event' }]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return new ValidationError(what, [{ path: 'event', message: 'expected a JSON object' }]);
  }
  const { scope: rawScope, ...payload } = json as Record<string, unknown>;
  // The scope decides which browsers may see the event: without a valid one, nobody does.
  const scope = scopeSchema.safeParse(rawScope);
  if (!scope.success)
    return new ValidationError(what, [
      { path: 'event.scope', message: 'expected { channelId, organizationId? } (who may see it)' },
    ]);
  const event = liveEventSchema.safeParse({ ...payload, seq: n.data });
  if (!event.success) return new ValidationError(what, zodIssues(event.error, 'event'));
  const { seq: _seq, ...draft } = event.data;
  return { draft: { ...draft, scope: scope.data } as LiveEventDraft, n: n.data };
}

interface Subscription {
  stop(): void;
  /** Events may have been lost (a publish failed): tell the subscriber once reading works. */
  lost(): void;
  /** Settles when the read loop has ended and its connection is closed. */
  done: Promise<void>;
  /** True from a lost connection until reading works again. */
  readonly down: boolean;
}

/**
 * A {@link LiveFanout} that carries live events between servers over a Redis Stream, numbered once
 * for all of them: SSE ids mean the same on every API instance, so a browser resumes on whichever
 * server the load balancer picks, with exactly the events it missed.
 *
 * `publish` appends `{ n, event }` to the stream (`n` from `<stream>:seq`, in one script); the event
 * keeps its `scope` (channel and organisation), so every server shows it, and replays it after a
 * reconnect, only to browsers of that organisation that see that channel. Each
 * subscription reads on a connection of its own (a `duplicate()` of your client, because blocking
 * reads would hold it): first the last `backlog` entries, then every new one, in stream order. Entries
 * that are not valid live events are reported and skipped; after a lost connection, reading resumes
 * from the last entry read.
 *
 * @param redis - An ioredis client; it stays yours (close() leaves it open).
 * @param options - Stream key, bounds and the error reporter.
 * @returns The fanout for `createInboxApi({ fanout })`, once its shared numbering is known.
 * @throws ValidationError naming the wrong option, or a `<stream>:sequence` that is not a valid name.
 * @example
 * const redis = new Redis(process.env.REDIS_URL!);
 * const fanout = await redisFanout(redis);
 * const api = createInboxApi({ inbox, channels, fanout });
 * process.on('SIGTERM', async () => { api.close(); await fanout.close(); await redis.quit(); });
 */
export async function redisFanout(redis: Redis, options: RedisFanoutOptions = {}): Promise<RedisFanout> {
  parseOrThrow(redisClientSchema, redis, 'redisFanout redis');
  const parsed = parseOrThrow(optionsSchema, options, 'redisFanout options');
  const stream = parsed.stream ?? 'pagedesk:live';
  const maxLen = parsed.maxLen ?? 10_000;
  const backlog = parsed.backlog ?? 1000;
  const blockMs = parsed.blockMs ?? 5000;
  const onError =
    parsed.onError ??
    ((error: PagedeskError) => console.error(`[pagedesk] redisFanout: ${error.code}: ${error.message}`));
  const report = (error: PagedeskError) => {
    try {
      onError(error);
    } catch {
      // A failing reporter must not stop the read loop.
    }
  };

  const sequenceKey = `${stream}:sequence`;
  const counterKey = `${stream}:seq`;
  // The first server names the numbering; a new stream (or a FLUSHALL) gets a new name, so browser ids
  // from the old one are answered with a reset instead of a wrong replay.
  await redis.set(sequenceKey, `pd${randomBytes(8).toString('hex')}`, 'NX');
  const stored = await redis.get(sequenceKey);
  const sequence = sequenceSchema.safeParse(stored);
  if (!sequence.success) {
    throw new ValidationError(`redisFanout numbering in ${sequenceKey}`, [
      { path: sequenceKey, message: `expected 1 to 64 letters, digits or _, got ${JSON.stringify(stored)}` },
    ]);
  }

  const subscriptions = new Set<Subscription>();
  // This fanout's name on gap entries: its own subscriptions learnt of its failed publishes already.
  const origin = randomBytes(6).toString('hex');
  let highest = 0;
  let closed = false;
  const notClosed = (what: string) => {
    if (closed) throw new PagedeskError('fanout_closed', `redisFanout.${what} after close()`);
  };

  function subscribe(
    listener: (event: LiveEventDraft, seq?: number) => void,
    onReset?: () => void,
  ): () => void {
    notClosed('subscribe');
    // Blocking reads must not hold the host's client. Commands wait for a reconnect instead of failing,
    // and the read in flight is sent again after one (without that, ioredis drops it unanswered).
    // The host's commandTimeout (right for its quick commands) would cut every blocking read short.
    const connection = redis.duplicate({
      commandTimeout: undefined,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      autoResendUnfulfilledCommands: true,
    });
    let stopped = false;
    let down = false;
    // Something may be missing from what this subscription delivered: an outage of its connection
    // (events published meanwhile by servers that could not reach Redis never enter the stream), or a
    // publish that failed. Told to the subscriber once a read succeeds again, so browsers refetch.
    let gap = false;
    // What ends the wait in flight when the subscription stops (the loop waits for one thing at a time).
    let wake: (() => void) | undefined;
    const halt = () => wake?.();
    // Every wait of the loop ends when the subscription stops, whatever ioredis does with the command
    // in flight (a disconnect while reconnecting leaves it pending for ever). Not a race with one
    // promise that settles at stop: each wait would leave a reaction on it, holding its reply, for the
    // life of the subscription (a leak of every entry read).
    const untilStopped = <TValue>(work: Promise<TValue>): Promise<TValue | typeof HALTED> => {
      work.catch(() => {});
      if (stopped) return Promise.resolve(HALTED);
      return new Promise<TValue | typeof HALTED>((resolve, reject) => {
        const mine = () => resolve(HALTED);
        wake = mine;
        work.then(resolve, reject).finally(() => {
          // The loop may be waiting on its next command already: that wait's wake stays.
          if (wake === mine) wake = undefined;
        });
      });
    };

    const outage = (error: unknown) => {
      if (stopped) return;
      gap = true;
      if (down) return;
      down = true;
      const message = error instanceof Error ? error.message : String(error);
      report(
        new PagedeskError('live_connection_failed', `redisFanout lost ${stream}: ${message}`, {
          cause: error,
          retryable: true,
        }),
      );
    };
    const resync = () => {
      if (!gap || stopped) return;
      gap = false;
      try {
        onReset?.();
      } catch (error) {
        report(toPagedeskError(error, 'live_listener_failed'));
      }
    };
    // ioredis prints unhandled 'error' events itself: take them, and report each outage once.
    connection.on('error', outage);
    connection.on('ready', () => {
      down = false;
      resync();
    });

    // The number of the last entry read. Numbers are consecutive in the stream (one script numbers and
    // appends), so a jump means entries were trimmed (MAXLEN) before this subscription read them.
    let lastN: number | undefined;
    const missed = () => {
      gap = true;
      resync();
    };
    const deliver = (entry: Entry) => {
      if (stopped) return;
      const from = fieldOf(entry, 'gap');
      if (from !== undefined) {
        // Another server could not publish events; it says so once it can publish again.
        if (from !== origin) missed();
        return;
      }
      const n = numberSchema.safeParse(fieldOf(entry, 'n'));
      if (n.success) {
        if (lastN !== undefined && n.data > lastN + 1) missed();
        if (lastN === undefined || n.data > lastN) lastN = n.data;
      }
      const parsedEntry = parseEntry(stream, entry);
      if (parsedEntry instanceof PagedeskError) {
        report(parsedEntry);
        return;
      }
      if (parsedEntry.n > highest) highest = parsedEntry.n;
      try {
        listener(parsedEntry.draft, parsedEntry.n);
      } catch (error) {
        report(toPagedeskError(error, 'live_listener_failed'));
      }
    };

    const loop = async () => {
      let lastId: string | undefined;
      let delay = 0;
      while (!stopped) {
        try {
          if (lastId === undefined) {
            // At least one entry even with no backlog: its id is where live reading starts.
            const recent = await untilStopped(
              connection.xrevrange(stream, '+', '-', 'COUNT', Math.max(backlog, 1)),
            );
            if (recent === HALTED || stopped) return;
            recent.reverse();
            lastId = recent.at(-1)?.[0] ?? '0-0';
            const delivered = recent.slice(Math.max(0, recent.length - backlog));
            for (const entry of delivered) deliver(entry);
            // Where live reading starts, when no backlog was delivered (a gap entry carries no number).
            for (const entry of delivered.length === 0 ? recent : [])
              lastN = numberSchema.safeParse(fieldOf(entry, 'n')).data ?? lastN;
          } else {
            const reply = await untilStopped(
              connection.xread('COUNT', READ_COUNT, 'BLOCK', blockMs, 'STREAMS', stream, lastId),
            );
            if (reply === HALTED || stopped) return;
            for (const [, entries] of reply ?? []) {
              for (const entry of entries) {
                lastId = entry[0];
                deliver(entry);
              }
            }
          }
          delay = 0;
          down = false;
          resync();
        } catch (error) {
          if (stopped) return;
          outage(error);
          delay = Math.min(delay === 0 ? 100 : delay * 2, MAX_RETRY_DELAY_MS);
          let timer: ReturnType<typeof setTimeout> | undefined;
          await untilStopped(new Promise<void>((resolve) => (timer = setTimeout(resolve, delay))));
          clearTimeout(timer);
          // The client's retryStrategy gave up: connect again, and read on from `lastId`.
          if (!stopped && connection.status === 'end') connection.connect().catch(() => {});
        }
      }
    };

    // Resolves once no socket is left: 'end', or a reconnect that disconnect() cancelled.
    const released = () =>
      new Promise<void>((resolve) => {
        if (['end', 'wait', 'reconnecting'].includes(connection.status)) resolve();
        else connection.once('end', () => resolve());
      });
    let stoppedAt!: () => void;
    const stopping = new Promise<void>((resolve) => {
      stoppedAt = resolve;
    });
    const done = Promise.all([
      loop().catch((error: unknown) => report(toPagedeskError(error, 'live_connection_failed'))),
      stopping.then(released),
    ]).then(() => undefined);

    const subscription: Subscription = {
      stop() {
        if (stopped) return;
        stopped = true;
        halt();
        // disconnect, not quit: QUIT would wait behind the blocking read for up to blockMs.
        connection.disconnect();
        subscriptions.delete(subscription);
        stoppedAt();
      },
      done,
      lost() {
        if (!stopped) gap = true;
      },
      get down() {
        return down;
      },
    };
    subscriptions.add(subscription);
    return subscription.stop;
  }

  // Publishes that failed, and how many of them a gap entry has told the other servers of. One counter
  // and one retry timer, whatever the outage's length.
  let failures = 0;
  let told = 0;
  let gapRetry: ReturnType<typeof setTimeout> | undefined;
  let gapDelay = 0;
  let gapInFlight = false;
  const run = async (jsons: string[]) => {
    const owed = failures;
    const reply = await PUBLISH.run(
      redis,
      [counterKey, stream],
      [maxLen, highest, owed > told ? origin : '', ...jsons],
    );
    if (owed > told) {
      told = owed;
      gapDelay = 0;
    }
    return reply;
  };
  // The gap entry goes out with the next publish, or on its own once Redis takes commands again, so
  // the other servers' browsers refetch without waiting for the next event.
  const tellGap = () => {
    if (closed || gapRetry !== undefined || gapInFlight || told >= failures) return;
    gapDelay = Math.min(gapDelay === 0 ? 100 : gapDelay * 2, MAX_RETRY_DELAY_MS);
    gapRetry = setTimeout(() => {
      gapRetry = undefined;
      if (closed || told >= failures) return;
      gapInFlight = true;
      run([])
        .catch(() => {})
        .finally(() => {
          gapInFlight = false;
          tellGap();
        });
    }, gapDelay);
    (gapRetry as { unref?: () => void }).unref?.();
  };

  // Events published in the same tick, sent together at its end (order kept) as one script call.
  let batch: Array<{ event: LiveEventDraft; json: string; settle: (error?: PagedeskError) => void }> = [];
  const sendBatch = async () => {
    const events = batch;
    if (events.length === 0) return;
    batch = [];
    let reply: unknown;
    try {
      reply = await run(events.map((e) => e.json));
    } catch (error) {
      // Nobody gets these events: this server's browsers refetch once reading works, the other servers'
      // once a gap entry reaches them.
      failures += 1;
      tellGap();
      for (const subscription of subscriptions) subscription.lost();
      const message = error instanceof Error ? error.message : String(error);
      for (const { event, settle } of events)
        settle(
          new PagedeskError(
            'live_publish_failed',
            `redisFanout could not publish a ${event.type} event to ${stream}: ${message}`,
            { cause: error, retryable: true },
          ),
        );
      return;
    }
    const n = numberSchema.safeParse(reply);
    if (n.success && n.data > highest) highest = n.data;
    for (const { settle } of events) settle();
  };

  return {
    sequence: sequence.data,
    async publish(event) {
      notClosed('publish');
      const json = JSON.stringify(event);
      return new Promise<void>((resolve, reject) => {
        if (batch.length === 0) queueMicrotask(() => void sendBatch());
        batch.push({ event, json, settle: (error) => (error ? reject(error) : resolve()) });
        // A bounded script call: a burst beyond it goes now, the rest at the end of the tick.
        if (batch.length >= MAX_BATCH) void sendBatch();
      });
    },
    subscribe,
    get connected() {
      if (closed || redis.status !== 'ready') return false;
      for (const subscription of subscriptions) if (subscription.down) return false;
      return true;
    },
    async close() {
      closed = true;
      clearTimeout(gapRetry);
      const all = [...subscriptions];
      for (const subscription of all) subscription.stop();
      await Promise.all(all.map((subscription) => subscription.done));
    },
  };
}

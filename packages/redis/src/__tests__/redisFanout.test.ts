import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type PagedeskError, ValidationError } from '@pagedesk/core';
import { Redis } from 'ioredis';
import { describe, expect, inject, it, vi } from 'vitest';
import { eventsOf, readFrames } from '../../../node-webhook/src/inboxApi/__tests__/helpers.js';
import { redisFanout } from '../redisFanout.js';
import {
  admin,
  clientsNamed,
  eventCount,
  events,
  freshStream,
  instance,
  isEvent,
  typing,
  typingCount,
  useInstances,
} from './liveInstances.js';

// Several inbox API instances, each with its own ioredis client and redisFanout, over a real Redis
// and real HTTP on 127.0.0.1. Every test has a stream of its own.

const redisUrl = inject('redisUrl');
useInstances();

describe('redisFanout', () => {
  it('delivers events published by either instance to SSE clients of both, in one order with one set of ids', async () => {
    const stream = freshStream();
    const [a, b] = await Promise.all([instance(stream), instance(stream)]);
    expect(a.fanout.sequence).toBe(b.fanout.sequence);
    const [bodyA, bodyB] = await Promise.all([events(a.base), events(b.base)]);
    const reading = [bodyA, bodyB].map((body) => readFrames(body, eventCount(8), 5000));
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).fanout.publish(typing(i + 1))),
    );
    const [onA, onB] = (await Promise.all(reading)).map(eventsOf);
    const ids = Array.from({ length: 8 }, (_, i) => `${a.fanout.sequence}-${i + 1}`);
    expect(onA?.map((e) => e.id)).toEqual(ids);
    expect(onB).toEqual(onA);
    expect(new Set(onA?.map((e) => e.data['conversationId']))).toEqual(
      new Set(Array.from({ length: 8 }, (_, i) => `conv-${i + 1}`)),
    );
    expect(onA?.map((e) => e.data['seq'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it("carries a scoped reset (the inbox's channel:stale) to the browsers of every instance", async () => {
    const stream = freshStream();
    const [a, b] = await Promise.all([instance(stream), instance(stream)]);
    const reading = [a, b].map(async (x) => readFrames(await events(x.base), eventCount(2), 5000));
    await vi.waitFor(() => expect(a.api.liveConnections + b.api.liveConnections).toBe(2));
    await a.fanout.publish(typing(1));
    await a.fanout.publish({ type: 'reset', scope: { channelId: 'page-1' } });
    for (const frames of await Promise.all(reading))
      expect(eventsOf(frames).map((e) => [e.event, e.data['seq']])).toEqual([
        ['typing', 1],
        ['reset', 2],
      ]);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('lets a browser resume on the other instance with Last-Event-ID and get exactly what it missed', async () => {
    const stream = freshStream();
    const [a, b] = await Promise.all([instance(stream), instance(stream)]);
    const seq = a.fanout.sequence;
    const first = readFrames(await events(a.base), eventCount(3), 5000);
    for (let i = 1; i <= 3; i++) await a.fanout.publish(typing(i));
    expect(eventsOf(await first).map((e) => e.id)).toEqual([`${seq}-1`, `${seq}-2`, `${seq}-3`]);
    // Missed while reconnecting; B has them in its replay buffer.
    for (let i = 4; i <= 5; i++) await a.fanout.publish(typing(i));
    await vi.waitFor(() => expect(b.last()).toBe(5), { timeout: 5000, interval: 10 });
    const resumed = readFrames(await events(b.base, `${seq}-3`), eventCount(3), 5000);
    await b.fanout.publish(typing(6));
    const got = eventsOf(await resumed);
    expect(got.map((e) => e.id)).toEqual([`${seq}-4`, `${seq}-5`, `${seq}-6`]);
    expect(got.map((e) => e.data['conversationId'])).toEqual(['conv-4', 'conv-5', 'conv-6']);
  });

  it('serves a resume from its backlog on an instance started later', async () => {
    const stream = freshStream();
    const a = await instance(stream);
    const seq = a.fanout.sequence;
    for (let i = 1; i <= 5; i++) await a.fanout.publish(typing(i));
    const late = await instance(stream, { backlog: 3 });
    await vi.waitFor(() => expect(late.last()).toBe(5), { timeout: 5000, interval: 10 });
    const resumed = eventsOf(await readFrames(await events(late.base, `${seq}-2`), eventCount(3), 5000));
    expect(resumed.map((e) => e.id)).toEqual([`${seq}-3`, `${seq}-4`, `${seq}-5`]);
    expect(resumed.map((e) => e.data['conversationId'])).toEqual(['conv-3', 'conv-4', 'conv-5']);
    // Older than its backlog of 3: a reset, not a replay with a hole.
    const tooOld = eventsOf(await readFrames(await events(late.base, `${seq}-1`), eventCount(1), 5000));
    expect(tooOld[0]?.event).toBe('reset');
  });

  it('loses nothing when its subscriber connection is killed mid-stream', async () => {
    const stream = freshStream();
    const [a, b] = await Promise.all([instance(stream), instance(stream)]);
    const seq = a.fanout.sequence;
    const reading = readFrames(await events(b.base), eventCount(6), 10_000);
    for (let i = 1; i <= 3; i++) await a.fanout.publish(typing(i));
    await vi.waitFor(() => expect(b.last()).toBe(3), { timeout: 5000, interval: 10 });
    let killed = '';
    await vi.waitFor(
      async () => {
        const reader = (await clientsNamed(b.name)).find((c) => c.cmd === 'xread');
        expect(reader).toBeDefined();
        killed = reader?.id ?? '';
      },
      { timeout: 5000, interval: 20 },
    );
    expect(await admin.call('CLIENT', 'KILL', 'ID', killed)).toBe(1);
    for (let i = 4; i <= 6; i++) await a.fanout.publish(typing(i));
    const got = eventsOf(await reading);
    expect(got.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `${seq}-${n}`));
    // It reads again on a new connection.
    await vi.waitFor(
      async () => {
        const reader = (await clientsNamed(b.name)).find((c) => c.cmd === 'xread');
        expect(reader?.id).toBeDefined();
        expect(reader?.id).not.toBe(killed);
      },
      { timeout: 5000, interval: 20 },
    );
  });

  it('publishes the events of one tick in one script call: consecutive numbers, in order, one read for every server', async () => {
    const stream = freshStream();
    const a = await instance(stream);
    const b = await instance(stream);
    const seen: Array<[string, number | undefined, number]> = [];
    let reads = 0;
    let inRead = false;
    const stop = b.fanout.subscribe((event, n) => {
      // Listener calls in one synchronous run are one read's entries.
      if (!inRead) {
        inRead = true;
        reads += 1;
        queueMicrotask(() => {
          inRead = false;
        });
      }
      seen.push([(event as { conversationId: string }).conversationId, n, reads]);
    });
    await a.fanout.publish(typing(1));
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 5000, interval: 10 });
    await Promise.all([2, 3, 4, 5].map((i) => a.fanout.publish(typing(i))));
    await vi.waitFor(() => expect(seen).toHaveLength(5), { timeout: 5000, interval: 10 });
    stop();
    expect(seen).toEqual([
      ['conv-1', 1, 1],
      ['conv-2', 2, 2],
      ['conv-3', 3, 2],
      ['conv-4', 4, 2],
      ['conv-5', 5, 2],
    ]);
    expect(await admin.xlen(stream)).toBe(5);
  });

  it('sends browsers a reset once reading works after an event was lost, and answers a resume from before it with one', async () => {
    const stream = freshStream();
    const a = await instance(stream, { blockMs: 200 });
    const body = await events(a.base);
    const reading = readFrames(body, (frames) => frames.some((f) => f.includes('event: reset')), 5000);
    await a.fanout.publish(typing(1));
    const firstId = `${a.fanout.sequence}-1`;
    await vi.waitFor(() => expect(a.last()).toBe(1), { timeout: 5000, interval: 10 });
    // Without an offline queue a publish on a lost connection fails at once, as in an outage.
    a.redis.options.enableOfflineQueue = false;
    a.redis.disconnect();
    const failed = await a.fanout.publish(typing(2)).catch((error: PagedeskError) => error);
    expect((failed as PagedeskError).code).toBe('live_publish_failed');
    const frames = eventsOf(await reading);
    // typing 1 streamed, typing 2 lost, then the reset (after the last event it saw, with its own id).
    expect(frames.map((f) => f.event)).toEqual(['typing', 'reset']);
    expect(frames[1]?.id).toMatch(new RegExp(`^${firstId}\\.[a-z0-9]+$`));
    // A browser that saw only what came before the loss resumes with a reset, not a silent gap, and so
    // does one that was offline during the reset (it holds the id of typing 1)...
    a.redis.options.enableOfflineQueue = true;
    await a.redis.connect();
    for (const before of [`${a.fanout.sequence}-0`, firstId]) {
      const resumed = eventsOf(await readFrames(await events(a.base, before), (f) => f.some(isEvent)));
      expect(resumed.map((f) => f.event)).toEqual(['reset']);
    }
    // ...and one that got the reset resumes with nothing replayed: the next event is the first it gets.
    const next = readFrames(await events(a.base, frames[1]!.id), eventCount(1), 5000);
    await a.fanout.publish(typing(3));
    expect(eventsOf(await next).map((f) => [f.event, f.data['conversationId']])).toEqual([
      ['typing', 'conv-3'],
    ]);
  });

  it('reads on from the last entry when the client gives up reconnecting (retryStrategy null)', async () => {
    const stream = freshStream();
    const a = await instance(stream);
    const b = await instance(stream, {}, { retryStrategy: () => null });
    const seq = a.fanout.sequence;
    const reading = readFrames(await events(b.base), typingCount(5), 10_000);
    for (let i = 1; i <= 2; i++) await a.fanout.publish(typing(i));
    await vi.waitFor(() => expect(b.last()).toBe(2), { timeout: 5000, interval: 10 });
    const reader = (await clientsNamed(b.name)).find((c) => c.cmd === 'xread');
    expect(reader).toBeDefined();
    await admin.call('CLIENT', 'KILL', 'ID', reader?.id ?? '');
    for (let i = 3; i <= 5; i++) await a.fanout.publish(typing(i));
    // The failed read also brings a reset (events may have been lost meanwhile): the typing events go on.
    const typed = eventsOf(await reading).filter((e) => e.event === 'typing');
    expect(typed.map((e) => e.id)).toEqual([1, 2, 3, 4, 5].map((n) => `${seq}-${n}`));
    // The lost connection is reported once, as a retryable PagedeskError.
    expect(b.errors.map((e) => [e.code, e.retryable])).toEqual([['live_connection_failed', true]]);
    expect(b.errors[0]?.message).toContain(stream);
  });

  it("keeps its blocking reads clear of the client's commandTimeout", async () => {
    const stream = freshStream();
    // Reads block for 1 s; the host's commands time out after 100 ms.
    const a = await instance(stream, { blockMs: 1000 }, { commandTimeout: 100 });
    const reading = readFrames(await events(a.base), eventCount(2), 5000);
    await a.fanout.publish(typing(1));
    // Past several blocking reads that found nothing.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await a.fanout.publish(typing(2));
    expect(eventsOf(await reading).map((e) => e.event)).toEqual(['typing', 'typing']);
    expect(a.errors).toEqual([]);
    expect(a.fanout.connected).toBe(true);
  });

  it('keeps nothing of what it read: the heap stays flat over a thousand reads', async () => {
    // A real collection before each reading (as the reliability soak does).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const stream = freshStream();
    const redis = new Redis(redisUrl);
    // A backlog of one: the first event arrives whether it was published before the first read or after.
    const fanout = await redisFanout(redis, { stream, backlog: 1, blockMs: 1000 });
    let got = 0;
    let waiting: (() => void) | undefined;
    const stop = fanout.subscribe(() => {
      got++;
      waiting?.();
    });
    const text = 'x'.repeat(2000);
    // One event per read: each read's reply is what a leak would keep.
    const round = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const arrived = new Promise<void>((resolve) => {
          waiting = resolve;
        });
        await fanout.publish({
          type: 'typing',
          conversationId: `conv-${i}-${text}`,
          on: true,
          scope: { channelId: 'page-1' },
        });
        await arrived;
      }
    };
    try {
      await round(0, 200);
      gc();
      const before = process.memoryUsage().heapUsed;
      await round(200, 1200);
      gc();
      const growth = process.memoryUsage().heapUsed - before;
      expect(got).toBe(1200);
      // A thousand replies of 2 KB or more each, were they kept: 2 MB; allow a quarter of that for noise.
      expect(growth).toBeLessThan(500_000);
    } finally {
      stop();
      await fanout.close();
      await redis.quit();
    }
  });

  it('reports entries that are not live events and skips them', async () => {
    const stream = freshStream();
    const a = await instance(stream);
    const seq = a.fanout.sequence;
    const reading = readFrames(await events(a.base), eventCount(2), 5000);
    const bad = [
      await admin.xadd(stream, '*', 'n', 'x', 'event', JSON.stringify(typing(0))),
      await admin.xadd(stream, '*', 'n', '7', 'event', '{"type":"typing","scope":{"channelId":"page-1"}}'),
      await admin.xadd(stream, '*', 'n', '8', 'event', 'not json'),
      await admin.xadd(
        stream,
        '*',
        'n',
        '9',
        'event',
        '{"type":"from-the-future","scope":{"channelId":"page-1"}}',
      ),
      await admin.xadd(stream, '*', 'event', '[1]'),
      // A valid event without its scope would reach every organisation: refused.
      await admin.xadd(stream, '*', 'n', '10', 'event', JSON.stringify({ ...typing(0), scope: undefined })),
    ];
    await a.fanout.publish(typing(1));
    await a.fanout.publish(typing(2));
    const got = eventsOf(await reading);
    expect(got.map((e) => e.id)).toEqual([`${seq}-1`, `${seq}-2`]);
    expect(a.errors).toHaveLength(6);
    for (const [i, error] of a.errors.entries()) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(`${stream} ${bad[i]}`);
    }
    expect(a.errors.map((e) => (e as ValidationError).issues[0]?.path)).toEqual([
      'n',
      'event.conversationId',
      'event',
      'event.type',
      'n',
      'event.scope',
    ]);
  });

  it('reports through console.error with a [pagedesk] prefix by default', async () => {
    const stream = freshStream();
    const redis = new Redis(redisUrl);
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const fanout = await redisFanout(redis, { stream });
    try {
      const received: number[] = [];
      fanout.subscribe((_event, n) => received.push(n ?? -1));
      await admin.xadd(stream, '*', 'n', '1', 'event', '{}');
      await fanout.publish(typing(1));
      await vi.waitFor(() => expect(received).toEqual([1]), { timeout: 5000, interval: 10 });
      expect(printed).toHaveBeenCalledTimes(1);
      expect(String(printed.mock.calls[0]?.[0])).toMatch(
        /^\[pagedesk\] redisFanout: invalid_input: Invalid live event/,
      );
    } finally {
      await fanout.close();
      await redis.quit();
    }
  });

  it('keeps numbering above what it has seen when the counter is lost (FLUSHALL)', async () => {
    const stream = freshStream();
    const a = await instance(stream);
    const seq = a.fanout.sequence;
    const reading = readFrames(await events(a.base), eventCount(3), 5000);
    await a.fanout.publish(typing(1));
    await a.fanout.publish(typing(2));
    await admin.del(`${stream}:seq`);
    await a.fanout.publish(typing(3));
    expect(eventsOf(await reading).map((e) => e.id)).toEqual([`${seq}-1`, `${seq}-2`, `${seq}-3`]);
    expect(await admin.get(`${stream}:seq`)).toBe('3');
  });

  it('shares one numbering name per stream, and a new stream gets a new one', async () => {
    const stream = freshStream();
    const [a, b, other] = await Promise.all([instance(stream), instance(stream), instance(freshStream())]);
    expect(a.fanout.sequence).toMatch(/^[A-Za-z0-9_]{1,64}$/);
    expect(b.fanout.sequence).toBe(a.fanout.sequence);
    expect(other.fanout.sequence).not.toBe(a.fanout.sequence);
    expect(await admin.get(`${stream}:sequence`)).toBe(a.fanout.sequence);
  });

  it('stops reading and closes its connections on unsubscribe and close, leaving the host client open', async () => {
    const stream = freshStream();
    const name = `pdtest_${randomUUID().slice(0, 8)}`;
    const redis = new Redis(redisUrl, { connectionName: name });
    const fanout = await redisFanout(redis, { stream, onError: () => {} }); // default blockMs: 5 s
    try {
      const received: number[] = [];
      const stop = fanout.subscribe((_event, n) => received.push(n ?? -1));
      fanout.subscribe(() => {});
      await vi.waitFor(
        async () => expect((await clientsNamed(name)).filter((c) => c.cmd === 'xread')).toHaveLength(2),
        { timeout: 5000, interval: 20 },
      );
      stop();
      await vi.waitFor(async () => expect(await clientsNamed(name)).toHaveLength(2), {
        timeout: 5000,
        interval: 20,
      });
      await fanout.publish(typing(1));
      const started = Date.now();
      await fanout.close();
      // Well under blockMs: close does not wait for the blocking read to time out.
      expect(Date.now() - started).toBeLessThan(1000);
      await vi.waitFor(async () => expect(await clientsNamed(name)).toHaveLength(1), {
        timeout: 5000,
        interval: 20,
      });
      expect(received).toEqual([]);
      expect(await redis.ping()).toBe('PONG');
      await expect(fanout.publish(typing(2))).rejects.toMatchObject({ code: 'fanout_closed' });
      expect(() => fanout.subscribe(() => {})).toThrow(/after close/);
    } finally {
      await redis.quit();
    }
  });

  it('closes at once while its subscriber connection is waiting to reconnect', async () => {
    const stream = freshStream();
    const name = `pdtest_${randomUUID().slice(0, 8)}`;
    // Reconnects only after 2 s: close() lands in ioredis's 'reconnecting' state.
    const redis = new Redis(redisUrl, { connectionName: name, retryStrategy: () => 2000 });
    const fanout = await redisFanout(redis, { stream, onError: () => {} });
    try {
      fanout.subscribe(() => {});
      let reader: { id: string } | undefined;
      await vi.waitFor(
        async () => {
          reader = (await clientsNamed(name)).find((c) => c.cmd === 'xread');
          expect(reader).toBeDefined();
        },
        { timeout: 5000, interval: 20 },
      );
      await admin.call('CLIENT', 'KILL', 'ID', reader?.id ?? '');
      await vi.waitFor(async () => expect(await clientsNamed(name)).toHaveLength(1), {
        timeout: 5000,
        interval: 20,
      });
      const started = Date.now();
      await fanout.close();
      expect(Date.now() - started).toBeLessThan(500);
      // Nothing reconnects after close.
      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect(await clientsNamed(name)).toHaveLength(1);
    } finally {
      await redis.quit();
    }
  });

  it('says whether it is connected (GET /health), and reports it through the inbox API', async () => {
    const stream = freshStream();
    const a = await instance(stream);
    expect(a.fanout.connected).toBe(true);
    const healthy = await fetch(`${a.base}/health`);
    expect(await healthy.json()).toMatchObject({ status: 'ok', fanout: 'connected' });
    a.redis.disconnect();
    await vi.waitFor(() => expect(a.fanout.connected).toBe(false), { timeout: 5000, interval: 10 });
    const down = await fetch(`${a.base}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ fanout: 'disconnected' });
    await a.redis.connect();
    await vi.waitFor(() => expect(a.fanout.connected).toBe(true), { timeout: 5000, interval: 20 });
  });

  it('names a wrong option, client or stored numbering', async () => {
    await expect(redisFanout(admin, { maxLen: 0 })).rejects.toThrow(/maxLen/);
    await expect(redisFanout(admin, { backlog: -1 })).rejects.toThrow(ValidationError);
    await expect(redisFanout(admin, { onError: 'log' } as never)).rejects.toThrow(
      /onError: expected a function/,
    );
    await expect(redisFanout({} as never)).rejects.toThrow(/expected an ioredis client/);
    const stream = freshStream();
    await admin.set(`${stream}:sequence`, 'not-a-name!');
    await expect(redisFanout(admin, { stream })).rejects.toThrow(/expected 1 to 64 letters/);
  });
});

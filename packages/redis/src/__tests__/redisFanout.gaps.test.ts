import type { PagedeskError } from '@pagedesk/core';
import { describe, expect, inject, it, vi } from 'vitest';
import { eventsOf, readFrames } from '../../../node-webhook/src/inboxApi/__tests__/helpers.js';
import {
  admin,
  events,
  freshStream,
  type Instance,
  instance,
  typing,
  useInstances,
} from './liveInstances.js';

// Events a server never carried: one another server failed to publish, and entries the stream trimmed
// before a slow reader got them. Either way the browsers of every server that missed them get a reset.

inject('redisUrl');
useInstances();

const hasReset = (frames: string[]) => frames.some((f) => f.includes('event: reset'));

/** Makes the instance's own client lose Redis: its publishes fail at once, as in a network partition. */
async function cutOff(server: Instance): Promise<void> {
  server.redis.options.enableOfflineQueue = false;
  server.redis.disconnect();
  await vi.waitFor(() => expect(server.redis.status).toBe('end'), { timeout: 5000, interval: 10 });
}
async function reconnect(server: Instance): Promise<void> {
  server.redis.options.enableOfflineQueue = true;
  await server.redis.connect();
}

describe('redisFanout gaps', () => {
  it("resets the other servers' browsers when a publish failed, once the publisher reaches Redis again", async () => {
    const stream = freshStream();
    const [a, b] = await Promise.all([
      instance(stream, { blockMs: 200 }),
      instance(stream, { blockMs: 200 }),
    ]);
    const reading = readFrames(await events(a.base), hasReset, 8000);
    const onB = readFrames(await events(b.base), (f) => f.some((x) => x.includes('conv-5')), 8000);
    await b.fanout.publish(typing(1));
    await vi.waitFor(() => expect(a.last()).toBe(1), { timeout: 5000, interval: 20 });
    // B alone loses Redis while it applies webhooks: three events never enter the stream.
    await cutOff(b);
    for (let i = 2; i <= 4; i++) {
      const failed = await b.fanout.publish(typing(i)).catch((error: PagedeskError) => error);
      expect((failed as PagedeskError).code).toBe('live_publish_failed');
    }
    await reconnect(b);
    // No further event is needed: B says so by itself once it can publish again.
    const frames = eventsOf(await reading);
    expect(frames.map((f) => f.event)).toEqual(['typing', 'reset']);
    // One gap entry for the whole outage, not one per failed publish.
    const entries = await admin.xrange(stream, '-', '+');
    expect(entries.filter(([, fields]) => fields[0] === 'gap')).toHaveLength(1);
    // B's own browsers had their reset already; its gap entry does not give them a second one.
    await b.fanout.publish(typing(5));
    expect(eventsOf(await onB).map((f) => f.event)).toEqual(['typing', 'reset', 'typing']);
    expect(a.errors).toEqual([]);
  });

  it('resets its browsers when it falls behind the trimmed stream instead of skipping events', async () => {
    const stream = freshStream();
    const [a, b] = await Promise.all([
      instance(stream, { blockMs: 5000 }),
      instance(stream, { blockMs: 5000 }),
    ]);
    const reading = readFrames(
      await events(b.base),
      (f) => f.filter((x) => x.includes('data: ')).length >= 3,
      8000,
    );
    await a.fanout.publish(typing(1));
    await vi.waitFor(() => expect(b.last()).toBe(1), { timeout: 5000, interval: 20 });
    // While B's reader waits, ten events enter the stream and are trimmed away before it reads them
    // (in one transaction: the reader is served after it, when they are gone).
    const json = JSON.stringify(typing(0));
    const added = admin.multi().incrby(`${stream}:seq`, 10);
    for (let n = 2; n <= 11; n++) added.xadd(stream, '*', 'n', String(n), 'event', json);
    await added.xtrim(stream, 'MAXLEN', 0).exec();
    await a.fanout.publish(typing(12));
    const frames = eventsOf(await reading);
    expect(frames.map((f) => `${f.event} ${f.data['seq']}`)).toEqual(['typing 1', 'reset 1', 'typing 12']);
    expect(b.errors).toEqual([]);
  });
});

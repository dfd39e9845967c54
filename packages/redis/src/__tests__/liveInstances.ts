import { randomUUID } from 'node:crypto';
import type { PagedeskError } from '@pagedesk/core';
import { createInboxApi, type InboxApi, type LiveEventDraft, type LiveFanout } from '@pagedesk/node-webhook';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { seededInbox, serve } from '../../../node-webhook/src/inboxApi/__tests__/helpers.js';
import { type RedisFanout, type RedisFanoutOptions, redisFanout } from '../redisFanout.js';

// Inbox API instances over redisFanout for the fanout's tests: each with its own ioredis client, over a
// real Redis and real HTTP on 127.0.0.1, on a stream of the test's own. `useInstances()` registers the
// hooks that close them and delete the streams.

const redisUrl = inject('redisUrl');
/** A client of its own for the test's direct commands (set by `useInstances`). */
export let admin: Redis;

export interface Instance {
  name: string;
  redis: Redis;
  fanout: RedisFanout;
  api: InboxApi;
  base: string;
  errors: PagedeskError[];
  /** The last number its API instance received from the fanout. */
  last(): number;
  close(): Promise<void>;
}

const open: Instance[] = [];

export async function instance(
  stream: string,
  options: RedisFanoutOptions = {},
  client: RedisOptions = {},
): Promise<Instance> {
  const name = `pdtest_${randomUUID().slice(0, 8)}`;
  const redis = new Redis(redisUrl, { connectionName: name, ...client });
  const errors: PagedeskError[] = [];
  const fanout = await redisFanout(redis, {
    stream,
    blockMs: 1000,
    onError: (error) => errors.push(error),
    ...options,
  });
  let last = 0;
  // The API's own subscription, watched so a test knows what this instance has received.
  const watched: LiveFanout = {
    sequence: fanout.sequence,
    get connected() {
      return fanout.connected;
    },
    publish: (event) => fanout.publish(event),
    subscribe: (listener, onReset) =>
      fanout.subscribe((event, n) => {
        if (n !== undefined) last = n;
        listener(event, n);
      }, onReset),
  };
  const api = createInboxApi({
    inbox: await seededInbox(1),
    heartbeatMs: 0,
    fanout: watched,
    // Single tenant: sees the seeded page-1, which has no organisation.
    authorize: () => ({ role: 'admin' }),
  });
  const http = await serve(api);
  let closed = false;
  const result: Instance = {
    name,
    redis,
    fanout,
    api,
    base: http.base,
    errors,
    last: () => last,
    async close() {
      if (closed) return;
      closed = true;
      api.close();
      await fanout.close();
      await http.close();
      await redis.quit();
    },
  };
  open.push(result);
  return result;
}

const streams: string[] = [];
export const freshStream = () => {
  const stream = `pd-test:live:${randomUUID()}`;
  streams.push(stream);
  return stream;
};
export const typing = (i: number): LiveEventDraft => ({
  type: 'typing',
  conversationId: `conv-${i}`,
  on: true,
  scope: { channelId: 'page-1' },
});
export const isEvent = (frame: string) => frame.includes('\ndata: ');
export const eventCount = (n: number) => (frames: string[]) => frames.filter(isEvent).length >= n;
export const typingCount = (n: number) => (frames: string[]) =>
  frames.filter((f) => f.includes('event: typing')).length >= n;

export async function events(base: string, lastEventId?: string): Promise<ReadableStream<Uint8Array>> {
  const response = await fetch(`${base}/events`, {
    headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
  });
  expect(response.status).toBe(200);
  return response.body as ReadableStream<Uint8Array>;
}

/** The ids and ioredis connection names of the clients Redis sees under `name`. */
export async function clientsNamed(name: string): Promise<Array<{ id: string; cmd: string }>> {
  const list = (await admin.client('LIST')) as string;
  return list
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((pair) => pair.split('=') as [string, string])))
    .filter((fields) => fields['name'] === name)
    .map((fields) => ({ id: fields['id'] ?? '', cmd: fields['cmd'] ?? '' }));
}

/** Registers the hooks: an admin client, instances closed after each test, streams deleted at the end. */
export function useInstances(): void {
  beforeAll(() => {
    admin = new Redis(redisUrl);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((i) => i.close()));
  });
  afterAll(async () => {
    // Streams have no TTL: leave nothing behind in a Redis that later runs reuse.
    const keys = streams.flatMap((stream) => [stream, `${stream}:seq`, `${stream}:sequence`]);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });
}

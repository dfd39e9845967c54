import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPagedeskErrorCode, type MessengerEvent, ValidationError } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { createWebhook } from '@pagedesk/node-webhook';
import type { MetaWebhookBody } from '@pagedesk/node-webhook/meta';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisDedupe } from '../redisDedupe.js';

// redisDedupe against a real Redis on 127.0.0.1: each test has a key prefix of its own.

const redisUrl = inject('redisUrl');
let a: Redis;
let b: Redis;

beforeAll(() => {
  a = new Redis(redisUrl);
  b = new Redis(redisUrl);
});
afterAll(async () => {
  // `done` marks live for 24 h by default: leave nothing behind in a Redis that later runs reuse.
  for (const prefix of prefixes) {
    const keys = await a.keys(`${prefix}*`);
    if (keys.length > 0) await a.del(...keys);
  }
  await Promise.all([a.quit(), b.quit()]);
});

const prefixes: string[] = [];
const freshPrefix = () => {
  const prefix = `pd-test:dedupe:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
};

describe('redisDedupe', () => {
  it('claims an id on the first seen(), and answers true on any server only once it is marked done', async () => {
    const prefix = freshPrefix();
    const one = redisDedupe(a, { prefix });
    const two = redisDedupe(b, { prefix });
    expect(await one.seen('m1')).toBe(false);
    // Still pending: its server may have died mid-delivery, so a retry is handed over (the inbox
    // drops a copy that was applied), never answered 200 and dropped.
    expect(await one.seen('m1')).toBe(false);
    expect(await two.seen('m1')).toBe(false);
    expect(await a.get(`${prefix}m1`)).toMatch(/^pending:[0-9a-f]{16}$/);
    const pttl = await a.pttl(`${prefix}m1`);
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await one.mark(['m1']);
    expect(await one.seen('m1')).toBe(true);
    expect(await two.seen('m1')).toBe(true);
  });

  it('lets exactly one of two servers racing for the same id claim it', async () => {
    const prefix = freshPrefix();
    const one = redisDedupe(a, { prefix });
    const two = redisDedupe(b, { prefix });
    const ids = Array.from({ length: 50 }, (_, i) => `race-${i}`);
    await Promise.all(ids.map((id) => Promise.all([one.seen(id), two.seen(id)])));
    const owners = await a.mget(...ids.map((id) => `${prefix}${id}`));
    // One claim per id, every value a claim of one store or the other.
    expect(owners.every((value) => /^pending:[0-9a-f]{16}$/.test(value ?? ''))).toBe(true);
  });

  it('marks ids as done for ttlMs, then forgets them', async () => {
    const prefix = freshPrefix();
    const store = redisDedupe(a, { prefix, ttlMs: 300 });
    expect(await store.seen('x')).toBe(false);
    await store.mark(['x', 'y']);
    expect(await a.mget(`${prefix}x`, `${prefix}y`)).toEqual(['done', 'done']);
    const pttl = await a.pttl(`${prefix}x`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(300);
    expect(await redisDedupe(b, { prefix }).seen('y')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await a.exists(`${prefix}x`, `${prefix}y`)).toBe(0);
    expect(await store.seen('x')).toBe(false);
  });

  it('release() lets the next seen() on another server claim the id', async () => {
    const prefix = freshPrefix();
    const one = redisDedupe(a, { prefix });
    const two = redisDedupe(b, { prefix });
    expect(await one.seen('r')).toBe(false);
    const first = await a.get(`${prefix}r`);
    await one.release(['r']);
    expect(await a.exists(`${prefix}r`)).toBe(0);
    expect(await two.seen('r')).toBe(false);
    expect(await a.get(`${prefix}r`)).not.toBe(first);
  });

  it('release() never drops a done mark nor a claim another server holds', async () => {
    const prefix = freshPrefix();
    const one = redisDedupe(a, { prefix });
    const two = redisDedupe(b, { prefix });
    expect(await one.seen('done')).toBe(false);
    await one.mark(['done']);
    // `other` was claimed by the second server (as after the first one's claim expired).
    expect(await two.seen('other')).toBe(false);
    await one.release(['done', 'other', 'never-seen']);
    expect(await a.get(`${prefix}done`)).toBe('done');
    expect(await a.get(`${prefix}other`)).toMatch(/^pending:/);
    expect(await one.seen('done')).toBe(true);
    expect(await one.seen('other')).toBe(false);
    expect(await a.exists(`${prefix}never-seen`)).toBe(0);
  });

  it('does nothing for empty batches', async () => {
    const prefix = freshPrefix();
    const store = redisDedupe(a, { prefix });
    await store.mark([]);
    await store.release([]);
    expect(await a.keys(`${prefix}*`)).toEqual([]);
  });

  it('rejects with a dedupe_failed PagedeskError when Redis cannot be reached', async () => {
    // Port 1 on 127.0.0.1 refuses connections; no offline queue, so the command fails at once.
    const down = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    const store = redisDedupe(down, { prefix: freshPrefix() });
    const error = await store.seen('m').catch((e: unknown) => e);
    expect(isPagedeskErrorCode(error, 'dedupe_failed')).toBe(true);
    expect((error as Error).message).toMatch(/could not claim event "m" in Redis/);
    await expect(store.mark(['m'])).rejects.toMatchObject({ code: 'dedupe_failed', retryable: true });
    await expect(store.release(['m'])).rejects.toMatchObject({ code: 'dedupe_failed' });
    down.disconnect();
  });

  it('names a wrong option or client', () => {
    expect(() => redisDedupe(a, { claimMs: 0 })).toThrow(ValidationError);
    expect(() => redisDedupe(a, { ttlMs: 1.5 })).toThrow(/ttlMs: expected an integer/);
    expect(() => redisDedupe(a, { prefx: 'x' } as never)).toThrow(/prefx/);
    expect(() => redisDedupe({} as never)).toThrow(/expected an ioredis client/);
  });
});

describe('createWebhook on two servers sharing redisDedupe', () => {
  const appSecret = 'test-app-secret';

  const deliveryOf = (mid: string) =>
    JSON.stringify({
      object: 'page',
      entry: [
        {
          id: '682498302938465',
          time: 1458692752478,
          messaging: [
            {
              sender: { id: '1254938275682919' },
              recipient: { id: '682498302938465' },
              timestamp: 1458692752478,
              message: { mid, text: 'hello' },
            },
          ],
        },
      ],
    } satisfies MetaWebhookBody);

  async function server(client: Redis, prefix: string, handled: MessengerEvent[], fail: { next: number }) {
    const webhook = createWebhook({
      appSecret,
      verifyToken: 'verify',
      dedupe: redisDedupe(client, { prefix }),
      onEvents: async (events) => {
        // Slow enough that the other server's copy of the delivery arrives while this one is in flight.
        await new Promise((resolve) => setTimeout(resolve, 30));
        if (fail.next > 0) {
          fail.next -= 1;
          throw new Error('queue unavailable');
        }
        handled.push(...events);
      },
      onError: () => {},
    });
    const http = createServer(webhook.node);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/webhook`,
      close: () =>
        new Promise<void>((resolve) => {
          http.closeAllConnections();
          http.close(() => resolve());
        }),
    };
  }

  const post = (url: string, body: string) =>
    fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWebhookBody(body, appSecret),
      },
    });

  it('hands a delivery posted to both servers at once over at least once, and a later redelivery never', async () => {
    const prefix = freshPrefix();
    const handled: MessengerEvent[] = [];
    const fail = { next: 0 };
    const one = await server(a, prefix, handled, fail);
    const two = await server(b, prefix, handled, fail);
    try {
      for (let round = 0; round < 5; round++) {
        const body = deliveryOf(`mid.${round}`);
        const answers = await Promise.all([post(one.url, body), post(two.url, body), post(one.url, body)]);
        expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      }
      // A copy racing one still in flight on the other server is handed over too (that server may be
      // dying: the inbox's idempotency drops the extra copy); one server never hands it over twice.
      const ids = handled.map((event) => event.id);
      expect(new Set(ids)).toEqual(new Set([0, 1, 2, 3, 4].map((i) => `message:mid.${i}`)));
      expect(ids.length).toBeLessThanOrEqual(10);
      const before = handled.length;
      for (let round = 0; round < 5; round++) {
        const body = deliveryOf(`mid.${round}`);
        expect((await Promise.all([post(one.url, body), post(two.url, body)])).map((r) => r.status)).toEqual([
          200, 200,
        ]);
      }
      expect(handled.length).toBe(before);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('hands a delivery over again on the other server after onEvents failed', async () => {
    const prefix = freshPrefix();
    const handled: MessengerEvent[] = [];
    const fail = { next: 1 };
    const one = await server(a, prefix, handled, fail);
    const two = await server(b, prefix, handled, fail);
    try {
      const body = deliveryOf('mid.retry');
      expect((await post(one.url, body)).status).toBe(500);
      expect(await a.exists(`${prefix}message:mid.retry`)).toBe(0);
      expect((await post(two.url, body)).status).toBe(200);
      expect((await post(one.url, body)).status).toBe(200);
      expect(handled.map((event) => event.id)).toEqual(['message:mid.retry']);
      expect(await a.get(`${prefix}message:mid.retry`)).toBe('done');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

import { randomBytes } from 'node:crypto';
import { PagedeskError, parseOrThrow } from '@pagedesk/core';
import type { DedupeStore } from '@pagedesk/node-webhook';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { luaScript } from './luaScript.js';
import { positiveInt, redisClientSchema } from './options.js';

/** Options of {@link redisDedupe}. */
export interface RedisDedupeOptions {
  /** Prepended to every event id to make its key. Default `'pagedesk:dedupe:'`. */
  prefix?: string;
  /** How long a handled id is remembered, in ms. Default 24 h (Meta retries within the first hour). */
  ttlMs?: number;
  /**
   * How long a claim taken by `seen()` blocks other servers while `onEvents` runs, in ms. Default 60 s.
   * A server that dies mid-delivery leaves its claim to expire, after which Meta's retry is handed over.
   */
  claimMs?: number;
}

/** A {@link DedupeStore} whose methods all talk to Redis, so each returns a promise. */
export interface RedisDedupeStore extends DedupeStore {
  /**
   * Claims `id` for `claimMs`; true only when it is marked done. A claim still pending (a server
   * applying it right now, or one that died doing so) answers false: the events are handed over again
   * and the inbox's idempotency drops what was applied, so a crash never turns a retry into a loss.
   */
  seen(id: string): Promise<boolean>;
  /** Records the ids as done for `ttlMs`. */
  mark(ids: readonly string[]): Promise<void>;
  /** Drops this store's claims on the ids (never a `done` mark or another server's claim). */
  release(ids: readonly string[]): Promise<void>;
}

const optionsSchema = z.strictObject({
  prefix: z.string().optional(),
  ttlMs: positiveInt.optional(),
  claimMs: positiveInt.optional(),
});

// Claims the id unless it has a value; answers 1 only when that value is `done`.
const CLAIM = luaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
if redis.call('GET', KEYS[1]) == 'done' then return 1 end
return 0`);

// Deletes each key only while it still holds this store's claim: never a `done` mark, never a claim
// another server took after ours expired.
const RELEASE = luaScript(`
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0`);

function failed(action: string, error: unknown): PagedeskError {
  const message = error instanceof Error ? error.message : String(error);
  return new PagedeskError('dedupe_failed', `redisDedupe could not ${action} in Redis: ${message}`, {
    cause: error,
    retryable: true,
  });
}

/**
 * A {@link DedupeStore} shared by every server through Redis, so a delivery Meta sends twice (or to
 * two servers behind a load balancer) is handed to `onEvents` once.
 *
 * `seen(id)` claims the id (`SET <prefix><id> pending:<store> NX PX claimMs`) and answers `true` only
 * once it is marked done. A claim still pending answers `false` too: its server may have died
 * mid-delivery, and answering Meta's retry 200 without handing it over would lose the event (the
 * inbox's idempotency drops a copy that was applied meanwhile). `mark(ids)` turns the claims into
 * `done` for `ttlMs`; `release(ids)` drops this store's claims when `onEvents` failed, so Meta's retry is
 * handed over by whichever server receives it. Redis errors reject with a {@link PagedeskError}
 * (`dedupe_failed`); `createWebhook` reports them and still hands the events over.
 *
 * @param redis - An ioredis client; give it a short `commandTimeout` so a Redis outage cannot make
 *   Meta's request wait.
 * @param options - Key prefix and lifetimes.
 * @returns The store to pass as `createWebhook({ dedupe })`.
 * @throws ValidationError naming the wrong option.
 * @example
 * const redis = new Redis(process.env.REDIS_URL!, { commandTimeout: 2000 });
 * const webhook = createWebhook({ appSecret, verifyToken, onEvents, dedupe: redisDedupe(redis) });
 */
export function redisDedupe(redis: Redis, options: RedisDedupeOptions = {}): RedisDedupeStore {
  parseOrThrow(redisClientSchema, redis, 'redisDedupe redis');
  const parsed = parseOrThrow(optionsSchema, options, 'redisDedupe options');
  const prefix = parsed.prefix ?? 'pagedesk:dedupe:';
  const ttlMs = parsed.ttlMs ?? 24 * 60 * 60 * 1000;
  const claimMs = parsed.claimMs ?? 60_000;
  // Names this store's claims, so release() only ever drops its own.
  const claim = `pending:${randomBytes(8).toString('hex')}`;

  return {
    async seen(id) {
      let reply: unknown;
      try {
        reply = await CLAIM.run(redis, [prefix + id], [claim, claimMs]);
      } catch (error) {
        throw failed(`claim event ${JSON.stringify(id)}`, error);
      }
      return reply === 1;
    },
    async mark(ids) {
      if (ids.length === 0) return;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.set(prefix + id, 'done', 'PX', ttlMs);
      let results: Array<[Error | null, unknown]> | null;
      try {
        results = await pipeline.exec();
      } catch (error) {
        throw failed(`mark ${ids.length} event(s) as handled`, error);
      }
      const error = results?.find(([e]) => e !== null)?.[0];
      if (error) throw failed(`mark ${ids.length} event(s) as handled`, error);
    },
    async release(ids) {
      if (ids.length === 0) return;
      try {
        await RELEASE.run(
          redis,
          ids.map((id) => prefix + id),
          [claim],
        );
      } catch (error) {
        throw failed(`release ${ids.length} claim(s)`, error);
      }
    },
  };
}

import { ValidationError } from '@pagedesk/core';
import { LRUCache } from 'lru-cache';

/**
 * Remembers which event ids were already handed over, so Meta's retries are dropped. The default
 * {@link lruDedupe} lives in one process; `redisDedupe` from `@pagedesk/redis` shares it between
 * servers. Every method may be synchronous or return a promise.
 */
export interface DedupeStore {
  /**
   * True when `id` was marked before (and has not expired). A store shared between servers may also
   * claim the id here (SET NX), so that a concurrent delivery of it to another server answers true.
   */
  seen(id: string): Promise<boolean> | boolean;
  /** Records ids as handled; called only after `onEvents` resolved. */
  mark(ids: readonly string[]): Promise<void> | void;
  /** For a store whose `seen()` claims: drops the claims when `onEvents` failed, so Meta's retry is handled. */
  release?(ids: readonly string[]): Promise<void> | void;
}

/** Options of {@link lruDedupe}. */
export interface LruDedupeOptions {
  /** Most ids kept; the least recently seen go first. Default 10 000. */
  max?: number;
  /** How long an id is remembered, in ms. Default 24 h (Meta retries within the first hour). */
  ttlMs?: number;
}

/**
 * An in-memory {@link DedupeStore}: an LRU with a time-to-live, the default of `createWebhook`.
 *
 * @example
 * createWebhook({ appSecret, verifyToken, onEvents, dedupe: lruDedupe({ max: 50_000, ttlMs: 6 * 3600_000 }) });
 */
export function lruDedupe(options: LruDedupeOptions = {}): DedupeStore {
  const max = options.max ?? 10_000;
  const ttl = options.ttlMs ?? 24 * 60 * 60 * 1000;
  if (!Number.isInteger(max) || max < 1) {
    throw new ValidationError('lruDedupe options', [{ path: 'max', message: 'expected a positive integer' }]);
  }
  if (!Number.isFinite(ttl) || ttl <= 0) {
    throw new ValidationError('lruDedupe options', [
      { path: 'ttlMs', message: 'expected a positive number' },
    ]);
  }
  const cache = new LRUCache<string, true>({ max, ttl, ttlAutopurge: false });
  return {
    seen: (id) => cache.has(id),
    mark: (ids) => {
      for (const id of ids) cache.set(id, true);
    },
  };
}

import { memoryStore, type Store } from '@pagedesk/core';
import type { DedupeStore, LiveFanout } from '@pagedesk/node-webhook';
import type { Backends } from './config.js';

/** The store, and for several servers the shared dedupe and live-update fanout, of one helpdesk. */
export interface OpenBackends {
  store: Store;
  /** Only with Redis: without it `createWebhook` and `createInboxApi` use their in-process defaults. */
  dedupe?: DedupeStore;
  fanout?: LiveFanout;
  close(): Promise<void>;
}

/**
 * Opens what `backends` names. The PostgreSQL and Redis adapters are loaded only when asked for, so the
 * default demo starts without them.
 */
export async function openBackends(backends: Backends | undefined): Promise<OpenBackends> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    let store: Store = memoryStore();
    if (backends?.store.kind === 'postgres') {
      const { postgresStore } = await import('@pagedesk/store-postgres');
      const postgres = postgresStore({ connectionString: backends.store.url });
      closers.push(() => postgres.close());
      // Every server migrates at start; the migrations take a lock, so servers starting together wait.
      await postgres.migrate();
      store = postgres;
    }
    if (!backends?.redisUrl) return { store, close };
    const [{ Redis }, { redisDedupe, redisFanout }] = await Promise.all([
      import('ioredis'),
      import('@pagedesk/redis'),
    ]);
    const redis = new Redis(backends.redisUrl, { lazyConnect: true });
    closers.push(() => redis.quit());
    await redis.connect();
    const fanout = await redisFanout(redis);
    closers.push(() => fanout.close());
    return { store, dedupe: redisDedupe(redis), fanout, close };
  } catch (error) {
    await close();
    throw error;
  }
}

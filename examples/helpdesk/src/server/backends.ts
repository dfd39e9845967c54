import { memoryStore, type Store } from '@pagedesk/core';
import { encryptCredentials } from '@pagedesk/core/server';
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

/** `url` with its password masked: URLs go into messages and logs. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

/** Names the server that could not be reached, and why, without the password. */
function unreachable(what: string, url: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`Cannot use ${what} at ${safeUrl(url)}: ${reason}`, { cause: error });
}

/**
 * Opens what `backends` names. The PostgreSQL and Redis adapters are loaded only when asked for, so the
 * default demo starts without them. A server that cannot be reached at start fails the start with an
 * error naming it; later connection errors go to `log` while the clients reconnect.
 */
export async function openBackends(
  backends: Backends | undefined,
  log: (line: string) => void = () => {},
): Promise<OpenBackends> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    let store: Store = memoryStore();
    if (backends?.store.kind === 'postgres') {
      const { url } = backends.store;
      const { postgresStore } = await import('@pagedesk/store-postgres');
      const postgres = postgresStore({ connectionString: url });
      closers.push(() => postgres.close());
      // Every server migrates at start; the migrations take a lock, so servers starting together wait.
      await postgres.migrate().catch((error: unknown) => {
        throw unreachable('PostgreSQL', url, error);
      });
      store = postgres;
    }
    if (backends?.credentialsKey) {
      // `[id:]base64`: the id is stored with each ciphertext, so a later key can take over (reencrypt).
      const [id, key] = backends.credentialsKey.includes(':')
        ? backends.credentialsKey.split(':', 2)
        : ['default', backends.credentialsKey];
      store = encryptCredentials(store, { keys: [{ id: id!, key: key! }] });
    }
    if (!backends?.redisUrl) return { store, close };
    const [{ Redis }, { redisDedupe, redisFanout }] = await Promise.all([
      import('ioredis'),
      import('@pagedesk/redis'),
    ]);
    const redisUrl = backends.redisUrl;
    // No retries for the first connection: a wrong URL should fail the start, not wait forever. A
    // command that gets no answer (Redis paused, a stalled network) fails after commandTimeout rather
    // than holding what waits on it; redisFanout's blocking reads run on connections without it.
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2000 });
    let connected = false;
    let firstError: Error | undefined;
    redis.on('error', (error: Error) => {
      if (connected) log(`Redis ${safeUrl(redisUrl)}: ${error.message}`);
      else firstError ??= error;
    });
    try {
      await redis.connect();
      connected = true;
    } catch (error) {
      redis.disconnect();
      // ioredis rejects with "Connection is closed"; its error event said why.
      throw unreachable('Redis', redisUrl, firstError ?? error);
    }
    closers.push(() => redis.quit());
    const fanout = await redisFanout(redis);
    closers.push(() => fanout.close());
    return { store, dedupe: redisDedupe(redis), fanout, close };
  } catch (error) {
    await close();
    throw error;
  }
}

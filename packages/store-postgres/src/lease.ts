import { createHash } from 'node:crypto';
import type { Lease } from '@pagedesk/core';
import { ValidationError } from '@pagedesk/core';
import type { Pool, PoolClient } from 'pg';
import { toStoreError } from './errors.js';

/** The 64-bit advisory-lock key of lease `name` (as a decimal string: pg sends bigint as text). */
function leaseKey(name: string): string {
  return createHash('sha1').update(`pagedesk.lease:${name}`).digest().readBigInt64BE(0).toString();
}

/**
 * A {@link Lease} on a PostgreSQL session advisory lock: `acquire()` takes `pg_try_advisory_lock` on a
 * connection it then keeps out of the pool, so the lease lasts while that connection does. When the
 * holder's process dies or its connection drops, PostgreSQL releases the lock and the next `acquire()`
 * on another server takes it. Each call on a held lease checks the connection first, so a holder whose
 * connection broke says false (and tries again on a new one) rather than believing it still leads.
 *
 * @param pool - Holding the lease keeps one of its connections for as long as it is held.
 * @param name - Names the lease; every server sharing the database uses the same name.
 * @example
 * const lease = postgresLease(pool, 'token-monitor');
 * if (await lease.acquire()) await runScheduledWork();
 */
export function postgresLease(pool: Pool, name: string): Lease {
  if (typeof name !== 'string' || name === '')
    throw new ValidationError('postgresLease', [{ path: 'name', message: 'expected a non-empty string' }]);
  const key = leaseKey(name);
  let held: PoolClient | undefined;
  let pending: Promise<boolean> | undefined;

  // A held connection that breaks while idle must not crash the process: the next acquire notices.
  const ignore = () => {};
  const drop = (client: PoolClient, error?: unknown) => {
    if (held === client) held = undefined;
    client.off('error', ignore);
    // Destroyed, never returned to the pool: a pooled connection holding the lock would keep it.
    client.release(error instanceof Error ? error : new Error('lease connection dropped'));
  };

  async function take(): Promise<boolean> {
    if (held) {
      const client = held;
      try {
        await client.query('SELECT 1');
        return true;
      } catch (error) {
        drop(client, error);
      }
    }
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw toStoreError(error, 'lease');
    }
    try {
      const rows = (
        await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])
      ).rows;
      if (rows[0]?.ok === true) {
        held = client;
        client.on('error', ignore);
        return true;
      }
      client.release();
      return false;
    } catch (error) {
      drop(client, error);
      throw toStoreError(error, 'lease');
    }
  }

  return {
    acquire() {
      // Concurrent calls share one attempt, so a process never takes two connections for one lease.
      pending ??= take().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    async release() {
      const client = held;
      if (!client) return;
      held = undefined;
      client.off('error', ignore);
      try {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
        client.release();
      } catch (error) {
        client.release(error instanceof Error ? error : true);
      }
    },
  };
}

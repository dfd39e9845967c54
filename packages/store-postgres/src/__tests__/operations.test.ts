import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresStore, postgresLease, postgresStore } from '../index.js';
import { dropSchema, freshSchema, postgresUrl, testPool } from './database.js';

// What an operator relies on, against real PostgreSQL: the statement timeout, pruning in batches, and
// a lease that one process holds and another takes over when the holder's connection dies.

const pool = testPool(4);
const schema = freshSchema('ops');
let store: PostgresStore;

beforeAll(async () => {
  store = postgresStore({ connectionString: postgresUrl(), schema, max: 4, statementTimeoutMs: 300 });
  await store.migrate();
});

afterAll(async () => {
  await store.close();
  await dropSchema(pool, schema);
  await pool.end();
});

describe('statement timeout', () => {
  it('cancels a statement of its own pool past statementTimeoutMs', async () => {
    const started = performance.now();
    await expect(store.pool.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('bounds a unit on a host pool with SET LOCAL, leaving the session as it was', async () => {
    const host = new Pool({ connectionString: postgresUrl(), max: 1 });
    const blocker = await pool.connect();
    try {
      const shared = postgresStore({ pool: host, schema, statementTimeoutMs: 200 });
      // An uncommitted insert of the same id makes the unit's insert wait on its row lock.
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO "${schema}".processed_events (id) VALUES ('locked')`);
      const started = performance.now();
      await expect(shared.atomic(() => shared.events.add('locked'))).rejects.toThrow(/statement timeout/);
      expect(performance.now() - started).toBeLessThan(3000);
      const shown = await host.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(shown.rows[0]?.statement_timeout).toBe('0');
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
      await host.end();
    }
  });

  it('migrate() lifts it: waiting for the migration lock is not cut short', async () => {
    expect(await store.migrate()).toMatchObject({ applied: [] });
    const shown = await store.pool.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(shown.rows[0]?.statement_timeout).toBe('300ms');
  });

  it('refuses a negative or fractional timeout', () => {
    expect(() => postgresStore({ pool, statementTimeoutMs: -1 })).toThrow(/statementTimeoutMs/);
    expect(() => postgresStore({ pool, statementTimeoutMs: 1.5 })).toThrow(/statementTimeoutMs/);
  });
});

describe('prune', () => {
  it('deletes more than one batch of old event ids and keeps the new ones', async () => {
    await pool.query(
      `INSERT INTO "${schema}".processed_events (id, processed_at)` +
        ` SELECT 'old' || g, now() - interval '10 days' FROM generate_series(1, 12000) g`,
    );
    await pool.query(
      `INSERT INTO "${schema}".waiting_effects (channel_id, mid, data, added_at)` +
        ` SELECT 'PAGE_1', 'mid.' || g, '{"type":"unsend"}', now() - interval '10 days' FROM generate_series(1, 3) g`,
    );
    await store.events.add('fresh');
    const report = await store.prune({ olderThan: Date.now() - 7 * 86_400_000 });
    expect(report).toEqual({ events: 12000, waiting: 3 });
    expect(await store.events.has('fresh')).toBe(true);
    expect(await store.events.has('old1')).toBe(false);
  });
});

describe('lease', () => {
  it('is held by one process at a time and released on demand', async () => {
    const a = store.lease('monitor');
    const b = postgresLease(pool, `${schema}:monitor`);
    expect(await a.acquire()).toBe(true);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    await a.release();
    expect(await b.acquire()).toBe(true);
    expect(await a.acquire()).toBe(false);
    await b.release();
  });

  it('passes to another process when the holder’s connection dies', async () => {
    const application = `lease_${schema}`;
    const dying = new Pool({ connectionString: postgresUrl(), max: 1, application_name: application });
    dying.on('error', () => {});
    const holder = postgresLease(dying, `${schema}:takeover`);
    const other = postgresLease(pool, `${schema}:takeover`);
    try {
      expect(await holder.acquire()).toBe(true);
      expect(await other.acquire()).toBe(false);
      // The holder's backend ends, as when its server crashes or its network drops.
      const killed = await pool.query<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [application],
      );
      expect(killed.rows[0]?.n).toBe(1);
      await expect.poll(() => other.acquire(), { timeout: 5000 }).toBe(true);
      // The old holder notices its connection is gone instead of believing it still leads.
      expect(await holder.acquire()).toBe(false);
      await other.release();
      expect(await holder.acquire()).toBe(true);
      await holder.release();
    } finally {
      await dying.end().catch(() => {});
    }
  });
});

describe('a connection that its server ends', () => {
  it('never crashes the process while a caller holds it between two queries; its next query fails', async () => {
    const held = await store.pool.connect();
    const { rows } = await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // What a PostgreSQL restart does to every session: an error message, then the socket closes.
    await pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(held.query('SELECT 1')).rejects.toThrow();
    held.release(true);
    expect(await store.events.has('after-terminate')).toBe(false);
  });
});

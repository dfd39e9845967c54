import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { ValidationError } from '@pagedesk/core';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { toStoreError } from './errors.js';
import { storable, unitLockKey } from './sql.js';

// Where a store's queries run. Inside `atomic(work)` an AsyncLocalStorage holds the unit's client, so
// every store call `work` makes (however deep) joins the unit's transaction; elsewhere, and from a
// continuation that outlives its unit, queries go to the pool.

interface Unit {
  client: PoolClient;
  /** False from the moment the unit commits or rolls back: later calls must not use the client. */
  open: boolean;
  /** True while the queries of this tick gather in the connection's socket (see `gather`). */
  corked?: boolean;
}

/** The socket under a pg client, where it exposes one (pg's `connection.stream`, not a public API). */
function socketOf(client: PoolClient): { cork(): void; uncork(): void } | undefined {
  const stream = (client as { connection?: { stream?: { cork?: unknown; uncork?: unknown } } }).connection
    ?.stream;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function'
    ? (stream as { cork(): void; uncork(): void })
    : undefined;
}

/**
 * The queries a unit issues in one tick (its reads, its writes) leave in one write: pg corks and uncorks
 * the socket per query, so each would otherwise be a syscall of its own (on loopback, the most expensive
 * step of a unit in Node after its own code). Uncorked on the next tick, after every query of this one.
 */
function gather(unit: Unit): void {
  if (unit.corked) return;
  const socket = socketOf(unit.client);
  if (!socket) return;
  socket.cork();
  unit.corked = true;
  process.nextTick(() => {
    unit.corked = false;
    socket.uncork();
  });
}

export interface Executor {
  query<TRow extends QueryResultRow>(text: string, values?: unknown[]): Promise<TRow[]>;
  atomic<T>(work: () => Promise<T>, scope?: string): Promise<T>;
}

// A checked-out client whose connection drops between two queries emits 'error', and pg's pool
// listens only on idle clients: without a listener the process would crash (seen with PostgreSQL
// restarted under load). The unit's next query fails with a typed error instead.
const ignoreError = () => {};

const names = new Map<string, string>();
/** A prepared-statement name per query text: each connection parses and plans a text once. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `pagedesk_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** A 32-bit advisory-lock key for `text` (PostgreSQL's two-key locks take two int4s). */
function int4Key(text: string): number {
  return createHash('sha1').update(text).digest().readInt32BE(0);
}

export function createExecutor(pool: Pool, schema: string, statementTimeoutMs = 0): Executor {
  const units = new AsyncLocalStorage<Unit>();
  // The key is built from the validated schema name ([a-z0-9_]); quoted as a literal all the same.
  const schemaLock = `hashtextextended('${unitLockKey(schema).replaceAll("'", "''")}', 0)`;
  const schemaKey = int4Key(unitLockKey(schema));
  // A unit without a scope holds the schema's lock alone. A scoped unit shares it with the other
  // scoped units and holds its scope's lock alone (a two-key lock: a space of its own), so units of
  // different scopes run at once and an unscoped unit still waits for all of them. Every unit takes
  // at most these two, in this order, so no two units wait on each other. Sent with BEGIN as one
  // simple-protocol string: one round trip. The keys are numbers, so no text is spliced in.
  // The timeout (an integer) is set first, so a lock wait is bounded too, and only for this transaction.
  // A unit's statements are planned at each run (`force_custom_plan`), with the table sizes of now: a
  // generic plan is cached per connection, and one made while a table was small (a fresh schema, or
  // one vacuumed empty) keeps scanning it whole as it grows, every `id = ANY($1)` lookup comparing each
  // row with each key (processed_events at 20,000 rows: 12 ms a lookup instead of 0.1 ms) until an
  // ANALYZE happens to invalidate it. The statements stay prepared: only their planning is repeated.
  const timeout =
    statementTimeoutMs > 0 ? `; SET LOCAL statement_timeout = ${Math.floor(statementTimeoutMs)}` : '';
  const begin = `BEGIN${timeout}; SET LOCAL plan_cache_mode = force_custom_plan`;
  const beginFor = (scope: string | undefined) =>
    scope === undefined
      ? `${begin}; SELECT pg_advisory_xact_lock(${schemaLock})`
      : `${begin}; SELECT pg_advisory_xact_lock_shared(${schemaLock}); SELECT pg_advisory_xact_lock(${schemaKey}, ${int4Key(scope)})`;

  async function query<TRow extends QueryResultRow>(text: string, values: unknown[] = []): Promise<TRow[]> {
    const unit = units.getStore();
    const target = unit?.open ? unit.client : pool;
    if (unit?.open) gather(unit);
    try {
      return (await target.query<TRow>({ name: statementName(text), text, values: values.map(storable) }))
        .rows;
    } catch (error) {
      throw toStoreError(error, schema);
    }
  }

  async function atomic<T>(work: () => Promise<T>, scope?: string): Promise<T> {
    if (scope !== undefined && typeof scope !== 'string') {
      throw new ValidationError('atomic', [{ path: 'scope', message: 'expected a string or undefined' }]);
    }
    const current = units.getStore();
    // Nested: the outer unit's transaction (and its lock) is the unit.
    if (current?.open) return work();
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw toStoreError(error, schema);
    }
    client.on('error', ignoreError);
    const unit: Unit = { client, open: true };
    // Pipelined for the unit (pg sends a query without waiting for the answers before it; each has a
    // Sync of its own, so a failure still fails only its query and aborts the transaction): the
    // queries the unit issues at once (the inbox's bulk reads, its writes) share one round trip.
    // Restored on release: the pool may be the host's.
    const pipelined = client as PoolClient & { pipeline: boolean };
    const wasPipelined = pipelined.pipeline;
    pipelined.pipeline = true;
    const release = (error?: Error | boolean) => {
      pipelined.pipeline = wasPipelined;
      client.off('error', ignoreError);
      client.release(error);
    };
    try {
      // Released by COMMIT/ROLLBACK: units of one scope (the inbox's: a channel) run one at a time on
      // every server sharing the schema, which makes the inbox's read-modify-write safe across servers.
      // Awaited before `work` starts: what it does, it does holding the lock.
      await client.query(beginFor(scope));
    } catch (error) {
      unit.open = false;
      release(error instanceof Error ? error : true);
      throw toStoreError(error, schema);
    }
    let result: T;
    try {
      result = await units.run(unit, work);
    } catch (error) {
      unit.open = false;
      try {
        await client.query('ROLLBACK');
        release();
      } catch (rollbackError) {
        // The connection is unusable: destroy it; the unit's error is the one worth reporting.
        release(rollbackError instanceof Error ? rollbackError : true);
      }
      throw error;
    }
    unit.open = false;
    try {
      await client.query('COMMIT');
    } catch (error) {
      release(error instanceof Error ? error : true);
      throw toStoreError(error, schema);
    }
    release();
    return result;
  }

  return { query, atomic };
}

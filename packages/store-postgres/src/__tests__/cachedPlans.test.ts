import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkSql } from '../bulk.js';
import { createExecutor } from '../executor.js';
import { postgresStore } from '../index.js';
import { dropSchema, freshSchema, testPool } from './database.js';

// A prepared statement's generic plan is cached per connection. One made while a table was empty (a
// fresh schema vacuumed, or pruned empty) scans the table whole however large it grows, until an ANALYZE
// invalidates it: a unit's `id = ANY($1)` lookup then compares every row with every key (a generic
// plan cannot hash a parameter's keys as it does a constant's). Units plan their statements at each
// run; this shows the cached plan outside a unit, and the unit's own.

// One connection: the statement is prepared, and its plan cached, on the connection the unit then uses.
const pool = testPool(1);
const schema = freshSchema('cachedplans');
const store = postgresStore({ pool, schema });
const s = `"${schema}"`;
const lookup = bulkSql(s).eventsHas;
const keys = Array.from({ length: 100 }, (_, i) => `event.${i * 97}`);

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/** The plan the connection would run the store's own prepared lookup with, as it stands now. */
async function planNow(query: (text: string, values?: unknown[]) => Promise<unknown[]>): Promise<string[]> {
  const named = (await query('SELECT name FROM pg_prepared_statements WHERE statement = $1', [
    lookup,
  ])) as Array<{
    name: string;
  }>;
  expect(named).toHaveLength(1);
  // EXECUTE takes no bound parameters: the name is the store's own (`pagedesk_` and hex) and the keys
  // are this file's constants, so both are spelled into the text.
  const literal = `ARRAY[${keys.map((k) => `'${k}'`).join(',')}]::text[]`;
  const rows = (await query(`EXPLAIN (FORMAT JSON) EXECUTE ${named[0]!.name}(${literal})`)) as Array<{
    'QUERY PLAN': Array<{ Plan: PlanNode }>;
  }>;
  return nodes(rows[0]!['QUERY PLAN'][0]!.Plan).map((n) => n['Index Name'] ?? n['Node Type']);
}

beforeAll(async () => {
  await store.migrate();
  // Vacuumed while empty: the planner now knows the table as 0 pages.
  await pool.query(`VACUUM ANALYZE ${s}.processed_events`);
  // Prepared and run often enough outside a unit for PostgreSQL to settle on a generic plan.
  for (let i = 0; i < 8; i++) await store.events.hasMany!(keys);
  // The table grows, with no ANALYZE since.
  await pool.query(
    `INSERT INTO ${s}.processed_events (id) SELECT 'event.' || g FROM generate_series(1, 200000) g`,
  );
}, 30_000);
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('cached plans of a table that grew', () => {
  it('outside a unit, the generic plan made on the empty table still scans it whole', async () => {
    const plan = await planNow(async (text, values) => (await pool.query(text, values)).rows);
    expect(plan).toContain('Seq Scan');
  });

  it("a unit plans its lookup with today's size: the primary key, one probe per key", async () => {
    // The store's own executor, whose units the inbox's writes run in (pool of one: the same connection).
    const { query, atomic } = createExecutor(pool, schema);
    const plan = await atomic(() => planNow(query), 'PAGE_1');
    expect(plan).not.toContain('Seq Scan');
    expect(plan).toContain('processed_events_pkey');
  });
});

import { type PruneOptions, type PruneReport, pruneCutoff } from '@pagedesk/core';

// Pruning deletes in batches of a bounded size, each its own statement: every one stays well inside the
// statement timeout and holds its row locks briefly, however much has piled up.

const BATCH = 5000;

type Query = <TRow extends Record<string, unknown>>(text: string, values?: unknown[]) => Promise<TRow[]>;

/** One batch of each table's prune in schema `s` (quoted): `$1` is the cutoff (a timestamptz). */
export function pruneSql(s: string): { events: string; waiting: string } {
  // Each finds its oldest rows through an index on its time column (processed_events_age, waiting_effects_age).
  const batchOf = (table: string, column: string) =>
    `WITH gone AS (DELETE FROM ${s}.${table} WHERE ctid = ANY(ARRAY(` +
    `SELECT ctid FROM ${s}.${table} WHERE ${column} < $1 LIMIT ${BATCH})) RETURNING 1)` +
    ' SELECT count(*)::int AS n FROM gone';
  return {
    events: batchOf('processed_events', 'processed_at'),
    waiting: batchOf('waiting_effects', 'added_at'),
  };
}

/** `Store.prune` for the tables of schema `s` (quoted), running its statements through `query`. */
export function postgresPrune(query: Query, s: string): (options: PruneOptions) => Promise<PruneReport> {
  const sql = pruneSql(s);
  async function drain(text: string, cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const n = (await query<{ n: number }>(text, [cutoff]))[0]?.n ?? 0;
      total += n;
      if (n < BATCH) return total;
    }
  }
  return async (options) => {
    const cutoff = new Date(pruneCutoff(options));
    return { events: await drain(sql.events, cutoff), waiting: await drain(sql.waiting, cutoff) };
  };
}

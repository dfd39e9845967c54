import {
  type ConversationQuery,
  createInbox,
  type MessengerEvent,
  memoryStore,
  type Store,
} from '@pagedesk/core';
import { testEvents } from '@pagedesk/core/testing';
import { type PostgresStore, postgresStore } from '@pagedesk/store-postgres';
import { ensureServices } from '../../scripts/services.js';
import type { BenchOptions } from './options.js';
import { conversationId, type SeedSize, seedPostgres, seedStore, T0 } from './postgresSeed.js';
import { notMeasured, pairedRow, type Row, reason, type Section } from './report.js';
import { percentile } from './stats.js';

// Section 7: @pagedesk/store-postgres on a seeded inbox (1M messages over 50k conversations), beside
// memoryStore() holding the same data in the same process: inbox.apply() throughput with one unit
// (transaction + advisory lock) per event, and the inbox's list queries, p50 and p99.

const FULL = { conversations: 50_000, messages: 1_000_000, events: 5_000, samples: 100 };
// Quick runs are a smoke test: 1/20 of the data and of the events.
const QUICK = { conversations: 2_500, messages: 50_000, events: 250, samples: 40 };
const SCHEMA = 'pagedesk_bench';
const BATCH = 100;
/** Inboxes applying at once in the scale-out row, each with a pool of its own, as servers would. */
const SERVERS = 4;
const MESSAGE_PAGE = 10;

type Size = typeof FULL;

interface QuerySpec {
  name: string;
  run(store: Store, i: number): Promise<unknown>;
}

/** The i-th conversation worth reading: spread over the set so caches do not flatter either store. */
const someConversation = (size: SeedSize, i: number) => conversationId(1 + ((i * 7919) % size.conversations));

function querySpecs(size: SeedSize, cursors: Map<string, string>): QuerySpec[] {
  const list = (query: (i: number) => ConversationQuery) => (store: Store, i: number) =>
    store.conversations.list(query(i));
  return [
    { name: 'conversations.list, no filter', run: list(() => ({})) },
    { name: 'conversations.list by channel', run: list((i) => ({ channelId: `PAGE_${i % 50}` })) },
    {
      name: 'conversations.list open + assignee',
      run: list((i) => ({ status: 'open', assigneeId: `agent-${i % 23}` })),
    },
    { name: 'conversations.list open + unassigned', run: list(() => ({ status: 'open', assigneeId: null })) },
    {
      name: 'conversations.list next page (cursor)',
      run: list(() => ({ cursor: cursors.get('conversations')! })),
    },
    {
      name: `messages.list newest ${MESSAGE_PAGE}`,
      run: (store, i) => store.messages.list(someConversation(size, i), { limit: MESSAGE_PAGE }),
    },
    {
      name: `messages.list ${MESSAGE_PAGE} before a cursor`,
      run: (store, i) =>
        store.messages.list(someConversation(size, i), {
          limit: MESSAGE_PAGE,
          before: cursors.get(someConversation(size, i))!,
        }),
    },
  ];
}

/** Per-call latencies (ms) of `samples` calls, after a few unmeasured ones (prepared statements, JIT). */
async function latencies(store: Store, spec: QuerySpec, samples: number): Promise<number[]> {
  for (let i = 0; i < 5; i++) await spec.run(store, i);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await spec.run(store, i);
    out.push(performance.now() - t0);
  }
  return out;
}

/** `count` new customer messages: half to open conversations of the seed, half to new customers. */
function eventsFor(run: number, size: Size): MessengerEvent[] {
  const open = size.conversations / 20;
  return Array.from({ length: size.events }, (_, i) => {
    const g = 20 * (1 + ((i * 31 + run) % open));
    const existing = i % 2 === 0;
    return testEvents.message({
      pageId: existing ? `PAGE_${g % 50}` : `PAGE_${i % 50}`,
      customerId: existing ? `PSID_${g}` : `PSID_new_${run}_${i % 500}`,
      mid: `mid.bench.${run}.${i}`,
      text: `Any news about order #${100_000 + i}?`,
      timestamp: T0 + size.messages * 10 + 1_000_000 + run * size.events + i,
    });
  });
}

async function applyRate(store: Store, events: MessengerEvent[]): Promise<number> {
  const inbox = createInbox({ store });
  let failed = 0;
  inbox.on('error', () => {
    failed++;
  });
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await inbox.apply(events.slice(i, i + BATCH));
  const seconds = (performance.now() - t0) / 1000;
  if (failed > 0) throw new Error(`${failed} events failed to apply`);
  return events.length / seconds;
}

/**
 * `SERVERS` inboxes, each on a store with a pool of its own (as separate servers would be), apply the
 * events at once, each those of its own channels (as a load balancer sharding pages would hand them
 * out): units of different channels run at once. Events/s over all of them.
 */
async function scaledApplyRate(url: string, events: MessengerEvent[]): Promise<number> {
  const stores = Array.from({ length: SERVERS }, () =>
    postgresStore({ connectionString: url, schema: SCHEMA, max: 2 }),
  );
  try {
    const shares = stores.map((_, k) =>
      events.filter((e) => Number(e.pageId.slice('PAGE_'.length)) % SERVERS === k),
    );
    const t0 = performance.now();
    await Promise.all(stores.map((store, k) => applyRate(store, shares[k]!)));
    return events.length / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

/** Both stores must answer every query the same way, or the comparison means nothing. */
async function checkSameAnswers(pg: Store, memory: Store, specs: QuerySpec[]): Promise<void> {
  for (const spec of specs) {
    for (const i of [0, 1, 7]) {
      const [a, b] = [await spec.run(pg, i), await spec.run(memory, i)];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error(`${spec.name} (sample ${i}) differs between postgresStore and memoryStore`);
      }
    }
  }
}

/** Section 7: the PostgreSQL store on a seeded inbox, beside memoryStore() with the same data. */
export async function postgresStoreBench(options: BenchOptions): Promise<Section> {
  const size = options.quick ? QUICK : FULL;
  const runs = options.quick ? 1 : options.runs;
  const { postgresUrl } = await ensureServices();
  const pg: PostgresStore = postgresStore({ connectionString: postgresUrl, schema: SCHEMA, max: 4 });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    await pg.pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await pg.migrate();
    let t0 = performance.now();
    await seedPostgres(pg, size);
    const pgSeedS = (performance.now() - t0) / 1000;
    const memory = memoryStore();
    t0 = performance.now();
    await seedStore(memory, size);
    const memorySeedS = (performance.now() - t0) / 1000;
    const { rows: sizeRows } = await pg.pool.query<{ bytes: string }>(
      `SELECT sum(pg_total_relation_size(c.oid))::bigint::text AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [SCHEMA],
    );
    const dbMiB = Number(sizeRows[0]?.bytes ?? 0) / 2 ** 20;

    // Cursors for the paged queries, taken once from the (identical) seeded data.
    const cursors = new Map<string, string>();
    const first = await memory.conversations.list({});
    if (first.nextCursor) cursors.set('conversations', first.nextCursor);
    for (let i = 0; i < size.samples + 5; i++) {
      const id = someConversation(size, i);
      const page = await memory.messages.list(id, { limit: MESSAGE_PAGE });
      if (page.nextCursor) cursors.set(id, page.nextCursor);
    }
    const specs = querySpecs(size, cursors);
    await checkSameAnswers(pg, memory, specs);

    rows.push(
      pairedRow(
        `seed ${size.messages.toLocaleString('en-US')} messages: generate_series SQL into PostgreSQL`,
        's',
        [pgSeedS],
        [memorySeedS],
        { higherIsBetter: false, note: 'baseline: the same entities put one by one into memoryStore()' },
      ),
    );

    const applyPg: number[] = [];
    const applyScaled: number[] = [];
    const applyMemory: number[] = [];
    const lat = new Map<string, { pg: number[][]; memory: number[][] }>(
      specs.map((s) => [s.name, { pg: [], memory: [] }]),
    );
    for (let run = 0; run < runs; run++) {
      const events = eventsFor(run, size);
      applyMemory.push(await applyRate(memory, events));
      applyPg.push(await applyRate(pg, events));
      // Events of their own (other mids, other new customers): the same ones would be redeliveries.
      applyScaled.push(await scaledApplyRate(postgresUrl, eventsFor(runs + run, size)));
      for (const spec of specs) {
        const entry = lat.get(spec.name)!;
        entry.memory.push(await latencies(memory, spec, size.samples));
        entry.pg.push(await latencies(pg, spec, size.samples));
      }
    }
    rows.push(
      pairedRow('inbox.apply() on postgresStore (one unit per event)', 'events/s', applyPg, applyMemory, {
        higherIsBetter: true,
      }),
      pairedRow(
        `inbox.apply() on postgresStore, ${SERVERS} inboxes at once, each on its own channels`,
        'events/s',
        applyScaled,
        applyPg,
        { higherIsBetter: true, note: 'baseline: one inbox (the row above), so the ratio is the scale-out' },
      ),
    );
    for (const spec of specs) {
      const entry = lat.get(spec.name)!;
      for (const p of [50, 99]) {
        rows.push(
          pairedRow(
            `${spec.name}`,
            `ms p${p}`,
            entry.pg.map((l) => percentile(l, p)),
            entry.memory.map((l) => percentile(l, p)),
            { higherIsBetter: false },
          ),
        );
      }
    }
    notes.push(
      `Seed: ${size.conversations.toLocaleString('en-US')} customers and conversations and ${size.messages.toLocaleString('en-US')} messages, ` +
        `${pgSeedS.toFixed(1)} s into PostgreSQL (three INSERT … SELECT FROM generate_series statements with every index in place, then VACUUM ANALYZE; ${dbMiB.toFixed(0)} MiB of tables and indexes) ` +
        `and ${memorySeedS.toFixed(1)} s into memoryStore() (one put per entity).`,
      'Before measuring, every query is run on both stores with the same arguments and must return identical pages (items and cursors): the PostgreSQL store answers exactly as memoryStore() does on this data set.',
      'Ratios: for events/s, postgresStore / memoryStore (below 1 means slower); for latencies, memoryStore ms / postgresStore ms (above 1 means PostgreSQL is faster). memoryStore scans and sorts every conversation per list call; PostgreSQL reads limit + 1 rows from the index made for the filter.',
      'apply() on PostgreSQL pays per event a transaction, advisory locks (the price of sharing the database between servers) and about ten round trips on 127.0.0.1; memoryStore does the same work in the heap. ' +
        `Each unit locks its channel only: ${SERVERS} inboxes with pools of their own (servers, in one process here) applying the events of different pages at once scale the rate; units of one page run one at a time wherever they run.`,
      'The PostgreSQL server runs with fsync and synchronous_commit off (scripts/services.ts): commit latency on durable storage would lower the apply rate.',
    );
  } catch (error) {
    rows.push(notMeasured('postgresStore', '', reason(error)));
  } finally {
    await pg.pool.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`).catch(() => undefined);
    await pg.close();
  }
  return {
    id: 'postgres',
    title: '7. PostgreSQL store',
    method:
      `\`postgresStore()\` from @pagedesk/store-postgres on PostgreSQL (127.0.0.1, scripts/services.ts), schema \`${SCHEMA}\` seeded with ` +
      `${size.messages.toLocaleString('en-US')} messages over ${size.conversations.toLocaleString('en-US')} conversations, beside \`memoryStore()\` holding the same data in the same process. ` +
      `Throughput: ${size.events.toLocaleString('en-US')} new customer messages (half to open conversations of the seed, half from new customers) through \`createInbox().apply()\` in batches of ${BATCH}, ` +
      `the same events on each store. Latency: ${size.samples} calls per query per run with varying arguments (channel, agent, conversation), after 5 unmeasured ones; ` +
      `conversation pages of 25, message pages of ${MESSAGE_PAGE}. ${runs} run(s); each run measures memoryStore then PostgreSQL.` +
      (options.quick ? ' Quick run: 1/20 of the data.' : ''),
    baselineName: 'memoryStore()',
    rows,
    notes,
  };
}

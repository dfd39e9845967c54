import { demoPages } from '@pagedesk/emulator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, openSse, type SseClient, startInstance } from '../src/cluster.js';
import { type FaultProxy, startFaultProxy } from '../src/faultProxy.js';
import { deliveries, META_BUDGET_MS, type RetryRun, sendWithRetries } from '../src/metaRetries.js';
import {
  type PrivatePostgres,
  type PrivateRedis,
  startPrivatePostgres,
  startPrivateRedis,
} from '../src/privateServices.js';
import { createRecorder } from '../src/recorder.js';

// Two demo helpdesk processes on a PostgreSQL and a Redis this file owns (the shared servers are never
// restarted), each reached through a TCP fault proxy. Meta's side posts every delivery and retries it
// on the other server until it is answered 200. Faults: a server SIGKILLed mid-batch, PostgreSQL
// restarted under load, Redis stopped and started, Redis paused (SIGSTOP), and the network to each
// stalled and reset. After each: every message stored exactly once, every webhook answered within
// Meta's budget, and the browsers' streams carry on.

const SIZE = Number(process.env.PAGEDESK_FAULT_MESSAGES ?? 45);
const PAGE = demoPages[0]!.id;
const rec = createRecorder('8-server-faults', 'Faults with real servers: kills, restarts, stalls');

let postgres: PrivatePostgres;
let redis: PrivateRedis;
let pgProxy: FaultProxy;
let redisProxy: FaultProxy;
let a: Instance;
let b: Instance;
let db: pg.Pool | undefined;
const clients: SseClient[] = [];

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPrivatePostgres('faults'), startPrivateRedis()]);
  [pgProxy, redisProxy] = await Promise.all([startFaultProxy(postgres.port), startFaultProxy(redis.port)]);
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE pagedesk_faults');
  await admin.end();
  const args = [
    '--store',
    'postgres',
    '--database-url',
    `postgres://postgres@127.0.0.1:${pgProxy.port}/pagedesk_faults`,
    '--redis',
    `redis://127.0.0.1:${redisProxy.port}`,
    '--no-seed',
  ];
  [a, b] = await Promise.all([startInstance('A', args), startInstance('B', args)]);
  // A pool: its connections die with each PostgreSQL restart and are opened again.
  db = new pg.Pool({ connectionString: postgres.url.replace(/\/postgres$/, '/pagedesk_faults'), max: 2 });
  db.on('error', () => {});
  clients.push(openSse(a.url), openSse(b.url));
  await Promise.all(clients.map((c) => c.connected));
}, 240_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.end().catch(() => {});
  await Promise.all([pgProxy?.close(), redisProxy?.close()]);
  await redis?.stop();
  await postgres?.destroy();
  rec.flush();
}, 120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until every running server answers `GET /api/health` with 200 (a crashed one never does). */
async function allHealthy(instances: Instance[]): Promise<void> {
  const until = Date.now() + 30_000;
  for (const instance of instances) {
    for (;;) {
      const status = await fetch(`${instance.url}/api/health`, { signal: AbortSignal.timeout(3000) })
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 200) break;
      if (Date.now() > until)
        throw new Error(`${instance.name} is not healthy (${status}):\n${instance.output().slice(-3000)}`);
      await sleep(200);
    }
  }
}

/** Stored rows per mid of a scenario. */
async function stored(prefix: string): Promise<Map<string, number>> {
  const rows = await db!.query<{ mid: string; n: number }>(
    'SELECT mid, count(*)::int AS n FROM pagedesk.messages WHERE mid LIKE $1 GROUP BY mid',
    [`${prefix}\\_%`],
  );
  return new Map(rows.rows.map((r) => [r.mid, r.n]));
}

/** Distinct mids of `message:created` events a client streamed for a scenario. */
function streamed(client: SseClient, prefix: string): Set<string> {
  const mids = client.events
    .filter((e) => e.type === 'message:created')
    .map((e) => (e.data['message'] as { mid?: string }).mid ?? '')
    .filter((mid) => mid.startsWith(`${prefix}_`));
  return new Set(mids);
}

/** Checks and records one scenario: 0 lost, 0 duplicated, answers within Meta's budget. */
async function settle(
  name: string,
  prefix: string,
  run: RetryRun,
  streamers: SseClient[],
  options: { budgetMs?: number } = {},
) {
  const rows = await stored(prefix);
  const lost = SIZE - rows.size;
  const duplicated = [...rows.values()].reduce((sum, n) => sum + n - 1, 0);
  // Streams catch up after the fault: wait a little for the last events.
  const until = Date.now() + 5000;
  while (Date.now() < until && streamers.some((c) => streamed(c, prefix).size < SIZE)) await sleep(100);
  const perClient = streamers.map((c) => streamed(c, prefix).size);
  const failures = run.answers.filter((x) => x.status !== 200).length;
  const line =
    `${name}: sent ${SIZE} messages in ${run.delivered} deliveries (${run.answers.length} posts, ` +
    `${failures} answered non-200 and retried), stored ${rows.size} (${lost} lost, ${duplicated} duplicated), ` +
    `${perClient.length > 0 ? `streamed ${perClient.join(' and ')}, ` : ''}slowest answer ${run.slowestMs} ms`;
  console.info(line);
  rec.case(line);
  if (lost > 0 || duplicated > 0 || run.abandoned > 0)
    for (const instance of [a, b])
      console.info(`--- ${instance.name} ---\n${instance.output().slice(-3000)}`);
  rec.set(`${name}: lost`, lost);
  rec.set(`${name}: duplicated`, duplicated);
  rec.set(`${name}: slowest answer`, run.slowestMs, 'ms');
  expect(run.abandoned).toBe(0);
  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
  expect(run.slowestMs).toBeLessThan(options.budgetMs ?? META_BUDGET_MS);
  return { perClient, failures };
}

describe('faults with real servers (2 demo processes, own PostgreSQL and Redis, TCP fault proxies)', () => {
  // While PostgreSQL is down, `inbox.apply()` rejects on the store's failure even though the demo
  // listens for 'error', so the webhook answers 5xx and Meta's retries land once it is back.
  it('PostgreSQL restarted under load: 5xx in time during the outage, retries land, the pools recover', async () => {
    await allHealthy([a, b]);
    const prefix = 'm_pgrestart';
    let downMs = 0;
    const run = await sendWithRetries(deliveries(PAGE, prefix, SIZE), () => [a.url, b.url], {
      startFaultAfter: Math.floor(SIZE / 6),
      during: async () => {
        downMs = await postgres.restart(1500);
      },
    });
    rec.set('PostgreSQL restart: down for', downMs, 'ms');
    const { failures } = await settle('PostgreSQL restart', prefix, run, clients);
    expect(failures).toBeGreaterThan(0);
  });

  it('Redis stopped and started: dedupe fails open without duplicates, fan-out resumes, browsers resync through reset', async () => {
    await allHealthy([a, b]);
    const prefix = 'm_redisrestart';
    const resets = () => clients.map((c) => c.events.filter((e) => e.type === 'reset').length);
    const resetsBefore = resets();
    const run = await sendWithRetries(deliveries(PAGE, prefix, SIZE), () => [a.url, b.url], {
      startFaultAfter: Math.floor(SIZE / 6),
      during: async () => {
        await redis.stop();
        await sleep(1500);
        await redis.start();
      },
    });
    await settle('Redis restart', prefix, run, []);
    // After the restart, live events flow again on both servers.
    const after = 'm_redisafter';
    const tail = await sendWithRetries(deliveries(PAGE, after, 6), () => [a.url, b.url]);
    expect(tail.abandoned).toBe(0);
    const until = Date.now() + 10_000;
    while (Date.now() < until && clients.some((c) => streamed(c, after).size < 6)) await sleep(100);
    expect(clients.map((c) => streamed(c, after).size)).toEqual([6, 6]);
    // What was published during the outage never reached the stream: each browser, connected all
    // along, was told to refetch once fan-out resumed.
    const resetsAfter = resets();
    rec.set(
      'Redis restart: reset events (each browser)',
      resetsAfter.map((n, i) => n - resetsBefore[i]!).join(' / '),
    );
    expect(resetsAfter.every((n, i) => n > resetsBefore[i]!)).toBe(true);
    rec.set(
      'Redis restart: streamed during the outage (each browser)',
      clients.map((c) => streamed(c, prefix).size).join(' / '),
    );
  });

  it('Redis paused (SIGSTOP): every webhook still answered within Meta’s budget', async () => {
    await allHealthy([a, b]);
    const prefix = 'm_redispause';
    const run = await sendWithRetries(deliveries(PAGE, prefix, SIZE), () => [a.url, b.url], {
      startFaultAfter: Math.floor(SIZE / 6),
      during: async () => {
        redis.pause();
        await sleep(6000);
        redis.unpause();
      },
    });
    await settle('Redis paused 6 s', prefix, run, clients);
  });

  it('network to PostgreSQL stalled, then reset: answered in time, nothing lost or doubled', async () => {
    await allHealthy([a, b]);
    const prefix = 'm_pgstall';
    const run = await sendWithRetries(deliveries(PAGE, prefix, SIZE), () => [a.url, b.url], {
      startFaultAfter: Math.floor(SIZE / 6),
      during: async () => {
        pgProxy.stall();
        await sleep(6000);
        pgProxy.resume();
        await sleep(500);
        rec.set('PostgreSQL network reset: connections dropped', pgProxy.drop());
      },
    });
    await settle('PostgreSQL network stalled 6 s then reset', prefix, run, clients);
  });

  it('network to Redis stalled, then reset: answered in time, streams carry on', async () => {
    await allHealthy([a, b]);
    const prefix = 'm_redisstall';
    const run = await sendWithRetries(deliveries(PAGE, prefix, SIZE), () => [a.url, b.url], {
      startFaultAfter: Math.floor(SIZE / 6),
      during: async () => {
        redisProxy.stall();
        await sleep(6000);
        redisProxy.resume();
        await sleep(500);
        rec.set('Redis network reset: connections dropped', redisProxy.drop());
      },
    });
    await settle('Redis network stalled 6 s then reset', prefix, run, clients);
  });

  it('a server SIGKILLed mid-batch: Meta’s retries go to the other, 0 lost, 0 duplicated', async () => {
    await allHealthy([a, b]);
    const prefix = 'm_sigkill';
    let killed = false;
    const run = await sendWithRetries(
      deliveries(PAGE, prefix, SIZE),
      () => (killed ? [b.url] : [a.url, b.url]),
      {
        concurrency: 6,
        startFaultAfter: Math.floor(SIZE / 4),
        during: async () => {
          await a.kill('SIGKILL');
          killed = true;
        },
      },
    );
    await settle('Server SIGKILLed mid-batch', prefix, run, [clients[1]!]);
    await allHealthy([b]);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { postgresStore } from '@pagedesk/store-postgres';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { channel } from '../../packages/node-webhook/src/inboxApi/__tests__/helpers.js';
import {
  type LiveServer,
  openLiveClient,
  type SseConnection,
  startLiveServer,
  textDelivery,
} from '../src/liveRig.js';
import { createRecorder } from '../src/recorder.js';

// A soak: for PAGEDESK_SOAK_SECONDS (CI: 20; `pnpm reliability:long`: 1,800) two inbox API servers on
// PostgreSQL (a schema of this file's own) and Redis take webhook messages, agents' outbound messages
// and browsers that come and go, while the heap, the live connections and the database connections
// are sampled. Everything sent must be stored and streamed, and none of the samples may grow: the
// heap's last quarter stays within a bound of its first, connections return to what they were.

const SECONDS = Number(process.env.PAGEDESK_SOAK_SECONDS ?? 20);
const BROWSERS = 20;
const rec = createRecorder('10-soak', 'Soak: webhooks, agents and browsers for a long while');
const postgresUrl = inject('postgresUrl');
const redisUrl = inject('redisUrl');
const stream = `pd-reliability:soak:${randomUUID()}`;
const schema = `pdsoak_${randomBytes(4).toString('hex')}`;
const store = postgresStore({ connectionString: postgresUrl, schema, max: 8 });
const servers: LiveServer[] = [];
// A real collection before each heap sample (as load.test.ts does): the flag is set at run time and
// `gc` read from a fresh context, since vitest's workers cannot be given --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  await store.migrate();
  await store.channels.put(channel());
  servers.push(
    await startLiveServer({ store, redisUrl, stream, webhook: true }),
    await startLiveServer({ store, redisUrl, stream }),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await store.close();
  const admin = new Redis(redisUrl);
  await admin.del(stream, `${stream}:seq`, `${stream}:sequence`);
  await admin.quit();
  rec.flush();
}, 60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('soak', () => {
  it(
    `runs ${SECONDS} s of webhooks, agents and browsers with flat heap and connections`,
    async () => {
      // The test's own record, per message number: how many steady browsers got it, and whether the
      // webhook took it. Typed arrays (outside the JS heap, a byte a message) so the record does not grow
      // the heap the soak measures: strings per message would add ~100 bytes each over a long run.
      let received = new Uint8Array(1 << 14);
      let accepted = new Uint8Array(1 << 14);
      const grown = (array: Uint8Array<ArrayBuffer>, index: number): Uint8Array<ArrayBuffer> => {
        if (index < array.length) return array;
        const bigger = new Uint8Array(Math.max(array.length * 2, index + 1));
        bigger.set(array);
        return bigger;
      };
      const numberOf = (mid: string) => (mid.startsWith('m_soak_') ? Number(mid.slice(7)) : -1);
      const onCreated = (mid: string) => {
        const i = numberOf(mid);
        if (i < 0) return;
        received = grown(received, i);
        received[i] = (received[i] ?? 0) + 1;
      };
      // Steady browsers see everything; churning ones come and go all the time.
      const steady: SseConnection[] = [];
      for (let i = 0; i < BROWSERS; i++) steady.push(await openLiveClient(servers[i % 2]!.url, onCreated));
      const liveBefore = servers.map((s) => s.liveConnections());
      const samples: Array<{ heap: number; live: number; pool: number }> = [];
      let sent = 0;
      let outbound = 0;
      let webhookErrors = 0;
      const until = Date.now() + SECONDS * 1000;
      const base = Date.UTC(2026, 10, 22, 9);
      let n = 0;
      let conversationId: string | undefined;
      let churn: SseConnection | undefined;
      const sampler = setInterval(
        () => {
          gc();
          samples.push({
            heap: process.memoryUsage().heapUsed,
            live: servers.reduce((sum, s) => sum + s.liveConnections(), 0),
            pool: store.pool.totalCount,
          });
        },
        Math.max(250, (SECONDS * 1000) / 120),
      );
      try {
        // Bounded: stops at the deadline, and never sends more than 200 messages a second.
        while (Date.now() < until) {
          const started = Date.now();
          const mid = `m_soak_${n}`;
          const { body, headers } = textDelivery('page-1', `psid-${n % 50}`, mid, base + n * 1000);
          n++;
          const response = await fetch(`${servers[0]!.url}/webhook`, {
            method: 'POST',
            body,
            headers,
          });
          await response.arrayBuffer();
          if (response.status === 200) {
            accepted = grown(accepted, n - 1);
            accepted[n - 1] = 1;
            sent++;
          } else webhookErrors++;
          if (n % 5 === 0) {
            conversationId ??= (await store.conversations.list({ limit: 1 })).items[0]?.id;
            if (conversationId) {
              await servers[n % 2]!.inbox.recordOutbound(conversationId, {
                text: `agent reply ${n}`,
                author: { kind: 'agent', agentId: 'ana' },
              });
              outbound++;
            }
          }
          if (n % 10 === 0) {
            churn?.close();
            churn = await openLiveClient(servers[(n / 10) % 2]!.url, () => {});
          }
          const spent = Date.now() - started;
          if (spent < 5) await sleep(5 - spent);
        }
      } finally {
        churn?.close();
        clearInterval(sampler);
      }
      const notStreamed = () => {
        let count = 0;
        for (let i = 0; i < n; i++) if (accepted[i] === 1 && (received[i] ?? 0) < BROWSERS) count++;
        return count;
      };
      // Let the last events reach the steady browsers, and the closed streams be noticed.
      const settleUntil = Date.now() + 10_000;
      while (
        Date.now() < settleUntil &&
        (notStreamed() > 0 || servers.some((s, i) => s.liveConnections() !== liveBefore[i]))
      )
        await sleep(50);
      for (const connection of steady) connection.close();
      const closedUntil = Date.now() + 10_000;
      while (Date.now() < closedUntil && servers.some((s) => s.liveConnections() > 0)) await sleep(50);

      const stored = await store.pool.query<{ n: number }>(
        `SELECT count(DISTINCT mid)::int AS n FROM "${schema}".messages WHERE mid LIKE 'm\\_soak\\_%'`,
      );
      const missing = notStreamed();
      const quarter = Math.max(1, Math.floor(samples.length / 4));
      // The first quarter warms up (JIT, pools, buffers); compare the second with the last.
      const early = median(samples.slice(quarter, 2 * quarter).map((s) => s.heap));
      const late = median(samples.slice(-quarter).map((s) => s.heap));
      const growth = early > 0 ? (late - early) / early : 0;
      const line =
        `${SECONDS} s: ${sent} webhook messages (${webhookErrors} not 200), ${outbound} agent messages, ` +
        `${Math.floor(n / 10)} browser reconnects; stored ${stored.rows[0]?.n ?? 0}, ${missing} not streamed to all ${BROWSERS} ` +
        `steady browsers; heap median ${(early / 1048576).toFixed(1)} → ${(late / 1048576).toFixed(1)} MiB ` +
        `(${(growth * 100).toFixed(1)}%), live connections back to ${servers.map((s) => s.liveConnections()).join('+')} ` +
        `(were ${liveBefore.join('+')}), database connections max ${Math.max(...samples.map((s) => s.pool))}`;
      console.info(line);
      rec.case(line);
      rec.set('Soak duration', SECONDS, 's');
      rec.set('Soak: webhook messages', sent);
      rec.set('Soak: heap growth (2nd quarter → last quarter)', Number((growth * 100).toFixed(1)), '%');
      expect(webhookErrors).toBe(0);
      expect(stored.rows[0]?.n).toBe(sent);
      expect(missing).toBe(0);
      expect(servers.map((s) => s.liveConnections())).toEqual(liveBefore.map(() => 0));
      expect(Math.max(...samples.map((s) => s.pool))).toBeLessThanOrEqual(8);
      // Flat: the heap after a full collection; a short run still carries warm-up, so its bound is looser.
      expect(growth).toBeLessThan(SECONDS >= 600 ? 0.1 : 0.3);
      // And per message, over a long run (a short one is dominated by compiled code): what stays behind
      // each message between the two medians, about half the run apart. A reply kept per read was 2.7 KB.
      const perMessage = (late - early) / Math.max(1, sent / 2);
      rec.set('Soak: heap growth per message', Math.round(perMessage), 'bytes');
      if (SECONDS >= 600) expect(perMessage).toBeLessThan(256);
    },
    (SECONDS + 120) * 1000,
  );
});

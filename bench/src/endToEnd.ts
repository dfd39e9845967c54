import { request } from 'node:http';
import type { BenchOptions } from './options.js';
import { uniqueTextBody, WEBHOOK_PATH } from './payloads.js';
import { notMeasured, pairedRow, type Row, reason, type Section } from './report.js';
import { startChild } from './servers/child.js';
import { percentile } from './stats.js';

/** An open SSE stream that resolves waiters when a frame containing their marker arrives. */
async function openStream(
  port: number,
): Promise<{ waitFor(marker: string, timeoutMs: number): Promise<void>; close(): void }> {
  const waiters = new Map<string, () => void>();
  let text = '';
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/events',
    method: 'GET',
    headers: { accept: 'text/event-stream' },
  });
  const ready = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET /events answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        // Check complete frames only; keep the unfinished tail.
        const end = text.lastIndexOf('\n\n');
        if (end === -1) return;
        const frames = text.slice(0, end);
        text = text.slice(end + 2);
        for (const [marker, resolveWaiter] of waiters) {
          if (frames.includes(marker)) {
            waiters.delete(marker);
            resolveWaiter();
          }
        }
      });
      resolve();
    });
    req.on('error', reject);
  });
  req.end();
  await ready;
  return {
    waitFor(marker, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(marker);
          reject(new Error(`no SSE frame with ${marker} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(marker, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close: () => req.destroy(),
  };
}

function post(port: number, raw: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: WEBHOOK_PATH,
        method: 'POST',
        headers: { ...headers, 'content-length': String(raw.length) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}

/** Latencies (ms) of `count` sequential signed POSTs until their message shows on the SSE stream. */
async function latencies(port: number, count: number, offset: number): Promise<number[]> {
  const stream = await openStream(port);
  try {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const { body, mid } = uniqueTextBody(offset + i);
      const t0 = performance.now();
      const seen = stream.waitFor(mid, 5000);
      const status = await post(port, body.raw, body.headers);
      if (status !== 200) throw new Error(`webhook answered ${status}`);
      await seen;
      out.push(performance.now() - t0);
    }
    return out;
  } finally {
    stream.close();
  }
}

/** Section 3: signed POST → event on a connected SSE client, p50 and p99. */
export async function endToEnd(options: BenchOptions): Promise<Section> {
  const count = options.quick ? 100 : 400;
  const warmup = options.quick ? 20 : 50;
  const base = { p50: [] as number[], p99: [] as number[] };
  const ours = { p50: [] as number[], p99: [] as number[] };
  let failure: string | undefined;
  const minimal = await startChild('servers/serve.ts', ['e2e-minimal']);
  let pagedesk: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    try {
      pagedesk = await startChild('servers/serve.ts', ['e2e-pagedesk']);
    } catch (error) {
      failure = reason(error);
    }
    let offset = 0;
    const measure = async (port: number, into: { p50: number[]; p99: number[] }) => {
      const list = await latencies(port, count, offset);
      offset += count;
      into.p50.push(percentile(list, 50));
      into.p99.push(percentile(list, 99));
    };
    await latencies(Number(minimal.hello.port), warmup, 900_000);
    if (pagedesk && !failure) {
      try {
        await latencies(Number(pagedesk.hello.port), warmup, 800_000);
      } catch (error) {
        failure = reason(error);
      }
    }
    for (let run = 0; run < options.runs; run++) {
      await measure(Number(minimal.hello.port), base);
      if (!pagedesk || failure) continue;
      try {
        await measure(Number(pagedesk.hello.port), ours);
      } catch (error) {
        failure = reason(error);
      }
    }
  } finally {
    await minimal.stop();
    await pagedesk?.stop();
  }
  const rows: Row[] = [
    pairedRow('minimal relay (baseline) p50', 'ms', base.p50, base.p50, { higherIsBetter: false }),
    pairedRow('minimal relay (baseline) p99', 'ms', base.p99, base.p99, { higherIsBetter: false }),
  ];
  if (failure) {
    rows.push(notMeasured('Pagedesk webhook → inbox → SSE p50', 'ms', failure));
    rows.push(notMeasured('Pagedesk webhook → inbox → SSE p99', 'ms', failure, 'p99 < 25 ms'));
  } else {
    rows.push(
      pairedRow('Pagedesk webhook → inbox → SSE p50', 'ms', ours.p50, base.p50, { higherIsBetter: false }),
    );
    rows.push(
      pairedRow('Pagedesk webhook → inbox → SSE p99', 'ms', ours.p99, base.p99, {
        higherIsBetter: false,
        target: (value) => ({ text: 'p99 < 25 ms', pass: value < 25 }),
      }),
    );
  }
  return {
    id: 'end-to-end',
    title: '3. End to end: signed POST → SSE client',
    method:
      `The server runs in its own process on 127.0.0.1; the bench holds one SSE connection open on GET /events and ` +
      `sends ${count} signed one-message POSTs one after the other (each with a new mid), timing each from just ` +
      `before the POST until the SSE frame carrying its mid arrives; ${warmup} warmup messages first; ${options.runs} ` +
      `runs, p50 and p99 per run, medians of those. Ratios are baseline / Pagedesk.`,
    baselineName: 'minimal relay',
    rows,
    notes: [
      'Pagedesk: createWebhook({ onEvents: (events) => inbox.apply(events) }) + createInbox({ store: memoryStore() }) + createInboxApi({ inbox, authorize }) on one node:http server, default dedupe on.',
      'Baseline: node:http that checks the HMAC, parses, and writes each messaging item to every open event stream: no store, no model.',
    ],
  };
}

// Load generator for reliability/tests/load.test.ts, run in a worker thread so the server's event loop
// and heap (main thread) are measured apart from the client's. Sends signed webhook batches to the
// URL for a bounded time with a bounded number of requests in flight, and reports latencies.
import { createHmac } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { url, secret, pageId, durationMs, concurrency, maxRequests } = workerData;
const latencies = [];
const statuses = {};
const recent = [];
let sent = 0;
let unique = 0;
let errors = 0;
const deadline = Date.now() + durationMs;

function body(n) {
  const t = Date.UTC(2026, 10, 3) + n;
  const messaging = [
    {
      sender: { id: `psid-${n % 500}` },
      recipient: { id: pageId },
      timestamp: t,
      message: { mid: `m_load_${n}`, text: `Load message ${n} ✓ ${'x'.repeat(n % 200)}` },
    },
  ];
  return JSON.stringify({ object: 'page', entry: [{ id: pageId, time: t, messaging }] });
}

async function one() {
  // 15 % redeliveries of a recent body (dedupe hits), 5 % bad signatures, the rest new events.
  const roll = Math.random();
  let payload;
  let signature;
  if (roll < 0.15 && recent.length > 0) {
    payload = recent[Math.floor(Math.random() * recent.length)];
  } else {
    payload = body(unique++);
    recent.push(payload);
    if (recent.length > 200) recent.shift();
  }
  signature = `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
  if (roll > 0.95) signature = `sha256=${'0'.repeat(64)}`;
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    });
    await response.arrayBuffer();
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  } catch {
    errors++;
  }
  latencies.push(performance.now() - started);
}

await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline && sent < maxRequests) {
      sent++;
      await one();
    }
  }),
);
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
parentPort.postMessage({
  requests: latencies.length,
  uniqueEvents: unique,
  statuses,
  errors,
  p50: at(0.5),
  p99: at(0.99),
  max: latencies.at(-1) ?? 0,
});

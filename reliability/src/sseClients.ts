import { openLiveClient, type SseConnection } from './liveRig.js';

// SSE clients for reliability/tests/fanoutLoad.test.ts, in a child process of their own so the
// servers' process (the test's) is measured without the clients' work: `count` browsers spread over
// `urls`, each recording when every `message:created` arrives (absolute ms: performance.timeOrigin +
// performance.now(), comparable across processes). Talks to the test over IPC:
//   → { type: 'connected' } once every client is registered
//   → { type: 'all', mid } once every client has received `mid`
//   ← { type: 'report' } → { type: 'report', arrivals: [[mid, [ms...]], ...] }
//   ← { type: 'close' } → closes every client and exits

const { urls, count } = JSON.parse(process.argv[2] ?? '{}') as { urls: string[]; count: number };
const arrivals = new Map<string, number[]>();
const connections: SseConnection[] = [];
const send = (message: unknown) => process.send?.(message);

function received(mid: string): void {
  const at = performance.timeOrigin + performance.now();
  let list = arrivals.get(mid);
  if (!list) {
    list = [];
    arrivals.set(mid, list);
  }
  list.push(at);
  if (list.length === count) send({ type: 'all', mid });
}

process.on('message', (message: { type?: string }) => {
  if (message.type === 'report') send({ type: 'report', arrivals: [...arrivals] });
  if (message.type === 'close') {
    for (const connection of connections) connection.close();
    process.exit(0);
  }
});
// The test going away takes the clients with it.
process.on('disconnect', () => process.exit(0));

// In batches, so the servers are not flooded with handshakes.
for (let i = 0; i < count; i += 50) {
  const batch = Array.from({ length: Math.min(50, count - i) }, (_, k) =>
    openLiveClient(urls[(i + k) % urls.length]!, received),
  );
  connections.push(...(await Promise.all(batch)));
}
send({ type: 'connected' });

// SSE clients for reliability/tests/fanoutLoad.test.ts, in a child process of their own so the
// servers' process (the test's) is measured without the clients' work: `count` browsers spread over
// `urls`, each recording when every `message:created` arrives (absolute ms: performance.timeOrigin +
// performance.now(), comparable across processes). Talks to the test over IPC:
//   → { type: 'connected' } once every client is registered
//   → { type: 'all', mid } once every client has received `mid`
//   ← { type: 'report' } → { type: 'report', arrivals: [[mid, [ms...]], ...] }
//   ← { type: 'close' } → closes every client and exits
import { get } from 'node:http';

const { urls, count } = JSON.parse(process.argv[2]);
const arrivals = new Map();
const responses = [];
const now = () => performance.timeOrigin + performance.now();

function received(mid, at) {
  let list = arrivals.get(mid);
  if (!list) {
    list = [];
    arrivals.set(mid, list);
  }
  list.push(at);
  if (list.length === count) process.send({ type: 'all', mid });
}

function open(url) {
  return new Promise((resolve, reject) => {
    const request = get(`${url}/events`, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      let registered = false;
      res.on('data', (chunk) => {
        const at = now();
        buffer += chunk;
        if (!registered) {
          registered = true;
          responses.push(res);
          resolve();
        }
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (!frame.includes('event: message:created')) continue;
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          const mid = data ? JSON.parse(data.slice(6)).message?.mid : undefined;
          if (mid) received(mid, at);
        }
      });
      res.on('error', () => {});
    });
    request.on('error', reject);
  });
}

process.on('message', (message) => {
  if (message.type === 'report') process.send({ type: 'report', arrivals: [...arrivals] });
  if (message.type === 'close') {
    for (const res of responses) res.destroy();
    process.exit(0);
  }
});
// The test going away takes the clients with it.
process.on('disconnect', () => process.exit(0));

// In batches, so the servers are not flooded with handshakes.
for (let i = 0; i < count; i += 50)
  await Promise.all(
    Array.from({ length: Math.min(50, count - i) }, (_, k) => open(urls[(i + k) % urls.length])),
  );
process.send({ type: 'connected' });

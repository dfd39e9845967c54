import { connect, createServer, type Server, type Socket } from 'node:net';

// A TCP proxy between the servers under test and PostgreSQL or Redis that can stall (bytes held, both
// ways, connections kept open: a network that hangs) and drop (every connection reset: a network
// that breaks). Bytes are forwarded unchanged and in order.

export interface FaultProxy {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** Holds every byte, both ways, until `resume()`; new connections are accepted and held too. */
  stall(): void;
  /** Forwards what was held, in order, and everything after it. */
  resume(): void;
  /** Resets every open connection (the peers see ECONNRESET); new ones are accepted as before. */
  drop(): number;
  /** Connections open now. */
  readonly connections: number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Chunks held while stalled, with the socket each must be written to. */
  held: Array<[Socket, Buffer]>;
}

/** Starts a proxy on a free port of 127.0.0.1 forwarding to `targetPort` there. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let stalled = false;
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (stalled) pair.held.push([to, chunk]);
      else if (!to.destroyed) to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy has no port');
  return {
    port: address.port,
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      for (const pair of pairs) {
        for (const [to, chunk] of pair.held.splice(0)) if (!to.destroyed) to.write(chunk);
      }
    },
    drop() {
      const n = pairs.size;
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy();
        pair.upstream.resetAndDestroy();
        pairs.delete(pair);
      }
      return n;
    },
    get connections() {
      return pairs.size;
    },
    close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

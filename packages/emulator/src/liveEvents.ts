import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorUpdate } from './types.js';

// The live update stream (Server-Sent Events) the chat page and other processes follow: every world
// update as an event named for its type, and a comment line every 15 s so proxies keep it open.

export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': ping\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  /** Answers a request with the stream and keeps it until the client leaves. */
  open(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(`retry: 1000\n\n`);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  broadcast(update: EmulatorUpdate): void {
    const frame = `event: ${update.type}\ndata: ${JSON.stringify(update)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

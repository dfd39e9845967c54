import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A small Graph API stand-in on 127.0.0.1:0 for the server tests: each test scripts the answers, and
// every request is recorded (method, path without the version, query, JSON body) for assertions.

export interface RecordedRequest {
  method: string;
  /** Path after `/v{version}/`, e.g. `me/accounts`. */
  path: string;
  version: string;
  query: Record<string, string>;
  body: unknown;
  rawBody: string;
  contentType: string | undefined;
}

export interface StandinAnswer {
  status?: number;
  json?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  hangUp?: boolean;
}

export type StandinHandler = (
  request: RecordedRequest,
) => StandinAnswer | undefined | Promise<StandinAnswer | undefined>;

export interface GraphStandin {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the handler; unhandled requests answer 404 with Meta's error JSON. */
  handle(handler: StandinHandler): void;
  close(): Promise<void>;
}

/** Meta's error JSON (docs/meta-platform.md). */
export function metaError(
  code: number,
  subcode?: number,
  message = 'error',
  extra: Record<string, unknown> = {},
) {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(subcode === undefined ? {} : { error_subcode: subcode }),
      fbtrace_id: 'AbCdEf123',
      ...extra,
    },
  };
}

export function proofOf(appSecret: string, token: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startGraphStandin(): Promise<GraphStandin> {
  let handler: StandinHandler = () => undefined;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/v(\d+\.\d+)\/(.*)$/.exec(url.pathname);
    const rawBody = await readBody(req);
    let body: unknown;
    try {
      body = rawBody && req.headers['content-type']?.includes('json') ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(match?.[2] ?? url.pathname),
      version: match?.[1] ?? '',
      query: Object.fromEntries(url.searchParams),
      body,
      rawBody,
      contentType: req.headers['content-type'],
    };
    requests.push(recorded);
    const answer = (await handler(recorded)) ?? {
      status: 404,
      json: metaError(100, 33, 'Unsupported request'),
    };
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (answer.hangUp) {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

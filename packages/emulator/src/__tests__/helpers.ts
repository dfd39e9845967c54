import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInstagramLogin } from '@pagedesk/core/server';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Emulator, startEmulator, type WebhookPayload } from '../index.js';

// Test helpers: a tiny webhook receiver that checks Meta's signatures with node:crypto on the raw
// bytes, and a Graph call helper that adds appsecret_proof like a real client.

export const APP_SECRET = 'test-app-secret-1234';
export const PAGE = {
  id: '1001',
  name: 'Acme Support',
  platform: 'messenger' as const,
  accessToken: 'page-token-1001-abcdef',
};
export const IG = {
  id: '17840000000000002',
  name: 'acme.ig',
  platform: 'instagram' as const,
  accessToken: 'ig-token-0002-abcdef',
};

export interface Received {
  raw: string;
  body: WebhookPayload;
  headers: IncomingHttpHeaders;
  sha256Valid: boolean;
  sha1Valid: boolean;
}

function check(raw: Buffer, header: string | string[] | undefined, algorithm: 'sha256' | 'sha1'): boolean {
  if (typeof header !== 'string' || !header.startsWith(`${algorithm}=`)) return false;
  const expected = Buffer.from(createHmac(algorithm, APP_SECRET).update(raw).digest('hex'));
  const given = Buffer.from(header.slice(algorithm.length + 1));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function startReceiver(options: { status?: (n: number) => number; verifyToken?: string } = {}) {
  const received: Received[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      const ok =
        url.searchParams.get('hub.mode') === 'subscribe' &&
        url.searchParams.get('hub.verify_token') === options.verifyToken;
      res.writeHead(ok ? 200 : 403).end(ok ? (url.searchParams.get('hub.challenge') ?? '') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      count++;
      received.push({
        raw: raw.toString('utf8'),
        body: JSON.parse(raw.toString('utf8')) as WebhookPayload,
        headers: req.headers,
        sha256Valid: check(raw, req.headers['x-hub-signature-256'], 'sha256'),
        sha1Valid: check(raw, req.headers['x-hub-signature'], 'sha1'),
      });
      res.writeHead(options.status?.(count) ?? 200).end('EVENT_RECEIVED');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    /** Every messaging item received, flattened, in arrival order. */
    messaging: () => received.flatMap((r) => r.body.entry.flatMap((e) => e.messaging ?? [])),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function proof(token: string, secret = APP_SECRET): string {
  return createHmac('sha256', secret).update(token).digest('hex');
}

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & {
    error?: { code: number; error_subcode?: number; message: string; type: string; fbtrace_id: string };
  };
}

export async function graph(
  emulator: Emulator,
  method: string,
  path: string,
  options: {
    token?: string | null;
    body?: unknown;
    query?: Record<string, string>;
    proof?: boolean | string;
    form?: FormData;
  } = {},
): Promise<GraphResponse> {
  const url = new URL(`${emulator.graphUrl}/v25.0/${path.replace(/^\//, '')}`);
  const token = options.token === undefined ? PAGE.accessToken : options.token;
  if (token !== null) url.searchParams.set('access_token', token);
  if (token !== null && options.proof !== false) {
    url.searchParams.set('appsecret_proof', typeof options.proof === 'string' ? options.proof : proof(token));
  }
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const init: RequestInit = { method };
  if (options.form) init.body = options.form;
  else if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(url, init);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphResponse['body'],
  };
}

export function sendText(
  emulator: Emulator,
  recipient: string,
  text: string,
  extra: Record<string, unknown> = {},
  token = PAGE.accessToken,
) {
  return graph(emulator, 'POST', 'me/messages', {
    token,
    body: { recipient: { id: recipient }, messaging_type: 'RESPONSE', message: { text }, ...extra },
  });
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** `createInstagramLogin` pointed at the emulator's Instagram app and routes, on its clock. */
export function instagramLoginOn(emulator: Emulator, redirectUri: string) {
  return createInstagramLogin({
    appId: emulator.logins.instagramApp.appId,
    appSecret: emulator.logins.instagramApp.appSecret,
    redirectUri,
    authorizeBaseUrl: emulator.logins.instagramUrl,
    apiBaseUrl: emulator.logins.instagramUrl,
    graphBaseUrl: emulator.logins.instagramUrl,
    now: () => emulator.clock.now(),
  });
}

/** Where the Graph tests' frozen clock starts. */
export const T0 = Date.UTC(2026, 10, 1, 12);

/**
 * The Graph tests' emulator (PAGE, IG and a page without the Human Agent feature, a frozen clock at
 * T0, no automatic receipts), started before the file's tests and closed after them, faults cleared
 * before each. `customer()` creates a customer of a page (PAGE by default).
 */
export function useGraphEmulator() {
  const env = {
    emu: undefined as unknown as Emulator,
    customer: (pageId = PAGE.id, name = 'Ana Lima') => env.emu.customers.create({ pageId, name }),
  };
  beforeAll(async () => {
    env.emu = await startEmulator({
      appSecret: APP_SECRET,
      pages: [
        PAGE,
        IG,
        { id: '1003', name: 'No Agent', accessToken: 'page-token-1003-abcdef', humanAgent: false },
      ],
      now: T0,
      freezeClock: true,
      customerBehaviour: { deliverAfterMs: null },
    });
  });
  afterAll(() => env.emu.close());
  beforeEach(() => env.emu.faults.clear());
  return env;
}

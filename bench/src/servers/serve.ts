import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadPagedesk } from '../pagedeskBuild.js';
import { APP_SECRET, PAGE_ID, VERIFY_TOKEN, WEBHOOK_PATH } from '../payloads.js';
import { benchRequire, requireFrom } from '../peers/versions.js';

// One webhook server per child process, so the load generator in the parent never shares an event loop
// with the server it measures. Usage: `serve.ts <minimal|pagedesk|bottender|botkit|e2e-minimal|e2e-pagedesk>`; prints
// `{"port":N}` once listening on 127.0.0.1 and exits when stdin closes.

type Kind = 'minimal' | 'pagedesk' | 'bottender' | 'botkit' | 'e2e-minimal' | 'e2e-pagedesk';

/**
 * End-to-end baseline: the minimal webhook (HMAC, parse) that writes each messaging item straight to every
 * connected `GET /events` stream as an SSE frame. No store, no model: the floor for webhook → browser.
 */
function minimalRelay(): (req: IncomingMessage, res: ServerResponse) => void {
  const clients = new Set<ServerResponse>();
  let seq = 0;
  return (req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/events')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': open\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const header = req.headers['x-hub-signature-256'];
      const given =
        typeof header === 'string' && header.startsWith('sha256=')
          ? Buffer.from(header.slice(7), 'hex')
          : null;
      const expected = createHmac('sha256', APP_SECRET).update(raw).digest();
      if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401).end();
        return;
      }
      const body = JSON.parse(raw.toString('utf8')) as { entry: Array<{ messaging: unknown[] }> };
      for (const entry of body.entry) {
        for (const item of entry.messaging) {
          seq += 1;
          const frame = `id: ${seq}\nevent: message\ndata: ${JSON.stringify(item)}\n\n`;
          for (const client of clients) client.write(frame);
        }
      }
      res.writeHead(200).end('EVENT_RECEIVED');
    });
  };
}

/** Pagedesk end to end: createWebhook → inbox.apply (memory store) → createInboxApi's SSE stream. */
async function pagedeskRelay(): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const pagedesk = await loadPagedesk();
  const store = pagedesk.memoryStore();
  // The page is a connected channel: the inbox API streams only what the principal's channels hold.
  const at = Date.now();
  await store.channels.put({
    id: PAGE_ID,
    platform: 'messenger',
    name: 'Bench page',
    status: 'active',
    tokenExpiresAt: null,
    dataAccessExpiresAt: null,
    missingPermissions: [],
    settings: { ...pagedesk.defaultChannelSettings, attachmentMaxBytes: {}, agentIds: [] },
    connectedAt: at,
    updatedAt: at,
  });
  const inbox = pagedesk.createInbox({ store });
  const webhook = pagedesk.createWebhook({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    onEvents: (events: unknown[]) => inbox.apply(events),
  });
  // One single-tenant admin: the benchmark measures the stream, not the host's sessions.
  const api = pagedesk.createInboxApi({ inbox, heartbeatMs: 0, authorize: () => ({ role: 'admin' }) });
  return (req, res) => (req.url?.startsWith(WEBHOOK_PATH) ? webhook.node(req, res) : api.node(req, res));
}

/** The minimal correct node:http webhook: read the body, check the HMAC, parse, answer 200. */
function minimalHandler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const header = req.headers['x-hub-signature-256'];
    const given =
      typeof header === 'string' && header.startsWith('sha256=') ? Buffer.from(header.slice(7), 'hex') : null;
    const expected = createHmac('sha256', APP_SECRET).update(raw).digest();
    if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end();
      return;
    }
    try {
      JSON.parse(raw.toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED');
  });
}

async function pagedeskHandler(): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const { createWebhook } = await loadPagedesk();
  // Dedupe off: every request repeats the same body, and the other servers do not dedupe either.
  const webhook = createWebhook({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    onEvents: () => {},
    dedupe: false,
  });
  return webhook.node;
}

// bottender's Server.run(): connector.preprocess() on the raw body, then bot.createRequestHandler()
// (camelCase, map to events, sessions, the bot's handler), then sendResponse(). Its HTTP layer is the
// host's node:http/express with the raw body kept, as bottender's custom-server docs show.
async function bottenderHandler(): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const { MessengerBot, MemorySessionStore } = (await import('bottender')) as unknown as {
    MessengerBot: new (
      o: Record<string, unknown>,
    ) => {
      connector: {
        preprocess(
          ctx: Record<string, unknown>,
        ): Promise<{ shouldNext: boolean; response?: { status?: number; body?: unknown } }>;
      };
      onEvent(handler: (context: unknown) => Promise<void>): void;
      createRequestHandler(): (
        body: unknown,
        ctx: unknown,
      ) => Promise<{ status?: number; body?: unknown } | undefined>;
    };
    MemorySessionStore: new () => unknown;
  };
  const bot = new MessengerBot({
    accessToken: 'bench-token',
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    sessionStore: new MemorySessionStore(),
  });
  bot.onEvent(async () => {});
  const handle = bot.createRequestHandler();
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(rawBody) as Record<string, unknown>;
        const requestContext = {
          method: req.method,
          path: req.url,
          query: {},
          headers: req.headers,
          rawBody,
          body,
          params: {},
        };
        const pre = await bot.connector.preprocess(requestContext);
        if (!pre.shouldNext) {
          res.writeHead(pre.response?.status ?? 400).end();
          return;
        }
        const response = await handle(body, requestContext);
        res.writeHead(response?.status ?? 200).end(typeof response?.body === 'string' ? response.body : '');
      } catch {
        res.writeHead(500).end();
      }
    });
  };
}

// Botkit 4 with its Facebook adapter: Botkit's own express web server (raw-body capture + body-parser,
// exactly as botkit/lib/core.js sets it up), bound to 127.0.0.1 instead of Botkit's default 0.0.0.0:3000.
async function botkitServer(): Promise<Server> {
  const botkitRequire = requireFrom('botkit');
  const express = botkitRequire('express') as () => ((req: IncomingMessage, res: ServerResponse) => void) & {
    use(mw: unknown): void;
  };
  const bodyParser = botkitRequire('body-parser') as {
    json(o: unknown): unknown;
    urlencoded(o: unknown): unknown;
  };
  const { Botkit } = benchRequire('botkit') as {
    Botkit: new (o: Record<string, unknown>) => { on(e: string, h: () => Promise<void>): void };
  };
  const { FacebookAdapter } = (await import('botbuilder-adapter-facebook')) as unknown as {
    FacebookAdapter: new (o: Record<string, unknown>) => unknown;
  };

  const app = express();
  app.use((req: IncomingMessage & { rawBody?: string }, _res: unknown, next: () => void) => {
    req.rawBody = '';
    req.on('data', (chunk: Buffer) => {
      req.rawBody = (req.rawBody ?? '') + chunk.toString();
    });
    next();
  });
  app.use(bodyParser.json({ limit: '100kb' }));
  app.use(bodyParser.urlencoded({ limit: '100kb', extended: true }));
  const adapter = new FacebookAdapter({
    verify_token: VERIFY_TOKEN,
    app_secret: APP_SECRET,
    access_token: 'bench-token',
  });
  const { MemoryStorage } = requireFrom('botkit')('botbuilder') as { MemoryStorage: new () => unknown };
  const controller = new Botkit({
    adapter,
    webserver: app,
    webhook_uri: WEBHOOK_PATH,
    disable_console: true,
    storage: new MemoryStorage(),
  });
  controller.on('message', async () => {});
  return createServer(app);
}

async function main(): Promise<void> {
  const kind = process.argv[2] as Kind;
  let server: Server;
  switch (kind) {
    case 'minimal':
      server = createServer(minimalHandler);
      break;
    case 'pagedesk':
      server = createServer(await pagedeskHandler());
      break;
    case 'bottender':
      server = createServer(await bottenderHandler());
      break;
    case 'botkit':
      server = await botkitServer();
      break;
    case 'e2e-minimal':
      server = createServer(minimalRelay());
      break;
    case 'e2e-pagedesk':
      server = createServer(await pagedeskRelay());
      break;
    default:
      throw new Error(`unknown server kind ${String(kind)}`);
  }
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stdout.write(
    `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});

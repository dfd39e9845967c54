import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Agent,
  type Channel,
  createInbox,
  defaultChannelSettings,
  type Inbox,
  type Store,
} from '@pagedesk/core';
import { createChannels, createTokenMonitor, fileMediaStore } from '@pagedesk/core/server';
import { demoPages, demoScript, type Emulator, startEmulator } from '@pagedesk/emulator';
import { createInboxApi, createWebhook } from '@pagedesk/node-webhook';
import { openBackends } from './backends.js';
import type { HelpdeskConfig, PageToken } from './config.js';
import { createDemoLogins } from './logins.js';
import { seedTemplates } from './seedTemplates.js';
import { seedToolkit } from './seedToolkit.js';
import { serveStatic } from './static.js';

// The demo helpdesk's server, built only from Pagedesk's public API: Meta (or the emulator) posts to
// /webhook, the agent app speaks to /api (REST + SSE), and the built React app is served from /.

/** The organisations (tenants) of this demo helpdesk and the pages each one connects. */
export const organisations = [
  { id: 'org-acme', name: 'Acme Outdoor', pageIds: [demoPages[0]!.id, demoPages[1]!.id] },
  { id: 'org-globex', name: 'Globex', pageIds: [demoPages[2]!.id] },
] as const;

/** A demo agent: who they are, their organisation and their role there. */
export interface DemoAgent extends Agent {
  organizationId: (typeof organisations)[number]['id'];
  role: 'admin' | 'agent';
}

/**
 * The agents of this demo helpdesk; the signed-in one is the first until the header's switcher picks
 * another. Lee works only Acme's Instagram account (the Messenger page lists Sam alone).
 */
export const agents: DemoAgent[] = [
  { id: 'agent-sam', name: 'Sam Rivera', organizationId: 'org-acme', role: 'admin' },
  { id: 'agent-lee', name: 'Lee Chen', organizationId: 'org-acme', role: 'agent' },
  { id: 'agent-gus', name: 'Gus Grant', organizationId: 'org-globex', role: 'admin' },
];

/** The cookie the agent app's switcher sets; a real helpdesk reads its session cookie instead. */
export const AGENT_COOKIE = 'pd_demo_agent';

/** The signed-in demo agent of a request (the cookie, or the first agent). */
export function agentOf(cookieHeader: string | null | undefined): DemoAgent | undefined {
  const match = new RegExp(`(?:^|;\\s*)${AGENT_COOKIE}=([^;]+)`).exec(cookieHeader ?? '');
  if (!match) return agents[0];
  return agents.find((agent) => agent.id === decodeURIComponent(match[1] as string));
}

/** The switcher's sign-in: `{ agentId }` of a demo agent → the session cookie. */
function signIn(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > 1024) req.destroy();
  });
  req.on('end', () => {
    let agentId: unknown;
    try {
      agentId = (JSON.parse(body) as { agentId?: unknown }).agentId;
    } catch {
      // Answered below as an unknown agent.
    }
    const agent = agents.find((a) => a.id === agentId);
    if (!agent) return void res.writeHead(400).end();
    res.writeHead(204, {
      'set-cookie': `${AGENT_COOKIE}=${encodeURIComponent(agent.id)}; Path=/; HttpOnly; SameSite=Lax`,
    });
    res.end();
  });
}

/** Customers of Globex's page, so switching organisation shows other conversations. */
const globexScript = [
  {
    customer: 'gwen',
    name: 'Gwen Park',
    page: demoPages[2]!.id,
    at: '-40m',
    say: 'My Globex invoice shows the wrong address.',
  },
  {
    customer: 'omar',
    name: 'Omar Reyes',
    page: demoPages[2]!.id,
    at: '-6m',
    say: 'Can I upgrade my Globex plan today?',
  },
];

export interface RunningHelpdesk {
  /** The agent inbox. */
  url: string;
  webhookUrl: string;
  /** The emulator's customer chat page (emulator mode only). */
  customerUrl?: string;
  emulator?: Emulator;
  close(): Promise<void>;
}

export interface HelpdeskOptions {
  config: HelpdeskConfig;
  /** The built agent app (vite build output); without it only the API and webhook are served. */
  clientDir?: string;
  /** Seed the demo conversations in emulator mode (default true). */
  seed?: boolean;
  log?: (line: string) => void;
}

const EMULATOR_APP_SECRET = 'demo-app-secret-change-me';
const PRIVACY_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Privacy</title></head>
<body><h1>Privacy</h1><p>This demo helpdesk keeps your messages and survey answers only to answer you. Replace this page
with your organisation's privacy policy (PAGEDESK_PRIVACY_URL).</p></body></html>`;
/** Meta's media CDNs (Facebook, Messenger attachments, Instagram). */
const META_MEDIA_HOSTS = /(^|\.)(fbcdn\.net|fbsbx\.com|cdninstagram\.com)$/;
const EMULATOR_VERIFY_TOKEN = 'demo-verify-token';
/**
 * A page of Acme's that the demo does not connect at start, so "Connect a Facebook page" has one to
 * offer (emulator mode).
 */
export const outletPage = {
  id: '104857600000003',
  name: 'Acme Outlet',
  platform: 'messenger' as const,
  accessToken: 'EAAGemulatorPageTokenAcmeOutlet00001',
  humanAgent: true,
};
/** What Facebook Login asks for: Messenger, comments, history and Instagram through a Page. */
const FACEBOOK_CAPABILITIES = ['messenger', 'comments', 'history', 'instagram', 'instagramComments'] as const;

/** Starts the emulator (in emulator mode), the webhook, the inbox API and the agent app. */
export async function startHelpdesk(options: HelpdeskOptions): Promise<RunningHelpdesk> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const backends = await openBackends(config.backends, log);
  const emulator =
    config.mode === 'emulator'
      ? await startEmulator({
          port: config.emulatorPort,
          host: config.host,
          appSecret: EMULATOR_APP_SECRET,
          verifyToken: EMULATOR_VERIFY_TOKEN,
          pages: [...demoPages, outletPage],
          user: { accessToken: 'EAAGemulatorUserTokenDemoAdmin0001', name: 'Demo Admin' },
          customerBehaviour: { deliverAfterMs: 300, readAfterMs: null },
        })
      : undefined;
  const appId = emulator ? emulator.appId : (config as Extract<HelpdeskConfig, { mode: 'meta' }>).appId;
  const appSecret = config.mode === 'meta' ? config.appSecret : EMULATOR_APP_SECRET;
  // Instagram Login has an app of its own (its id and secret sign its webhooks too).
  const instagramApp = emulator
    ? emulator.logins.instagramApp
    : (config as Extract<HelpdeskConfig, { mode: 'meta' }>).instagram;
  const verifyToken = config.mode === 'meta' ? config.verifyToken : EMULATOR_VERIFY_TOKEN;
  // On the emulator everything runs on its clock, so "jump 25 h" in the customer page moves windows.
  const now = emulator ? () => emulator.clock.now() : Date.now;

  const { store } = backends;
  // Inbound media is copied as it arrives (Meta's CDN URLs expire) and served at /api/media to agents
  // who see the channel (the inbox API's authorization). Only Meta's CDNs are fetched in real mode.
  const mediaDir = config.backends?.mediaDir ?? (await mkdtemp(join(tmpdir(), 'pagedesk-demo-media-')));
  const media = fileMediaStore(mediaDir, { publicPath: '/api/media' });
  const emulatorHost = emulator ? new URL(emulator.url).host : undefined;
  const inbox = createInbox({
    store,
    threading: { mode: 'until-resolved' },
    now,
    media: {
      media,
      allowUrl: (url) =>
        emulatorHost !== undefined
          ? url.host === emulatorHost
          : url.protocol === 'https:' && META_MEDIA_HOSTS.test(url.hostname),
      onError: (error) => log(`media not archived: ${error.message}`),
    },
  });
  inbox.on('error', ({ error }) => console.error('inbox:', error.message));
  const channels = createChannels({
    store,
    inbox,
    apps: {
      [appId]: { appSecret },
      ...(instagramApp
        ? { [instagramApp.appId]: { appSecret: instagramApp.appSecret, login: 'instagram' } }
        : {}),
    },
    ...(emulator ? { baseUrl: emulator.graphUrl, instagramBaseUrl: emulator.logins.instagramUrl } : {}),
    defaultAppId: appId,
    now,
    // Satisfaction surveys show the business's privacy policy (the demo serves a short one at /privacy).
    surveys: {
      privacyUrl: () =>
        config.mode === 'meta' && config.privacyUrl ? config.privacyUrl : `${publicOrigin()}/privacy`,
    },
    // Personas show the agent's name and face to the customer; Meta fetches the avatar, so it must be a
    // public URL (the emulator serves sample avatars itself). Only the page's organisation's agents.
    agents: (agentId, channel) => {
      const agent = agents.find((a) => a.id === agentId && a.organizationId === channel.organizationId);
      if (!agent) return undefined;
      const avatarUrl =
        agent.avatarUrl ?? (emulator ? `${emulator.url}/samples/avatar.png?agent=${agent.id}` : undefined);
      return avatarUrl ? { name: agent.name, avatarUrl } : undefined;
    },
  });
  channels.on('channel:status', ({ channel, previous }) =>
    log(
      `channel ${channel.name}: ${previous} → ${channel.status}${channel.statusReason ? ` (${channel.statusReason})` : ''}`,
    ),
  );
  channels.on('error', ({ error }) => console.error('channels:', error.message));

  const webhook = createWebhook({
    apps: [{ appId, appSecret }, ...(instagramApp ? [instagramApp] : [])],
    verifyToken,
    // A quick, durable hand-off: the in-memory inbox applies the batch within milliseconds.
    onEvents: (events) => inbox.apply(events),
    ...(backends.dedupe ? { dedupe: backends.dedupe } : {}),
    onError: (error, context) => console.error(`webhook (${context.phase}): ${error.message}`),
  });
  const api = createInboxApi({
    inbox,
    channels,
    basePath: '/api',
    media,
    ...(backends.fanout ? { fanout: backends.fanout } : {}),
    // Each organisation's own directory for the assignee picker.
    agents: (principal) =>
      agents
        .filter((a) => a.organizationId === principal.organizationId)
        .map(({ id, name }) => ({ id, name })),
    // Facebook Login ran on this server (logins.ts): the browser holds a grant, never the user token.
    userToken: (principal, grant) => logins.userToken(principal.agentId, grant),
    // A real helpdesk checks its session here; the demo trusts the switcher's cookie.
    authorize: (request) => {
      const agent = agentOf(request.headers.get('cookie'));
      return agent ? { organizationId: agent.organizationId, agentId: agent.id, role: agent.role } : null;
    },
    ...(config.mode === 'meta' && config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    onError: (error, context) => {
      // Telling Meta "seen" is best effort (Meta refuses it once the window is closed); the rest is a bug.
      if (context.during === 'mark_seen') log(`mark_seen not sent: ${error.message}`);
      else console.error(`inbox api (${context.during}):`, error.message);
    },
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/webhook') return webhook.node(req, res);
    if (logins.handle(req, res, path)) return;
    if (path === '/api' || path.startsWith('/api/')) return api.node(req, res);
    if (path === '/privacy') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(PRIVACY_PAGE);
    }
    if (path === '/demo/session' && req.method === 'POST') return signIn(req, res);
    if (path === '/demo/session') {
      // What the header's switcher offers: every demo agent with its organisation, and who is signed in.
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(
        JSON.stringify({
          current: agentOf(req.headers.cookie)?.id ?? null,
          agents: agents.map((a) => ({
            ...a,
            organization: organisations.find((o) => o.id === a.organizationId)?.name,
          })),
        }),
      );
    }
    if (options.clientDir) return serveStatic(options.clientDir, path, req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  const publicOrigin = () =>
    config.mode === 'meta' && config.publicUrl ? config.publicUrl.replace(/\/+$/, '') : url;
  // Meta redirects the login dialogs back here: the public URL in real mode (registered in the app as
  // a valid OAuth redirect URI), this server on the emulator. Created before any request is read: the
  // rest of this function runs before the event loop hands the server its first connection.
  const logins = createDemoLogins({
    origin: publicOrigin(),
    stateSecret:
      config.mode === 'meta' && config.loginStateSecret
        ? config.loginStateSecret
        : randomBytes(32).toString('base64url'),
    facebook: {
      appId,
      appSecret,
      capabilities: FACEBOOK_CAPABILITIES,
      ...(emulator ? { baseUrl: emulator.graphUrl, dialogBaseUrl: emulator.url, now } : {}),
    },
    instagram: instagramApp && {
      ...instagramApp,
      ...(emulator
        ? {
            authorizeBaseUrl: emulator.logins.instagramUrl,
            apiBaseUrl: emulator.logins.instagramUrl,
            graphBaseUrl: emulator.logins.instagramUrl,
            now,
          }
        : {}),
    },
    channels,
    session: (req) => {
      const agent = agentOf(req.headers.cookie);
      return agent && { id: agent.id, organizationId: agent.organizationId, admin: agent.role === 'admin' };
    },
    log,
  });
  const webhookUrl = `${url}/webhook`;

  if (emulator) {
    emulator.webhooks.configure({ url: webhookUrl, verifyToken });
    await emulator.subscribe();
    for (const organisation of organisations)
      await channels.connect(emulator.userToken, [...organisation.pageIds], {
        organizationId: organisation.id,
      });
    // Acme's Messenger page is Sam's alone: Lee, an agent, sees only the Instagram account.
    await channels.updateSettings(demoPages[0]!.id, { agentIds: ['agent-sam'] });
    if (options.seed !== false) {
      const { customers } = await emulator.runScript(demoScript);
      await emulator.runScript(globexScript);
      await emulator.webhooks.idle();
      await seedToolkit({ emulator, inbox, store, channels, customers, agentId: 'agent-sam' });
      await seedTemplates(store, now());
    }
  } else if (config.mode === 'meta') {
    // Real pages belong to the first organisation; connect more through <ChannelSettings/>.
    for (const page of config.pages) await addPage(store, inbox, appId, page, organisations[0].id);
  }
  const monitor = createTokenMonitor({ channels });
  monitor.start();

  return {
    url,
    webhookUrl,
    ...(emulator ? { customerUrl: emulator.url, emulator } : {}),
    async close() {
      monitor.stop();
      api.close();
      channels.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emulator?.close();
      await backends.close();
      if (!config.backends?.mediaDir) await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/** Real mode: a page connected by its page access token; the token monitor checks it right away. */
async function addPage(
  store: Store,
  inbox: Inbox,
  appId: string,
  page: PageToken,
  organizationId: string,
): Promise<void> {
  await store.credentials.put(page.id, { accessToken: page.accessToken });
  const at = Date.now();
  const channel: Channel = {
    id: page.id,
    platform: page.platform,
    name: page.id,
    appId,
    organizationId,
    status: 'active',
    tokenExpiresAt: null,
    dataAccessExpiresAt: null,
    missingPermissions: [],
    settings: { ...defaultChannelSettings, agentIds: [] },
    connectedAt: at,
    updatedAt: at,
  };
  await inbox.updateChannel(channel);
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Agent,
  type Channel,
  createInbox,
  defaultChannelSettings,
  type Inbox,
  type Store,
} from '@pagedesk/core';
import { createChannels, createGraphClient, createTokenMonitor } from '@pagedesk/core/server';
import { demoPages, demoScript, type Emulator, startEmulator } from '@pagedesk/emulator';
import { createInboxApi, createWebhook } from '@pagedesk/node-webhook';
import { openBackends } from './backends.js';
import type { HelpdeskConfig, PageToken } from './config.js';
import { serveStatic } from './static.js';

// The demo helpdesk's server, built only from Pagedesk's public API: Meta (or the emulator) posts to
// /webhook, the agent app speaks to /api (REST + SSE), and the built React app is served from /.

/** The agents of this demo helpdesk; the signed-in agent is the first. */
export const agents: Agent[] = [
  { id: 'agent-sam', name: 'Sam Rivera' },
  { id: 'agent-lee', name: 'Lee Chen' },
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
const EMULATOR_VERIFY_TOKEN = 'demo-verify-token';

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
          pages: [...demoPages],
          user: { accessToken: 'EAAGemulatorUserTokenDemoAdmin0001', name: 'Demo Admin' },
          customerBehaviour: { deliverAfterMs: 300, readAfterMs: null },
        })
      : undefined;
  const appId = emulator ? emulator.appId : (config as Extract<HelpdeskConfig, { mode: 'meta' }>).appId;
  const appSecret = config.mode === 'meta' ? config.appSecret : EMULATOR_APP_SECRET;
  const verifyToken = config.mode === 'meta' ? config.verifyToken : EMULATOR_VERIFY_TOKEN;
  // On the emulator everything runs on its clock, so "jump 25 h" in the customer page moves windows.
  const now = emulator ? () => emulator.clock.now() : Date.now;

  const { store } = backends;
  const inbox = createInbox({ store, threading: { mode: 'until-resolved' }, now });
  inbox.on('error', ({ error }) => console.error('inbox:', error.message));
  const channels = createChannels({
    store,
    inbox,
    graph: (id) =>
      createGraphClient({
        appId: id,
        appSecret,
        ...(emulator ? { baseUrl: emulator.graphUrl } : {}),
      }),
    defaultAppId: appId,
    now,
    // Personas show the agent's name and face to the customer; Meta fetches the avatar, so it must be a
    // public URL (the emulator serves sample avatars itself).
    agents: (agentId) => {
      const agent = agents.find((a) => a.id === agentId);
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
    appSecret,
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
    ...(backends.fanout ? { fanout: backends.fanout } : {}),
    agents: () => agents,
    // A real helpdesk checks its session here; the demo has one signed-in agent.
    authorize: () => ({ agentId: agents[0]!.id, role: 'admin' }),
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
    if (path === '/api' || path.startsWith('/api/')) return api.node(req, res);
    if (path === '/demo/login' && emulator) {
      // Stands in for Facebook Login: the emulator's admin user token, as the JS SDK would hand it over.
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ userAccessToken: emulator.userToken }));
    }
    if (options.clientDir) return serveStatic(options.clientDir, path, req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  const webhookUrl = `${url}/webhook`;

  if (emulator) {
    emulator.webhooks.configure({ url: webhookUrl, verifyToken });
    await emulator.subscribe();
    await channels.connect(emulator.userToken, [...demoPages.map((page) => page.id)]);
    if (options.seed !== false) {
      await emulator.runScript(demoScript);
      await emulator.webhooks.idle();
    }
  } else if (config.mode === 'meta') {
    for (const page of config.pages) await addPage(store, inbox, appId, page);
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
    },
  };
}

/** Real mode: a page connected by its page access token; the token monitor checks it right away. */
async function addPage(store: Store, inbox: Inbox, appId: string, page: PageToken): Promise<void> {
  await store.credentials.put(page.id, { accessToken: page.accessToken });
  const at = Date.now();
  const channel: Channel = {
    id: page.id,
    platform: page.platform,
    name: page.id,
    appId,
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

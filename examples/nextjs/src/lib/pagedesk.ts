import 'server-only';
import { type Agent, createInbox, memoryStore } from '@pagedesk/core';
import { createChannels, createGraphClient } from '@pagedesk/core/server';
import { demoPages, demoScript, type Emulator, startEmulator } from '@pagedesk/emulator';
import { createInboxApi, createWebhook, type InboxApi, type Webhook } from '@pagedesk/node-webhook';

// The server half of the example, built on the first request (never at build time: the route
// handlers are dynamic) and kept on globalThis so `next dev` reloads reuse it. It runs on the local
// Messenger emulator; a real app passes its Meta app secret, verify token and a database store.

export const BASE_PATH = '/api/pagedesk';
const APP_SECRET = process.env.META_APP_SECRET ?? 'example-app-secret-change-me';
const VERIFY_TOKEN = process.env.META_VERIFY_TOKEN ?? 'example-verify-token';

export const agents: Agent[] = [{ id: 'agent-sam', name: 'Sam Rivera' }];

export interface Pagedesk {
  webhook: Webhook;
  api: InboxApi;
  emulator: Emulator;
}

const globalKey = Symbol.for('pagedesk.example-nextjs');
type WithPagedesk = typeof globalThis & { [globalKey]?: Promise<Pagedesk> };

/** The webhook, the inbox API and the emulator, started once; `origin` is where this app listens. */
export function pagedesk(origin: string): Promise<Pagedesk> {
  const store = globalThis as WithPagedesk;
  store[globalKey] ??= start(origin).catch((error: unknown) => {
    delete store[globalKey]; // the next request tries again
    throw error;
  });
  return store[globalKey];
}

async function start(origin: string): Promise<Pagedesk> {
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    pages: [...demoPages],
    user: { accessToken: 'EAAGemulatorUserTokenNextExample01', name: 'Demo Admin' },
    customerBehaviour: { deliverAfterMs: 300, readAfterMs: null },
  });
  const inbox = createInbox({ store: memoryStore(), threading: { mode: 'until-resolved' } });
  const channels = createChannels({
    store: inbox.store,
    inbox,
    graph: (appId) => createGraphClient({ appId, appSecret: APP_SECRET, baseUrl: emulator.graphUrl }),
    defaultAppId: emulator.appId,
  });
  const webhook = createWebhook({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    onEvents: (events) => inbox.apply(events),
    onError: (error, { phase }) => console.error(`webhook (${phase}): ${error.message}`),
  });
  const api = createInboxApi({
    inbox,
    channels,
    basePath: BASE_PATH,
    agents: () => agents,
    // A real helpdesk checks its session here and returns who is signing in (with their organisation
    // in a multi-tenant host); this single-tenant example signs everyone in as its one admin.
    authorize: () => ({ agentId: agents[0]?.id ?? 'agent', role: 'admin' }),
    onError: (error, { during }) => console.error(`inbox api (${during}): ${error.message}`),
  });
  emulator.webhooks.configure({ url: `${origin}/webhook`, verifyToken: VERIFY_TOKEN });
  // Not awaited: subscribing and the demo script call this app's own /webhook, which waits for this
  // function's result. The inbox fills in live as the deliveries arrive.
  void (async () => {
    await emulator.subscribe();
    await channels.connect(
      emulator.userToken,
      demoPages.map((page) => page.id),
    );
    await emulator.runScript(demoScript);
  })().catch((error: unknown) => console.error('demo setup:', error));
  return { webhook, api, emulator };
}

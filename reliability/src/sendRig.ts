import { createInbox, type Inbox, type Message, memoryStore, type Store } from '@pagedesk/core';
import {
  type ChannelsOptions,
  createChannels,
  createGraphClient,
  type ServerChannels,
} from '@pagedesk/core/server';
import { type Emulator, startEmulator } from '@pagedesk/emulator';
import { createWebhook } from '@pagedesk/node-webhook';
import { listen } from './harness.js';

// The send path against the emulator, wired as examples/helpdesk does: emulator webhooks → our
// webhook → inbox; createChannels → Graph client → emulator Graph API. The inbox behind the webhook
// can be swapped, which is what a server restart over the same store looks like.

export interface RigOptions {
  appSecret: string;
  pageToken: string;
  userToken?: string;
  /** Graph client per-attempt timeout; short, so timeouts cost little test time. */
  timeoutMs?: number;
  log?: (line: string) => void;
  /** More `createChannels` options (e.g. `reconcile`). */
  channels?: Partial<ChannelsOptions>;
}

export const RIG_PAGE_ID = '3001';

export async function startRig(options: RigOptions) {
  const store: Store = memoryStore();
  const errors: string[] = [];
  const log = options.log ?? (() => {});
  let now = () => Date.now();
  const makeInbox = () => {
    const inbox = createInbox({ store, now: () => now() });
    inbox.on('error', ({ error }) => {
      errors.push(`inbox: ${error.message}`);
      log(`inbox: ${error.message}`);
    });
    return inbox;
  };
  let inbox: Inbox = makeInbox();
  const webhook = createWebhook({
    appSecret: options.appSecret,
    verifyToken: 'rig-verify',
    onEvents: (events) => inbox.apply(events),
    onError: (error, context) => {
      errors.push(`webhook (${context.phase}): ${error.message}`);
      log(`webhook (${context.phase}): ${error.message}`);
    },
  });
  const server = await listen((req, res) => webhook.node(req, res));
  const emulator: Emulator = await startEmulator({
    appSecret: options.appSecret,
    pages: [
      { id: RIG_PAGE_ID, name: 'Reliability Support', platform: 'messenger', accessToken: options.pageToken },
    ],
    ...(options.userToken ? { user: { accessToken: options.userToken, name: 'Admin' } } : {}),
    webhookUrl: `${server.url}/webhook`,
    verifyToken: 'rig-verify',
    customerBehaviour: { deliverAfterMs: null, readAfterMs: null },
  });
  now = () => emulator.clock.now();
  const graphRequests: string[] = [];
  const makeChannels = (): ServerChannels => {
    const channels = createChannels({
      store,
      inbox,
      graph: (appId) =>
        createGraphClient({
          appId,
          appSecret: options.appSecret,
          baseUrl: emulator.graphUrl,
          timeoutMs: options.timeoutMs ?? 400,
          retry: { limit: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000 },
          onRequest: (info) => {
            const line = `graph ${info.method} ${info.url} ${info.status ?? '-'}${info.error ? ` ${info.error.code}` : ''}`;
            graphRequests.push(line);
            log(line);
          },
        }),
      defaultAppId: emulator.appId,
      now: () => emulator.clock.now(),
      historyImport: false,
      ...options.channels,
    });
    channels.on('error', ({ error }) => {
      errors.push(`channels: ${error.message}`);
      log(`channels: ${error.message}`);
    });
    channels.on('channel:status', ({ channel, previous }) =>
      log(`channel ${channel.id}: ${previous} → ${channel.status} ${channel.statusReason ?? ''}`),
    );
    return channels;
  };
  let channels = makeChannels();
  await channels.connect(emulator.userToken, [RIG_PAGE_ID]);

  return {
    store,
    emulator,
    errors,
    graphRequests,
    get inbox() {
      return inbox;
    },
    get channels() {
      return channels;
    },
    /** A new process over the same store: a fresh inbox behind the webhook and fresh channels. */
    restart(): ServerChannels {
      inbox = makeInbox();
      channels = makeChannels();
      return channels;
    },
    /** A customer writes, so the 24 h window is open; returns the conversation id. */
    async openConversation(name: string): Promise<string> {
      const customer = emulator.customers.create({ pageId: RIG_PAGE_ID, name });
      await emulator.customer(customer.id).send({ text: `Hello from ${name}` });
      await emulator.webhooks.idle();
      const conversation = await store.conversations.findLatest({
        channelId: RIG_PAGE_ID,
        customerId: `${RIG_PAGE_ID}:${customer.id}`,
        source: 'message',
      });
      if (!conversation) throw new Error(`no conversation for ${name}`);
      return conversation.id;
    },
    /** Sends accepted by the emulator per Pagedesk message id (Send API metadata). */
    acceptedById(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const sent of emulator.sent(RIG_PAGE_ID))
        if (sent.metadata) counts.set(sent.metadata, (counts.get(sent.metadata) ?? 0) + 1);
      return counts;
    },
    async message(id: string): Promise<Message | undefined> {
      return store.messages.get(id);
    },
    async close() {
      channels.close();
      await emulator.close();
      await server.close();
    },
  };
}

export type Rig = Awaited<ReturnType<typeof startRig>>;

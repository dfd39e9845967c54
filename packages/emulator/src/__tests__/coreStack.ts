import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInbox, memoryStore } from '@pagedesk/core';
import { type ChannelsOptions, createChannels, createGraphClient } from '@pagedesk/core/server';
import { createWebhook } from '@pagedesk/node-webhook';
import { type EmulatorOptions, startEmulator } from '../index.js';

/**
 * `@pagedesk/core` wired to the emulator as a host does it: the emulator's webhooks reach our webhook
 * receiver on 127.0.0.1 and feed the inbox; `createChannels` talks to the emulator's Graph API. The
 * inbox and the channels run on the emulator's clock, so windows agree on both sides.
 */
export async function startCoreStack(options: {
  appSecret: string;
  emulator: Omit<EmulatorOptions, 'appSecret' | 'webhookUrl'>;
  channels?: Partial<ChannelsOptions>;
}) {
  const store = memoryStore();
  let clock = () => Date.now();
  const inbox = createInbox({ store, now: () => clock() });
  const webhook = createWebhook({
    appSecret: options.appSecret,
    verifyToken: 'v',
    onEvents: (events) => inbox.apply(events),
  });
  const server = createServer((req, res) => webhook.node(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const emu = await startEmulator({
    ...options.emulator,
    appSecret: options.appSecret,
    webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
  });
  clock = () => emu.clock.now();
  const channels = createChannels({
    store,
    inbox,
    graph: (appId) =>
      createGraphClient({
        appId,
        appSecret: options.appSecret,
        baseUrl: emu.graphUrl,
        retry: { limit: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 120_000 },
        sleep: async () => {},
      }),
    defaultAppId: emu.appId,
    now: () => emu.clock.now(),
    historyImport: false,
    ...options.channels,
  });
  return {
    emu,
    store,
    inbox,
    channels,
    async close() {
      channels.close();
      await emu.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

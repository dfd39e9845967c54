import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInbox, memoryStore } from '@pagedesk/core';
import { type ChannelsOptions, createChannels, createGraphClient } from '@pagedesk/core/server';
import { testEntities } from '@pagedesk/core/testing';
import { createWebhook } from '@pagedesk/node-webhook';
import { afterAll, beforeAll } from 'vitest';
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

/** A page of the emulator as the stack's tests declare it. */
export interface StackPage {
  id: string;
  name: string;
  platform: 'messenger' | 'instagram';
  accessToken: string;
  scopes?: string[];
  /** For an Instagram account: the Facebook Page it is reached through (one token serves both). */
  facebookPageId?: string;
}

/**
 * {@link startCoreStack} with these pages already connected in the store (channel and token), no
 * automatic delivery receipts and no start-up recovery: the setup of the toolkit tests.
 */
export async function startPagesStack(
  appSecret: string,
  pages: StackPage[],
  channels: Partial<ChannelsOptions> = {},
) {
  const stack = await startCoreStack({
    appSecret,
    emulator: { pages, customerBehaviour: { deliverAfterMs: null } },
    channels: { recoverPendingOnStart: false, ...channels },
  });
  for (const page of pages) {
    await stack.store.channels.put(
      testEntities.channel({ id: page.id, name: page.name, platform: page.platform, appId: stack.emu.appId }),
    );
    await stack.store.credentials.put(page.id, { accessToken: page.accessToken });
  }
  return stack;
}

/** A new customer of the page writes; their direct conversation once the webhook was applied. */
export async function directConversation(
  stack: Awaited<ReturnType<typeof startCoreStack>>,
  pageId: string,
  name: string,
  text = 'Hello?',
) {
  const customer = stack.emu.customers.create({ pageId, name });
  await stack.emu.customer(customer.id).send({ text });
  await stack.emu.webhooks.idle();
  const conversation = await stack.store.conversations.findLatest({
    channelId: pageId,
    customerId: `${pageId}:${customer.id}`,
    source: 'message',
  });
  return { psid: customer.id, conversation: conversation! };
}

/** A Facebook Page and an Instagram account whose ids and tokens derive from `n` (one `n` per test file). */
export function pagePair(n: number): { FB: StackPage; IG: StackPage } {
  return {
    FB: { id: `${n}001`, name: 'Acme Page', platform: 'messenger', accessToken: `tok-${n}001-abcdef` },
    IG: { id: `17841400000000${n}00`, name: 'acme.ig', platform: 'instagram', accessToken: `tok-ig-${n}00` },
  };
}

type CoreStack = Awaited<ReturnType<typeof startCoreStack>>;
type UsedStack = CoreStack & {
  /** {@link directConversation} on this stack. */
  conversationWith(pageId: string, name: string): ReturnType<typeof directConversation>;
};

/** Starts a stack before the file's tests and closes it after; the returned object is filled in once started. */
function useStack(start: () => Promise<CoreStack>): UsedStack {
  const stack = {
    conversationWith: (pageId: string, name: string) => directConversation(stack, pageId, name),
  } as UsedStack;
  beforeAll(async () => {
    Object.assign(stack, await start());
  });
  afterAll(() => stack.close());
  return stack;
}

/** {@link startCoreStack} for the file's tests. */
export function useCoreStack(options: Parameters<typeof startCoreStack>[0]): UsedStack {
  return useStack(() => startCoreStack(options));
}

/** {@link startPagesStack} for the file's tests. */
export function usePagesStack(appSecret: string, pages: StackPage[]): UsedStack {
  return useStack(() => startPagesStack(appSecret, pages));
}

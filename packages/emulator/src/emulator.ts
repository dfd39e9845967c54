import type { AddressInfo } from 'node:net';
import { PagedeskError, parseOrThrow, ValidationError } from '@pagedesk/core';
import { createClock } from './clock.js';
import { customerHandle, settle } from './customerHandle.js';
import { pageEcho } from './echoes.js';
import type { Emulator, EmulatorPage } from './emulatorTypes.js';
import { Faults } from './faults.js';
import { GraphApi } from './graph.js';
import { handoverControls } from './handover.js';
import { LiveEvents } from './liveEvents.js';
import { Logins } from './logins.js';
import {
  createCustomerSchema,
  type EmulatorOptions,
  echoInputSchema,
  emulatorOptionsSchema,
  pageConfigSchema,
} from './options.js';
import { runScript } from './scriptRunner.js';
import { createEmulatorServer } from './server.js';
import { tokenControls } from './tokenControls.js';
import { tokenProblem } from './tokens.js';
import { verifyWebhook, WebhookDispatcher } from './webhooks.js';
import { defaultSubscribedFields, World } from './world.js';

// Assembles the emulator: the world, its clock and webhook dispatcher, the Graph API, the logins, the
// server, and the public object of controls (emulatorTypes.ts) over them.

function parseOptions(options: EmulatorOptions) {
  const opts = parseOrThrow(emulatorOptionsSchema, options, 'emulator options');
  const ids = new Set<string>();
  for (const [i, p] of opts.pages.entries()) {
    if (ids.has(p.id))
      throw new ValidationError('emulator options', [
        { path: `pages[${i}].id`, message: `duplicate page id ${p.id}` },
      ]);
    ids.add(p.id);
  }
  return opts;
}

function pageSnapshot(world: World, id: string): EmulatorPage {
  const p = world.page(id);
  const problem = tokenProblem(world, p);
  return {
    id: p.id,
    name: p.name,
    platform: p.platform,
    accessToken: p.accessToken,
    humanAgent: p.humanAgent,
    tokenValid: problem === null,
    tokenProblem: problem?.reason ?? p.revoked,
    subscribedFields: [...p.subscribedFields],
    scopes: [...p.scopes],
    samplePostId: p.samplePostId,
    ...(p.facebookPageId === undefined ? {} : { facebookPageId: p.facebookPageId }),
  };
}

/**
 * Starts a local Messenger Platform: a Graph API on 127.0.0.1 with Meta's rules and error shapes,
 * simulated customers that send signed webhooks, a customer chat page, a controllable clock and
 * fault injection.
 *
 * @example
 * const emulator = await startEmulator({
 *   appSecret: 'test-secret',
 *   webhookUrl: 'http://127.0.0.1:3000/webhook',
 *   pages: [{ id: '1001', name: 'Acme', platform: 'messenger', accessToken: 'page-token-1001' }],
 * });
 * const ana = emulator.customers.create({ pageId: '1001', name: 'Ana Lima' });
 * await emulator.customer(ana.id).send({ text: 'Hi!' });
 * // point createGraphClient({ baseUrl: emulator.graphUrl, appSecret: 'test-secret' }) at it, then:
 * await emulator.waitForSent((m) => m.recipientId === ana.id);
 * emulator.clock.advance(25 * 3600_000); // a RESPONSE now fails with 10/2018278
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const opts = parseOptions(options);
  let world!: World;
  const clock = createClock(opts.now, opts.freezeClock, () =>
    world?.emit({ type: 'clock', now: clock.now() }),
  );
  const dispatcher = new WebhookDispatcher(
    opts.webhookUrl ?? null,
    opts.appSecret,
    opts.webhooks,
    (pageId) => (world.pages.get(pageId)?.subscribedFields.length ?? 0) > 0,
    () => undefined,
    (pageId) => logins.secretFor(pageId),
  );
  world = new World(opts, clock, (event) => dispatcher.enqueue(event));
  let verifyToken = opts.verifyToken;
  const graph = new GraphApi(world);
  const logins = new Logins(world, graph, opts.instagramLogin);
  const faults = new Faults();
  const live = new LiveEvents();
  world.on((update) => live.broadcast(update));
  const http = createEmulatorServer({ world, graph, logins, faults, live, emulator: () => emulator });

  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(opts.port, opts.host, () => resolve());
  });
  const address = http.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const baseUrl = `http://${host}:${address.port}`;
  world.baseUrl = baseUrl;
  const snapshot = (id: string) => pageSnapshot(world, id);

  const emulator: Emulator = {
    url: baseUrl,
    graphUrl: baseUrl,
    graphVersion: opts.graphVersion,
    appId: opts.appId,
    handover: handoverControls(world),
    appSecret: opts.appSecret,
    appToken: `${opts.appId}|${opts.appSecret}`,
    userToken: world.user.accessToken,
    clock,
    pages: {
      list: () => [...world.pages.keys()].map(snapshot),
      get: snapshot,
      add: (config) => snapshot(world.addPage(parseOrThrow(pageConfigSchema, config, 'page')).id),
    },
    page(id) {
      const p = world.page(id);
      return {
        id,
        samplePostId: p.samplePostId,
        echo: (input) => settle(() => pageEcho(world, id, parseOrThrow(echoInputSchema, input, 'echo'))),
      };
    },
    customers: {
      create: (input) => world.createCustomer(parseOrThrow(createCustomerSchema, input, 'customer')),
      list: (pageId) =>
        [...world.customers.values()]
          .filter((c) => pageId === undefined || c.pageId === pageId)
          .map((c) => world.snapshotCustomer(c)),
      get: (id) => world.snapshotCustomer(world.customer(id)),
    },
    customer: (id) => customerHandle(world, id),
    faults: { set: (input) => faults.set(input), clear: () => faults.clear(), get: () => faults.get() },
    tokens: tokenControls(world),
    subscriptions: {
      drop(pageId) {
        world.page(pageId).subscribedFields = [];
      },
      fields: (pageId) => [...world.page(pageId).subscribedFields],
    },
    webhooks: {
      deliveries: () => dispatcher.deliveries(),
      idle: () => dispatcher.idle(),
      configure(input) {
        if (input.url !== undefined)
          dispatcher.url =
            input.url === null
              ? null
              : (parseOrThrow(emulatorOptionsSchema.shape.webhookUrl, input.url, 'webhook url') ?? null);
        if (input.verifyToken !== undefined) verifyToken = input.verifyToken;
      },
      get url() {
        return dispatcher.url;
      },
    },
    async subscribe() {
      if (!dispatcher.url)
        throw new ValidationError('subscribe', [{ path: 'webhookUrl', message: 'is not configured' }]);
      if (!verifyToken)
        throw new ValidationError('subscribe', [{ path: 'verifyToken', message: 'is not configured' }]);
      const result = await verifyWebhook(dispatcher.url, verifyToken, opts.webhooks.timeoutMs);
      if (result.ok) {
        for (const p of world.pages.values())
          if (p.subscribedFields.length === 0) p.subscribedFields = defaultSubscribedFields(p.platform);
      }
      return result;
    },
    sent: (pageId) =>
      structuredClone(world.sentLog.filter((m) => pageId === undefined || m.pageId === pageId)),
    senderActions: (pageId) =>
      structuredClone(world.actionLog.filter((a) => pageId === undefined || a.pageId === pageId)),
    comments: (pageId) =>
      structuredClone(
        [...world.comments.values()].filter((c) => pageId === undefined || c.pageId === pageId),
      ),
    on: (listener) => world.on(listener),
    async waitFor(predicate, waitOptions = {}) {
      const settings = typeof waitOptions === 'number' ? { timeoutMs: waitOptions } : waitOptions;
      const timeoutMs = settings.timeoutMs ?? 5000;
      const intervalMs = settings.intervalMs ?? 10;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await predicate();
        if (value) return value as NonNullable<typeof value>;
        if (Date.now() >= deadline)
          throw new PagedeskError('timeout', `waitFor: condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    waitForSent(match, waitOptions) {
      return emulator.waitFor(() => world.sentLog.find(match), waitOptions).then((m) => structuredClone(m));
    },
    runScript: (steps) => runScript(world, emulator, steps),
    logins: logins.controls(),
    async close() {
      for (const timer of world.timers) clearTimeout(timer);
      world.timers.clear();
      dispatcher.close();
      live.close();
      await http.close();
    },
  };

  if (opts.verifyToken && opts.webhookUrl) {
    // Like adding the callback URL in the App Dashboard: Meta verifies it first. A failure is reported
    // through deliveries of later events, not thrown, so the emulator can start before the host.
    void emulator.subscribe().catch(() => undefined);
  }
  return emulator;
}

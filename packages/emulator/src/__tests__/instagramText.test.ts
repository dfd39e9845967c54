import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInbox, GraphError, memoryStore, RuleViolationError, utf8Length } from '@pagedesk/core';
import { createChannels, createGraphClient, type ServerChannels } from '@pagedesk/core/server';
import { testEntities } from '@pagedesk/core/testing';
import { createWebhook } from '@pagedesk/node-webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../index.js';

// One table of limits, read by the send path and the emulator alike: a reply over Instagram's 1000
// bytes is refused before Meta by the send path, split into parts the emulator takes, and refused by
// the emulator (as by Meta) when a caller skips the send path.

const APP_SECRET = 'ig-limits-secret-42';
const IG = {
  id: '17841400000000077',
  name: 'acme.ig',
  platform: 'instagram' as const,
  accessToken: 'ig-token-77-abc',
};

let emu: Emulator;
let server: Server;
let store: ReturnType<typeof memoryStore>;
let channels: ServerChannels;

beforeAll(async () => {
  store = memoryStore();
  let clock = () => Date.now();
  const inbox = createInbox({ store, now: () => clock() });
  const webhook = createWebhook({
    appSecret: APP_SECRET,
    verifyToken: 'v',
    onEvents: (events) => inbox.apply(events),
  });
  server = createServer((req, res) => webhook.node(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  emu = await startEmulator({
    appSecret: APP_SECRET,
    pages: [IG],
    webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    customerBehaviour: { deliverAfterMs: null },
  });
  clock = () => emu.clock.now();
  await store.channels.put(testEntities.channel({ id: IG.id, platform: 'instagram', appId: emu.appId }));
  await store.credentials.put(IG.id, { accessToken: IG.accessToken });
  channels = createChannels({
    store,
    inbox,
    graph: (appId) => createGraphClient({ appId, appSecret: APP_SECRET, baseUrl: emu.graphUrl }),
    defaultAppId: emu.appId,
    now: () => emu.clock.now(),
    historyImport: false,
    recoverPendingOnStart: false,
  });
});
afterAll(async () => {
  channels.close();
  await emu.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('Instagram text through the send path and the emulator', () => {
  it('refuses 1,500 bytes before Meta, splits it on request into parts the emulator takes, and the emulator refuses it raw', async () => {
    const bia = emu.customers.create({ pageId: IG.id, name: 'Bia' });
    await emu.customer(bia.id).send({ text: 'Oi! Onde está meu pedido?' });
    await emu.webhooks.idle();
    const conversation = await store.conversations.findLatest({
      channelId: IG.id,
      customerId: `${IG.id}:${bia.id}`,
      source: 'message',
    });
    const reply = 'Seu pedido já saiu e chegará amanhã. '.repeat(40).trim(); // 40 × 39 bytes
    expect(utf8Length(reply)).toBeGreaterThan(1000);
    expect(reply.length).toBeLessThan(2000);
    const sentBefore = emu.sent(IG.id).length;
    await expect(channels.send(conversation!.id, { text: reply })).rejects.toBeInstanceOf(RuleViolationError);
    expect(emu.sent(IG.id)).toHaveLength(sentBefore);

    const parts = await channels.send(conversation!.id, { text: reply, split: true });
    expect(parts.map((m) => m.delivery)).toEqual(parts.map(() => 'sent'));
    const accepted = emu.sent(IG.id).slice(sentBefore);
    expect(accepted.map((s) => s.text).join('')).toBe(reply);
    for (const s of accepted) expect(utf8Length(s.text!)).toBeLessThanOrEqual(1000);

    const page = createGraphClient({ appSecret: APP_SECRET, baseUrl: emu.graphUrl }).forPage({
      id: IG.id,
      accessToken: IG.accessToken,
    });
    const raw = await page
      .send({ recipient: { id: bia.id }, messagingType: 'RESPONSE', text: reply })
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(GraphError);
    expect(raw).toMatchObject({ graphCode: 100 });
  });
});

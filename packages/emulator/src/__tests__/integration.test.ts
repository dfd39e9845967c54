import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MessengerEvent } from '@pagedesk/core';
import { createGraphClient, type GraphClient } from '@pagedesk/core/server';
import { createWebhook } from '@pagedesk/node-webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../index.js';
import { APP_SECRET, HOUR, IG, PAGE } from './helpers.js';

// The emulator against Pagedesk's own Meta-facing pieces: its webhooks parse with @pagedesk/node-webhook
// (signature, shapes, kinds) and the core Graph client gets the answers and typed errors it expects.

let emu: Emulator;
let server: Server;
let graph: GraphClient;
const events: MessengerEvent[] = [];

beforeAll(async () => {
  const webhook = createWebhook({
    appSecret: APP_SECRET,
    verifyToken: 'verify-123',
    onEvents: (batch) => void events.push(...batch),
  });
  server = createServer((req, res) => webhook.node(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  emu = await startEmulator({
    appSecret: APP_SECRET,
    pages: [PAGE, { ...IG, facebookPageId: PAGE.id }],
    webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    verifyToken: 'verify-123',
    customerBehaviour: { deliverAfterMs: 0 },
  });
  graph = createGraphClient({
    appId: emu.appId,
    appSecret: APP_SECRET,
    baseUrl: emu.graphUrl,
    retry: { limit: 2, baseDelayMs: 1, maxRetryAfterMs: 1 },
  });
});
afterAll(async () => {
  await emu.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const kinds = () => events.map((e) => e.kind);

describe('emulator ↔ @pagedesk/node-webhook', () => {
  it('passes the verification handshake', async () => {
    expect(await emu.subscribe()).toMatchObject({ ok: true });
  });

  it('delivers every customer action as events the webhook parses', async () => {
    const ana = emu.customers.create({ pageId: PAGE.id, name: 'Ana Lima' });
    const first = await emu.customer(ana.id).send({ text: 'Olá! 🙂', attachments: [{ sample: 'ocean' }] });
    expect(first.delivered).toBe(true);
    await emu.customer(ana.id).react(first.mid!, '❤️');
    await emu.customer(ana.id).postback({ title: 'Get Started', payload: 'START' });
    await emu.customer(ana.id).comment({ text: 'Ship to Canada?' });
    await emu.customer(ana.id).edit(first.mid!, 'Olá!!');
    const farah = emu.customers.create({ pageId: IG.id, name: 'Farah' });
    const igMessage = await emu.customer(farah.id).send({ text: 'hi from IG' });
    await emu.customer(farah.id).unsend(igMessage.mid!);
    await emu.webhooks.idle();
    expect(emu.webhooks.deliveries().every((d) => d.ok)).toBe(true);
    expect(kinds()).toEqual(
      expect.arrayContaining(['message', 'reaction', 'postback', 'comment', 'edit', 'unsend']),
    );
    const message = events.find((e) => e.kind === 'message' && e.customerId === ana.id);
    expect(message).toMatchObject({
      platform: 'messenger',
      pageId: PAGE.id,
      text: 'Olá! 🙂',
      timestamp: first.timestamp,
    });
    expect(events.find((e) => e.kind === 'message' && e.customerId === farah.id)).toMatchObject({
      platform: 'instagram',
      pageId: IG.id,
    });
  });

  it('sends with the core Graph client and gets echo, delivery and read back', async () => {
    const ben = emu.customers.create({ pageId: PAGE.id, name: 'Ben' });
    await emu.customer(ben.id).send({ text: 'help' });
    const page = graph.forPage({ id: PAGE.id, accessToken: PAGE.accessToken });
    const sent = await page.send({
      recipient: { id: ben.id },
      messagingType: 'RESPONSE',
      text: 'On it',
      metadata: 'pd_1',
    });
    expect(sent.recipientId).toBe(ben.id);
    await emu.waitFor(() => events.some((e) => e.kind === 'delivery' && e.customerId === ben.id));
    await emu.customer(ben.id).read();
    await emu.webhooks.idle();
    const mine = events.filter((e) => e.customerId === ben.id).map((e) => e.kind);
    expect(mine).toEqual(['message', 'echo', 'delivery', 'read']);
  });

  it('maps the emulator’s refusals to the core’s typed errors', async () => {
    const old = emu.customers.create({ pageId: PAGE.id, name: 'Old' });
    await emu.customer(old.id).send({ text: 'hello', at: emu.clock.now() - 30 * HOUR });
    const page = graph.forPage({ id: PAGE.id, accessToken: PAGE.accessToken });
    await expect(
      page.send({ recipient: { id: old.id }, messagingType: 'RESPONSE', text: 'late' }),
    ).rejects.toMatchObject({
      name: 'WindowClosedError',
      subcode: 2018278,
    });
    await expect(
      page.send({
        recipient: { id: old.id },
        messagingType: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        text: 'agent',
      }),
    ).resolves.toMatchObject({
      recipientId: old.id,
    });
    emu.faults.set({ rateLimit: { code: 613, retryAfterMinutes: 5 } });
    await expect(
      page.send({ recipient: { id: old.id }, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', text: 'x' }),
    ).rejects.toMatchObject({
      name: 'RateLimitError',
    });
    emu.faults.clear();
    emu.tokens.revoke(PAGE.id, 'password_changed');
    await expect(page.profile(old.id, 'messenger')).rejects.toMatchObject({
      name: 'TokenError',
      reason: 'password_changed',
    });
    expect(await graph.debugToken(PAGE.accessToken)).toMatchObject({
      isValid: false,
      error: { subcode: 460 },
    });
    emu.tokens.reissue(PAGE.id);
  });

  it('answers the client’s profile, upload, subscription and persona calls', async () => {
    const token = emu.pages.get(PAGE.id).accessToken;
    const page = graph.forPage({ id: PAGE.id, accessToken: token });
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Cara Dias' });
    await emu.customer(c.id).send({ text: 'hi' });
    expect(await page.profile(c.id, 'messenger')).toMatchObject({
      id: c.id,
      firstName: 'Cara',
      lastName: 'Dias',
    });
    const id = await page.uploadAttachment({
      type: 'image',
      data: new Uint8Array([1, 2, 3]),
      fileName: 'a.png',
      mimeType: 'image/png',
    });
    await expect(
      page.send({
        recipient: { id: c.id },
        messagingType: 'RESPONSE',
        attachment: { type: 'image', attachmentId: id },
      }),
    ).resolves.toBeDefined();
    expect(await page.subscribedApps()).toEqual([expect.objectContaining({ id: emu.appId })]);
    const persona = await page.createPersona({ name: 'Jo', profilePictureUrl: 'https://example.com/jo.png' });
    await page.deletePersona(persona);
    const accounts = await graph.forUser(emu.userToken).accounts();
    expect(accounts[0]).toMatchObject({
      id: PAGE.id,
      pictureUrl: expect.stringContaining('/samples/'),
      instagram: { id: IG.id, username: IG.name },
    });
  });

  it('reaches the linked Instagram account with the Page token (Facebook Login route)', async () => {
    const token = emu.pages.get(PAGE.id).accessToken;
    const ig = graph.forPage({ id: IG.id, accessToken: token, node: PAGE.id });
    const farah = emu.customers.create({ pageId: IG.id, name: 'Farah Haddad', username: 'farah.h' });
    await emu.customer(farah.id).send({ text: 'jacket?' });
    await expect(
      ig.send({ recipient: { id: farah.id }, messagingType: 'RESPONSE', text: 'Back Friday!' }),
    ).resolves.toMatchObject({
      recipientId: farah.id,
    });
    expect(emu.sent(IG.id).at(-1)).toMatchObject({ text: 'Back Friday!' });
    expect(await ig.profile(farah.id, 'instagram')).toMatchObject({ username: 'farah.h' });
    expect((await graph.debugToken(token)).scopes).toEqual(
      expect.arrayContaining(['pages_messaging', 'instagram_manage_messages']),
    );
  });
});

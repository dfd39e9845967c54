import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Channel, createInbox, memoryStore } from '@pagedesk/core';
import { createChannels, createTokenMonitor, type ServerChannels } from '@pagedesk/core/server';
import { createWebhook } from '@pagedesk/node-webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../index.js';
import { instagramLoginOn } from './helpers.js';

// An Instagram account on Instagram Login as a channel, end to end: the login, connectInstagram,
// webhooks verified with the Instagram app secret and routed by entry.id, replies and profiles on the
// graph.instagram.com routes, and the token monitor refreshing the 60-day token on the emulated clock.

const APP_SECRET = 'ig-channel-app-secret';
const DAY = 86_400_000;
const REDIRECT = 'https://desk.example.com/meta/instagram/callback';

let emu: Emulator;
let server: Server;
let store: ReturnType<typeof memoryStore>;
let inbox: ReturnType<typeof createInbox>;
let channels: ServerChannels;
const errorsSeen: string[] = [];
const statusEvents: Array<{ id: string; status: Channel['status'] }> = [];

beforeAll(async () => {
  store = memoryStore();
  let clock = () => Date.now();
  inbox = createInbox({ store, now: () => clock() });
  emu = await startEmulator({
    appSecret: APP_SECRET,
    customerBehaviour: { deliverAfterMs: null },
    instagramLogin: { accounts: [{ id: '17841400000000777', username: 'acme.studio', name: 'Acme Studio' }] },
  });
  clock = () => emu.clock.now();
  const ig = emu.logins.instagramApp;
  const webhook = createWebhook({
    apps: [
      { appId: emu.appId, appSecret: APP_SECRET },
      { appId: ig.appId, appSecret: ig.appSecret },
    ],
    verifyToken: 'v',
    onEvents: (events) => inbox.apply(events),
  });
  server = createServer((req, res) => webhook.node(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  emu.webhooks.configure({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook` });
  channels = createChannels({
    store,
    inbox,
    apps: {
      [emu.appId]: { appSecret: APP_SECRET },
      [ig.appId]: { appSecret: ig.appSecret, login: 'instagram' },
    },
    baseUrl: emu.graphUrl,
    instagramBaseUrl: emu.logins.instagramUrl,
    now: () => emu.clock.now(),
  });
  channels.on('error', ({ error }) => errorsSeen.push(error.message));
  channels.on('channel:status', ({ channel }) =>
    statusEvents.push({ id: channel.id, status: channel.status }),
  );
});

afterAll(async () => {
  channels.close();
  await emu.close();
  await new Promise((resolve) => server.close(resolve));
});

async function logIn(): Promise<{ accessToken: string; expiresAt: number }> {
  const ig = instagramLoginOn(emu, REDIRECT);
  const dialog = new URL(ig.authorizeUrl({ state: 'state-checked-elsewhere' }));
  dialog.searchParams.set('decision', 'allow');
  const location = (await fetch(dialog, { redirect: 'manual' })).headers.get('location')!;
  return ig.exchangeCode(ig.handleRedirect(location).code);
}

describe('Instagram Login channel', () => {
  it('connects, imports history, receives by entry.id, replies and reads profiles through graph.instagram.com', async () => {
    const { accessToken, expiresAt } = await logIn();
    // Written before the account was connected: no webhook, so it arrives through the history import.
    const earlier = emu.customers.create({ pageId: '17841400000000777', name: 'Dora Reis' });
    expect((await emu.customer(earlier.id).send({ text: 'hello from last week' })).delivered).toBe(false);
    const channel = await channels.connectInstagram({ accessToken, expiresAt, organizationId: 'org_a' });
    expect(channel).toMatchObject({
      id: '17841400000000777',
      login: 'instagram',
      platform: 'instagram',
      name: 'acme.studio',
      appId: emu.logins.instagramApp.appId,
      organizationId: 'org_a',
      status: 'active',
      tokenExpiresAt: expiresAt,
    });
    expect(emu.subscriptions.fields(channel.id)).toEqual(expect.arrayContaining(['messages', 'comments']));
    // Who connected: the Instagram user the token belongs to (`/me`'s `id`), for deauthorize callbacks.
    expect(await store.credentials.get(channel.id)).toEqual({
      accessToken,
      connectedByUserId: '17841400000000777',
    });

    const [imported] = (await store.conversations.list({ channelId: channel.id })).items;
    expect(imported?.preview).toBe('hello from last week');

    const customer = emu.customers.create({ pageId: channel.id, name: 'Carla Dias' });
    expect((await emu.customer(customer.id).send({ text: 'is the studio open?' })).delivered).toBe(true);
    const [conversation] = (await store.conversations.list({ channelId: channel.id })).items;
    expect(conversation?.preview).toBe('is the studio open?');
    expect(conversation?.organizationId).toBe('org_a');
    await channels.send(conversation!.id, { text: 'Yes, until 6 pm' });
    expect(emu.sent(channel.id).map((m) => m.text)).toEqual(['Yes, until 6 pm']);
    await channels.idle();
    const stored = await store.customers.get(conversation!.customerId);
    expect(stored).toMatchObject({ profileStatus: 'fetched', name: 'Carla Dias' });
    expect(errorsSeen).toEqual([]);
  });

  it('the token monitor refreshes the token at day 59 on the emulated clock', async () => {
    const [channel] = await channels.list({ organizationId: 'org_a' });
    const before = (await store.credentials.get(channel!.id))!.accessToken;
    emu.clock.advance(59 * DAY);
    const monitor = createTokenMonitor({ channels });
    const refreshedAround = emu.clock.now() + 60 * DAY;
    const [result] = await monitor.checkNow();
    monitor.stop();
    expect(result?.channel.status).toBe('active');
    // The emulated clock ticks with real time: the new expiry is 60 days from the refresh.
    expect(result?.channel.tokenExpiresAt).toBeGreaterThanOrEqual(refreshedAround);
    expect(result?.channel.tokenExpiresAt).toBeLessThanOrEqual(emu.clock.now() + 60 * DAY);
    const after = (await store.credentials.get(channel!.id))!.accessToken;
    expect(after).not.toBe(before);
    // Day 61: the old token is dead, the refreshed one still answers.
    emu.clock.advance(2 * DAY);
    expect((await channels.check(channel!.id)).channel.status).toBe('active');
  });

  it('a refresh Meta refuses flips the channel to expired and tells the admin', async () => {
    const [channel] = await channels.list({ organizationId: 'org_a' });
    await channels.purge(channel!.id);
    statusEvents.length = 0;
    const { accessToken, expiresAt } = await logIn();
    // The host's record says three more days than Meta gave: the refresh finds the token dead.
    const connected = await channels.connectInstagram({
      accessToken,
      expiresAt: expiresAt + 3 * DAY,
      organizationId: 'org_a',
    });
    emu.clock.advance(61 * DAY);
    const { channel: checked } = await channels.check(connected.id);
    expect(checked).toMatchObject({ status: 'expired', statusReason: 'The access token expired' });
    expect(statusEvents).toEqual([{ id: connected.id, status: 'expired' }]);
  });
});

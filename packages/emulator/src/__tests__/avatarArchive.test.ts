import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Customer, createInbox, createMediaArchiver, memoryStore } from '@pagedesk/core';
import { createChannels, fileMediaStore, type ServerChannels } from '@pagedesk/core/server';
import { createWebhook } from '@pagedesk/node-webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../index.js';

// Profile pictures archived like attachments: a customer writes, the channels look the profile up
// on the emulator's Graph API, and the archiver copies the picture Meta's (expiring) URL points at;
// the customer keeps both URLs.

const APP_SECRET = 'avatar-test-app-secret';
const PAGE = {
  id: '4101',
  name: 'Acme',
  platform: 'messenger' as const,
  accessToken: 'page-token-4101-abcdef',
};

let emu: Emulator;
let webhookServer: Server;
let dir: string;
let store: ReturnType<typeof memoryStore>;
let inbox: ReturnType<typeof createInbox>;
let channels: ServerChannels;
let archiver: ReturnType<typeof createMediaArchiver>;
const errors: Error[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagedesk-avatars-'));
  store = memoryStore();
  inbox = createInbox({ store });
  const webhook = createWebhook({
    appSecret: APP_SECRET,
    verifyToken: 'v',
    onEvents: (events) => inbox.apply(events),
  });
  webhookServer = createServer((req, res) => webhook.node(req, res));
  await new Promise<void>((resolve) => webhookServer.listen(0, '127.0.0.1', resolve));
  emu = await startEmulator({
    appSecret: APP_SECRET,
    pages: [PAGE],
    webhookUrl: `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/webhook`,
    customerBehaviour: { deliverAfterMs: null },
  });
  channels = createChannels({
    store,
    inbox,
    apps: { [emu.appId]: { appSecret: APP_SECRET } },
    baseUrl: emu.graphUrl,
    historyImport: false,
  });
  await channels.connect(emu.userToken, [PAGE.id]);
  archiver = createMediaArchiver({
    inbox,
    media: fileMediaStore(dir, { publicPath: '/media' }),
    baseDelayMs: 1,
    onError: (error) => errors.push(error),
  });
});

afterAll(async () => {
  archiver.close();
  channels.close();
  await emu.close();
  await new Promise((resolve) => webhookServer.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** A new customer writes; resolves with the stored customer once the lookup and the copy are done. */
async function customerWho(profilePic?: string): Promise<Customer> {
  const created = emu.customers.create({
    pageId: PAGE.id,
    name: 'Rosa Diaz',
    ...(profilePic ? { profilePic } : {}),
  });
  expect((await emu.customer(created.id).send({ text: 'hello' })).delivered).toBe(true);
  await channels.idle();
  await archiver.idle();
  return (await store.customers.get(`${PAGE.id}:${created.id}`))!;
}

describe('profile pictures', () => {
  it('copies the picture of a fetched profile and keeps both URLs', async () => {
    const customer = await customerWho();
    expect(customer.profileStatus).toBe('fetched');
    expect(customer.avatarUrl).toMatch(new RegExp(`^${emu.url}/samples/avatar\\.png\\?customer=`));
    expect(customer.archivedAvatarUrl).toMatch(/^\/media\/4101\/avatars\/4101_[0-9]+-[0-9a-z]+\.png$/);
    const copied = await readFile(join(dir, customer.archivedAvatarUrl!.slice('/media/'.length)));
    const original = Buffer.from(await (await fetch(customer.avatarUrl!)).arrayBuffer());
    expect(copied.equals(original)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('leaves a picture Meta no longer serves as it is: no copy, no error', async () => {
    const customer = await customerWho(`${emu.url}/samples/gone-avatar.png`);
    expect(customer.profileStatus).toBe('fetched');
    expect(customer.avatarUrl).toBe(`${emu.url}/samples/gone-avatar.png`);
    expect(customer.archivedAvatarUrl).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('copies a newer picture again when the profile brings another URL', async () => {
    const customer = await customerWho();
    const first = customer.archivedAvatarUrl;
    const fresh = `${customer.avatarUrl}&v=2`;
    // A host that refreshes the profile drops the old copy with the old URL.
    const { archivedAvatarUrl: _old, ...rest } = customer;
    await inbox.updateCustomer({ ...rest, avatarUrl: fresh });
    await archiver.idle();
    const updated = (await store.customers.get(customer.id))!;
    expect(updated.avatarUrl).toBe(fresh);
    expect(updated.archivedAvatarUrl).toMatch(/\.png$/);
    expect(updated.archivedAvatarUrl).not.toBe(first);
  });
});

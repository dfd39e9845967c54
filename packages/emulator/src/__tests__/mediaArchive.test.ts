import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Customer,
  createInbox,
  createMediaArchiver,
  defineRules,
  type Message,
  memoryStore,
} from '@pagedesk/core';
import { createChannels, fileMediaStore, type ServerChannels } from '@pagedesk/core/server';
import { testEvents } from '@pagedesk/core/testing';
import { createWebhook } from '@pagedesk/node-webhook';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, sampleImageNames, startEmulator } from '../index.js';

// Inbound media archived as it arrives: the emulator sends webhooks whose attachment URLs it serves
// itself (or a flaky CDN stand-in serves), the inbox stores the message, the archiver copies the file
// to disk and records the copy's URL on the message. Profile pictures likewise: the channels look a
// new customer's profile up on the emulator's Graph API and the archiver copies the picture.

const APP_SECRET = 'media-test-app-secret';
const PAGE = {
  id: '4001',
  name: 'Acme',
  platform: 'messenger' as const,
  accessToken: 'page-token-4001-abcdef',
};

let emu: Emulator;
let webhookServer: Server;
let cdn: Server;
let cdnUrl: string;
let dir: string;
let store: ReturnType<typeof memoryStore>;
let inbox: ReturnType<typeof createInbox>;
let archiver: ReturnType<typeof createMediaArchiver> | undefined;
const errors: Error[] = [];
// The flaky CDN: answers 503 `failures` times, then the PNG; `gate` holds the first answer.
let failures = 0;
let gate: Promise<void> = Promise.resolve();
let png: Buffer;
let internalHits = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagedesk-media-'));
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
  png = Buffer.from(await (await fetch(`${emu.url}/samples/${sampleImageNames[0]}.png`)).arrayBuffer());
  cdn = createServer((req, res) => {
    // /to/<url>: a redirect to that URL, as a CDN host may answer; /internal: what no download may reach.
    if (req.url?.startsWith('/to/')) {
      res.writeHead(302, { location: decodeURIComponent(req.url.slice(4)) }).end();
      return;
    }
    if (req.url === '/internal') {
      internalHits++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('internal only');
      return;
    }
    void gate.then(() => {
      if (failures > 0) {
        failures--;
        res.writeHead(503).end();
      } else res.writeHead(200, { 'content-type': 'text/plain' }).end(png);
    });
  });
  await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
  cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
});

afterEach(() => {
  archiver?.close();
  archiver = undefined;
  errors.length = 0;
});

afterAll(async () => {
  await emu.close();
  await new Promise((resolve) => webhookServer.close(resolve));
  await new Promise((resolve) => cdn.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function start(options: Partial<Parameters<typeof createMediaArchiver>[0]> = {}) {
  archiver = createMediaArchiver({
    inbox,
    media: fileMediaStore(dir, { publicPath: '/media' }),
    baseDelayMs: 1,
    onError: (error) => errors.push(error),
    ...options,
  });
  return archiver;
}

/** A customer sends one attachment; resolves with the stored message once the archiver is idle. */
async function receive(url: string, type: 'image' | 'file' = 'image'): Promise<Message> {
  const customer = emu.customers.create({ pageId: PAGE.id, name: 'Ana Lima' });
  const { mid, delivered } = await emu.customer(customer.id).send({ attachments: [{ type, url }] });
  expect(delivered).toBe(true);
  await archiver!.idle();
  const message = await store.messages.getByMid(PAGE.id, mid!);
  expect(message).toBeDefined();
  return message!;
}

describe('createMediaArchiver', () => {
  it('copies an attachment served by the emulator and keeps both URLs', async () => {
    start();
    const updates: string[] = [];
    const off = inbox.on('message:updated', ({ message }) => updates.push(message.id));
    const url = `${emu.url}/samples/${sampleImageNames[0]}.png`;
    const message = await receive(url);
    off();
    const [attachment] = message.attachments;
    expect(attachment).toMatchObject({ url, archivedUrl: `/media/${PAGE.id}/${message.id}/0.png` });
    expect(await readFile(join(dir, PAGE.id, message.id, '0.png'))).toEqual(png);
    expect(updates).toEqual([message.id]);
  });

  it('marks a Meta URL that answers 404 as expired, without retrying', async () => {
    start();
    const [attachment] = (await receive(`${emu.url}/samples/no-such-sample.png`)).attachments;
    expect(attachment?.archiveStatus).toBe('expired');
    expect(attachment?.archivedUrl).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('retries a failing download until it succeeds, never holding up the webhook answer', async () => {
    start();
    failures = 2;
    let release!: () => void;
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const customer = emu.customers.create({ pageId: PAGE.id, name: 'Bo' });
    // The webhook is answered while the CDN still holds the first download.
    const { mid, delivered } = await emu
      .customer(customer.id)
      .send({ attachments: [{ type: 'image', url: `${cdnUrl}/x.jpg` }] });
    expect(delivered).toBe(true);
    expect((await store.messages.getByMid(PAGE.id, mid!))?.attachments[0]?.archivedUrl).toBeUndefined();
    release();
    await archiver!.idle();
    const [attachment] = (await store.messages.getByMid(PAGE.id, mid!))!.attachments;
    // Sniffed from the bytes: the CDN said text/plain and the URL .jpg, the file is a PNG.
    expect(attachment?.archivedUrl).toMatch(/\/0\.png$/);
    expect(failures).toBe(0);
  });

  it('gives up after the retries and says so', async () => {
    start({ retries: 1 });
    failures = 5;
    const [attachment] = (await receive(`${cdnUrl}/y.png`)).attachments;
    expect(attachment?.archiveStatus).toBe('failed');
    expect(errors.map((e) => e.message)).toEqual(['HTTP 503']);
    failures = 0;
  });

  it('fetches only the URLs allowUrl admits', async () => {
    start({ allowUrl: (url) => url.hostname.endsWith('.fbcdn.net') });
    const [attachment] = (await receive(`${emu.url}/samples/${sampleImageNames[0]}.png`)).attachments;
    expect(attachment?.archivedUrl).toBeUndefined();
    expect(attachment?.archiveStatus).toBeUndefined();
  });

  it('asks allowUrl of every redirect: an allowed host cannot lead a download elsewhere', async () => {
    const sample = `${emu.url}/samples/${sampleImageNames[0]}.png`;
    const cdnOnly = (url: URL) => url.origin === cdnUrl && url.pathname.startsWith('/to/');
    start({ allowUrl: cdnOnly });
    const [refused] = (await receive(`${cdnUrl}/to/${encodeURIComponent(`${cdnUrl}/internal`)}`)).attachments;
    expect(internalHits).toBe(0);
    expect(refused).toMatchObject({ archiveStatus: 'failed' });
    expect(refused?.archivedUrl).toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/allowUrl refuses/)]);
    archiver!.close();
    errors.length = 0;
    // The same redirect to an admitted URL is followed.
    start({ allowUrl: (url) => cdnOnly(url) || url.origin === emu.url });
    const [followed] = (await receive(`${cdnUrl}/to/${encodeURIComponent(sample)}`)).attachments;
    expect(followed?.archivedUrl).toMatch(/\/0\.png$/);
    expect(errors).toEqual([]);
  });

  it('refuses a file over the inbound size cap of the rules', async () => {
    start({ rules: defineRules({ attachments: { inbound: { image: { maxBytes: png.length - 1 } } } }) });
    const [attachment] = (await receive(`${emu.url}/samples/${sampleImageNames[0]}.png`)).attachments;
    expect(attachment?.archiveStatus).toBe('too_large');
  });

  it('runs inside the inbox with createInbox({ media })', async () => {
    const own = memoryStore();
    const archiving = createInbox({
      store: own,
      media: { media: fileMediaStore(dir, { publicPath: '/copies' }), baseDelayMs: 1 },
    });
    const url = `${emu.url}/samples/${sampleImageNames[0]}.png`;
    const updated = new Promise<Message>((resolve) =>
      archiving.on('message:updated', ({ message }) => resolve(message)),
    );
    await archiving.apply([testEvents.message({ attachments: [{ kind: 'image', url }] })]);
    const message = await updated;
    expect(message.attachments[0]).toMatchObject({
      url,
      archivedUrl: expect.stringMatching(/^\/copies\/.+\/0\.png$/),
    });
  });
});

describe('profile pictures', () => {
  let channels: ServerChannels;
  beforeAll(async () => {
    channels = createChannels({
      store,
      inbox,
      apps: { [emu.appId]: { appSecret: APP_SECRET } },
      baseUrl: emu.graphUrl,
      historyImport: false,
    });
    await channels.connect(emu.userToken, [PAGE.id]);
  });
  afterAll(() => channels.close());

  /** A new customer writes; resolves with the stored customer once the lookup and the copy are done. */
  async function customerWho(profilePic?: string): Promise<Customer> {
    const created = emu.customers.create({
      pageId: PAGE.id,
      name: 'Rosa Diaz',
      ...(profilePic ? { profilePic } : {}),
    });
    expect((await emu.customer(created.id).send({ text: 'hello' })).delivered).toBe(true);
    await channels.idle();
    await archiver!.idle();
    return (await store.customers.get(`${PAGE.id}:${created.id}`))!;
  }

  it('copies the picture of a fetched profile and keeps both URLs', async () => {
    start();
    const customer = await customerWho();
    expect(customer.profileStatus).toBe('fetched');
    expect(customer.avatarUrl).toMatch(new RegExp(`^${emu.url}/samples/avatar\\.png\\?customer=`));
    expect(customer.archivedAvatarUrl).toMatch(/^\/media\/4001\/avatars\/4001_[0-9]+-[0-9a-z]+\.png$/);
    const copied = await readFile(join(dir, customer.archivedAvatarUrl!.slice('/media/'.length)));
    const original = Buffer.from(await (await fetch(customer.avatarUrl!)).arrayBuffer());
    expect(copied.equals(original)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('leaves a picture Meta no longer serves as it is: no copy, no error', async () => {
    start();
    const customer = await customerWho(`${emu.url}/samples/gone-avatar.png`);
    expect(customer.profileStatus).toBe('fetched');
    expect(customer.avatarUrl).toBe(`${emu.url}/samples/gone-avatar.png`);
    expect(customer.archivedAvatarUrl).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('copies a newer picture again when the profile brings another URL', async () => {
    start();
    const customer = await customerWho();
    const first = customer.archivedAvatarUrl;
    const fresh = `${customer.avatarUrl}&v=2`;
    // A host that refreshes the profile drops the old copy with the old URL.
    const { archivedAvatarUrl: _old, ...rest } = customer;
    await inbox.updateCustomer({ ...rest, avatarUrl: fresh });
    await archiver!.idle();
    const updated = (await store.customers.get(customer.id))!;
    expect(updated.avatarUrl).toBe(fresh);
    expect(updated.archivedAvatarUrl).toMatch(/\.png$/);
    expect(updated.archivedAvatarUrl).not.toBe(first);
  });
});

import {
  type AppEvent,
  AppMismatchError,
  createInbox,
  type InboxEvents,
  type MessengerEvent,
  memoryStore,
  NotFoundError,
  type Store,
} from '@pagedesk/core';
import type { ServerChannels } from '@pagedesk/core/server';
import { signSignedRequest, signWebhookBody, testEntities } from '@pagedesk/core/testing';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createWebhook } from '../createWebhook.js';
import { createMetaCallbacks, type PurgeableChannels, purgeOnDataDeletion } from '../metaCallbacks.js';
import { serve } from './helpers.js';

// Per-organisation Meta apps over real HTTP on 127.0.0.1: every event names the app whose secret
// verified it, and the inbox refuses a delivery signed by one organisation's app for another's page.

const apps = [
  { appId: 'APP_A', appSecret: 'secret-of-app-a' },
  // B is rotating its secret: both verify, both are B.
  { appId: 'APP_B', appSecret: ['secret-of-app-b-new', 'secret-of-app-b-old'] },
];

function delivery(pageId: string, mid: string, text: string): string {
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: 1_767_225_600_000,
        messaging: [
          {
            sender: { id: 'PSID_SAME' },
            recipient: { id: pageId },
            timestamp: 1_767_225_600_000,
            message: { mid, text },
          },
        ],
      },
    ],
  });
}

describe('createWebhook({ apps }) with the inbox, over HTTP', () => {
  let store: Store;
  let handed: MessengerEvent[][];
  let errors: Parameters<InboxEvents['error']>[0][];
  let server: { url: string; close: () => Promise<void> };

  beforeEach(async () => {
    store = memoryStore();
    await store.channels.put(testEntities.channel({ id: 'PAGE_A', appId: 'APP_A', organizationId: 'org_a' }));
    await store.channels.put(testEntities.channel({ id: 'PAGE_B', appId: 'APP_B', organizationId: 'org_b' }));
    const inbox = createInbox({ store });
    handed = [];
    errors = [];
    inbox.on('error', (payload) => errors.push(payload));
    const webhook = createWebhook({
      apps,
      verifyToken: 'verify-me',
      onEvents: async (events) => {
        handed.push(events);
        await inbox.apply(events);
      },
    });
    server = await serve(webhook.node);
  });
  afterEach(() => server.close());

  const post = (body: string, secret: string) =>
    fetch(`${server.url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, secret) },
      body,
    });

  it("stores nothing of a delivery signed with A's secret for B's page, reports it, and still takes B's own", async () => {
    const body = delivery('PAGE_B', 'mid.forged', 'Please reset my password at evil.example');
    const forged = await post(body, 'secret-of-app-a');
    // The signature is genuine (app A's): Meta-facing answer is 200, the inbox is what refuses.
    expect(forged.status).toBe(200);
    expect(handed.at(-1)!.map((e) => [e.pageId, e.appId])).toEqual([['PAGE_B', 'APP_A']]);
    expect(errors).toHaveLength(1);
    const error = errors[0]!.error;
    expect(error).toBeInstanceOf(AppMismatchError);
    expect(error).toMatchObject({ pageId: 'PAGE_B', eventAppId: 'APP_A', channelAppId: 'APP_B' });
    expect(error.message).not.toContain('secret');
    expect(await store.customers.get('PAGE_B:PSID_SAME')).toBeUndefined();
    expect((await store.conversations.list({ organizationId: 'org_b' })).items).toEqual([]);
    expect(await store.messages.getByMid('PAGE_B', 'mid.forged')).toBeUndefined();

    // The same bytes from B's own app (old secret of its rotation) are not a duplicate: they apply.
    const genuine = await post(body, 'secret-of-app-b-old');
    expect(genuine.status).toBe(200);
    expect(handed.at(-1)!.map((e) => e.appId)).toEqual(['APP_B']);
    expect(errors).toHaveLength(1);
    const [conversation] = (await store.conversations.list({ organizationId: 'org_b' })).items;
    expect(conversation).toMatchObject({ channelId: 'PAGE_B', organizationId: 'org_b' });
    // And A's own page keeps working with A's secret.
    expect((await post(delivery('PAGE_A', 'mid.a', 'hi'), 'secret-of-app-a')).status).toBe(200);
    expect((await store.conversations.list({ organizationId: 'org_a' })).items).toHaveLength(1);
  });

  it('answers 401 to a signature of no configured app, and hands nothing over', async () => {
    const response = await post(delivery('PAGE_B', 'mid.x', 'x'), 'secret-of-someone-else');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    expect(handed).toEqual([]);
  });
});

describe('apps options', () => {
  const base = { verifyToken: 'v', onEvents: () => {} };
  it('takes exactly one of appSecret and apps, with unique app ids', () => {
    expect(() => createWebhook(base as never)).toThrow(/appSecret/);
    expect(() => createWebhook({ ...base, appSecret: 's', apps })).toThrow(/either appSecret/);
    expect(() =>
      createWebhook({ ...base, apps: [apps[0]!, { appId: 'APP_A', appSecret: 'other' }] }),
    ).toThrow(/apps\[1\]\.appId: APP_A is listed twice/);
    expect(() => createWebhook({ ...base, apps: [] })).toThrow(/at least one app/);
    expect(() => createWebhook({ ...base, apps: [{ appId: 'X', appSecret: '' }] })).toThrow(/apps/);
  });
});

describe('createMetaCallbacks({ apps }) over HTTP', () => {
  it('verifies each app with its own secret, names the app, and purges a page only for its own app (purgeOnDataDeletion)', async () => {
    const store = memoryStore();
    await store.channels.put(testEntities.channel({ id: 'PAGE_B', appId: 'APP_B', organizationId: 'org_b' }));
    const inbox = createInbox({ store });
    await inbox.apply([
      { ...(await import('@pagedesk/core/testing')).testEvents.message({ pageId: 'PAGE_B' }) },
    ]);
    const seen: AppEvent[] = [];
    const purged: string[] = [];
    const otherwise: AppEvent[] = [];
    // What purgeOnDataDeletion needs of createChannels(): get (NotFoundError when unknown) and purge.
    const channels = {
      async get(id: string) {
        const channel = await store.channels.get(id);
        if (!channel) throw new NotFoundError('Channel', id);
        return channel;
      },
      async purge(id: string) {
        purged.push(id);
        return inbox.purgeChannel(id);
      },
    };
    // createChannels() fits where this stand-in does.
    expectTypeOf<ServerChannels>().toExtend<PurgeableChannels>();
    const handler = purgeOnDataDeletion(channels, (event) => otherwise.push(event));
    const callbacks = createMetaCallbacks({
      apps,
      statusUrl: 'https://helpdesk.example/deletion',
      onDataDeletion: async (event) => {
        seen.push(event);
        await handler(event);
      },
    });
    const server = await serve(callbacks.dataDeletion.node);
    try {
      const ask = (secret: string, profileId = 'PAGE_B') =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            signed_request: signSignedRequest(
              { algorithm: 'HMAC-SHA256', user_id: '42', issued_at: 1_767_225_600, profile_id: profileId },
              secret,
            ),
          }),
        });
      // App A asking for B's page: verified (A's secret), named A, and B's page is left alone.
      const fromA = await ask('secret-of-app-a');
      expect(fromA.status).toBe(200);
      expect(seen.at(-1)).toMatchObject({ kind: 'data_deletion', appId: 'APP_A', profileId: 'PAGE_B' });
      expect(await store.channels.get('PAGE_B')).toBeDefined();
      expect(purged).toEqual([]);
      expect(otherwise).toHaveLength(1);
      // App B (new secret) asking: purged. Each app's confirmation codes are its own.
      const fromB = await ask('secret-of-app-b-new');
      expect(fromB.status).toBe(200);
      expect(seen.at(-1)).toMatchObject({ appId: 'APP_B' });
      expect(seen[0]!.kind === 'data_deletion' && seen[1]!.kind === 'data_deletion').toBe(true);
      const codes = seen.map((e) => (e.kind === 'data_deletion' ? e.confirmationCode : ''));
      expect(codes[0]).not.toBe(codes[1]);
      expect(purged).toEqual(['PAGE_B']);
      expect(await store.channels.get('PAGE_B')).toBeUndefined();
      // A page nobody connected goes to `otherwise`.
      expect((await ask('secret-of-app-b-new', 'PAGE_UNKNOWN')).status).toBe(200);
      expect(otherwise).toHaveLength(2);
      expect((await store.conversations.list({ organizationId: 'org_b' })).items).toEqual([]);
      expect((await ask('secret-of-nobody')).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

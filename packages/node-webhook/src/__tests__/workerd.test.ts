import { fileURLToPath } from 'node:url';
import { signWebhookBody } from '@pagedesk/core/testing';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, messenger } from './fixtures/payloads.js';

// The package on workerd (Cloudflare's runtime, through Miniflare) without nodejs_compat: no node:crypto,
// no Buffer, no process. The whole entry is bundled as a host's worker would bundle it, so a stray
// Node import anywhere in the entry's module graph fails here at load. The worker also runs the inbox from
// `@pagedesk/core`, resolved with wrangler's conditions (workerd, worker, browser): core's exports map must
// give an edge runtime the full entry (createInbox, memoryStore), not the browser one without them.

const appSecret = 'workerd-app-secret';
const worker = `
import { createInbox, memoryStore } from '@pagedesk/core';
import * as pagedesk from './index.ts';

const { createWebhook, verifySignatureAsync } = pagedesk;

const received = [];
const errors = [];
const created = [];
const inbox = createInbox({ store: memoryStore() });
inbox.on('message:created', ({ message }) => { created.push(message.id); });
inbox.on('error', ({ error }) => { errors.push('inbox: ' + error.message); });
let webhook;

export default {
  async fetch(request, env) {
    webhook ??= createWebhook({
      appSecret: env.APP_SECRET,
      verifyToken: env.VERIFY_TOKEN,
      onEvents: async (events) => {
        received.push(...events.map((e) => e.kind));
        await inbox.apply(events);
      },
      onError: (error, { phase }) => { errors.push(phase + ': ' + error.message); },
    });
    const { pathname } = new URL(request.url);
    if (pathname === '/received') {
      return Response.json({ received, errors, node: typeof process + ' ' + typeof Buffer, exports: Object.keys(pagedesk).length });
    }
    if (pathname === '/inbox') {
      const stored = await Promise.all(created.map((id) => inbox.store.messages.get(id)));
      return Response.json(stored.map((m) => m && { text: m.text, direction: m.direction, reactions: m.reactions }));
    }
    if (pathname === '/verify') {
      const body = new Uint8Array(await request.arrayBuffer());
      return Response.json(await verifySignatureAsync(body, request.headers.get('x-hub-signature-256'), env.APP_SECRET));
    }
    return webhook.fetch(request);
  },
};
`;

let mf: Miniflare;

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: worker, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['@pagedesk/source', 'workerd', 'worker', 'browser'],
    // Left as imports: workerd refuses them without nodejs_compat, which is what this test checks.
    external: ['node:*'],
    logLevel: 'silent',
  });
  mf = new Miniflare({
    modules: [{ type: 'ESModule', path: 'worker.mjs', contents: bundle.outputFiles[0]?.text ?? '' }],
    compatibilityDate: '2025-07-01',
    bindings: { APP_SECRET: appSecret, VERIFY_TOKEN: 'workerd-token' },
  });
  await mf.ready;
}, 60_000);

afterAll(() => mf?.dispose());

describe('@pagedesk/node-webhook on workerd (no nodejs_compat)', () => {
  const body = JSON.stringify(envelope('page', [messenger.text, messenger.reaction]));
  const post = (path: string, signature: string) =>
    mf.dispatchFetch(`http://worker.test${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    });

  it('answers 200 to a correctly signed delivery, hands the events over and the inbox stores the message', async () => {
    const res = await post('/webhook', signWebhookBody(body, appSecret));
    expect([res.status, await res.text()]).toEqual([200, 'EVENT_RECEIVED']);
    const state = (await (await mf.dispatchFetch('http://worker.test/received')).json()) as {
      received: string[];
      errors: string[];
      node: string;
      exports: number;
    };
    expect(state).toEqual({
      received: ['reaction', 'message'],
      errors: [],
      node: 'undefined undefined',
      exports: Object.keys(await import('../index.js')).length, // the whole entry loaded, none tree-shaken
    });
    // The inbox from @pagedesk/core (createInbox, memoryStore) stored the message on workerd.
    const stored = await (await mf.dispatchFetch('http://worker.test/inbox')).json();
    expect(stored).toEqual([expect.objectContaining({ text: 'hello, world!', direction: 'inbound' })]);
  });

  it('answers 401 to a wrong signature, and reports it as one', async () => {
    const res = await post('/webhook', signWebhookBody(body, 'not-the-secret'));
    expect(res.status).toBe(401);
    const state = (await (await mf.dispatchFetch('http://worker.test/received')).json()) as {
      errors: string[];
    };
    expect(state.errors).toEqual([
      expect.stringMatching(/^signature: X-Hub-Signature-256: the signature matches none/),
    ]);
  });

  it('verifySignatureAsync tells a right signature from a wrong one', async () => {
    expect(await (await post('/verify', signWebhookBody(body, appSecret))).json()).toBe(true);
    expect(await (await post('/verify', signWebhookBody(`${body} `, appSecret))).json()).toBe(false);
  });

  it('answers the GET handshake', async () => {
    const res = await mf.dispatchFetch(
      'http://worker.test/webhook?hub.mode=subscribe&hub.challenge=73&hub.verify_token=workerd-token',
    );
    expect([res.status, await res.text()]).toEqual([200, '73']);
  });
});

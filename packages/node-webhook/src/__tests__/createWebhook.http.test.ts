import { createServer, type Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import {
  isPagedeskErrorCode,
  type MessengerEvent,
  type PagedeskError,
  ValidationError,
} from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhook, type Webhook, type WebhookErrorContext } from '../createWebhook.js';
import type { DedupeStore } from '../dedupe.js';
import { envelope, instagram, messenger } from './fixtures/payloads.js';
import { listen } from './helpers.js';

// The webhook over real HTTP on 127.0.0.1, through every adapter a host uses.

const appSecret = 'test-app-secret';
const verifyToken = 'verify-me';
const MAX = 4096;

/** A POST of `payload` signed with the test app's secret, as Meta delivers it. */
const signedPost = (payload: string) =>
  new Request('http://localhost/', {
    method: 'POST',
    body: payload,
    headers: { 'x-hub-signature-256': signWebhookBody(payload, appSecret) },
  });

interface Harness {
  url: string;
  calls: MessengerEvent[][];
  errors: Array<{ error: PagedeskError; context: WebhookErrorContext }>;
  fail: { next: number };
  close: () => Promise<void>;
}

function makeWebhook(h: Pick<Harness, 'calls' | 'errors' | 'fail'>): Webhook {
  return createWebhook({
    appSecret,
    verifyToken,
    maxBodyBytes: MAX,
    onEvents: async (events) => {
      if (h.fail.next > 0) {
        h.fail.next--;
        throw new Error('queue unavailable');
      }
      h.calls.push(events);
    },
    onError: (error, context) => h.errors.push({ error, context }),
  });
}

type Setup = (webhook: Webhook) => Server;

const setups: Record<string, Setup> = {
  'node:http': (webhook) => createServer(webhook.node),
  'express (no body parser)': (webhook) => {
    const app = express();
    app.all('/webhook', webhook.node);
    return createServer(app);
  },
  'express with express.raw() before': (webhook) => {
    const app = express();
    app.use(express.raw({ type: '*/*', limit: '1mb' }));
    app.all('/webhook', webhook.node);
    return createServer(app);
  },
  'express with express.json({ verify }) keeping req.rawBody': (webhook) => {
    const app = express();
    app.use(
      express.json({
        verify: (req, _res, buf) => {
          (req as typeof req & { rawBody?: Buffer }).rawBody = buf;
        },
      }),
    );
    app.all('/webhook', webhook.node);
    return createServer(app);
  },
  'hono via @hono/node-server (.fetch)': (webhook) => {
    const app = new Hono();
    app.all('/webhook', (c) => webhook.fetch(c.req.raw));
    return createAdaptorServer({ fetch: app.fetch }) as Server;
  },
};

const body = JSON.stringify(envelope('page', [messenger.text, messenger.reaction]));
const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/webhook`, {
    method: 'POST',
    body: payload,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signWebhookBody(payload, appSecret),
      ...headers,
    },
  });

describe.each(Object.entries(setups))('webhook over %s', (_name, setup) => {
  const h: Harness = { url: '', calls: [], errors: [], fail: { next: 0 }, close: async () => {} };
  beforeAll(async () => {
    const server = await listen(setup(makeWebhook(h)));
    h.url = server.url;
    h.close = server.close;
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.calls.length = 0;
    h.errors.length = 0;
    h.fail.next = 0;
  });

  it('GET verification answers hub.challenge as plain text', async () => {
    const res = await fetch(
      `${h.url}/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${verifyToken}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('1158201444');
  });

  it.each([
    ['a wrong token', 'hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope'],
    ['a wrong mode', `hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${verifyToken}`],
    ['no challenge', `hub.mode=subscribe&hub.verify_token=${verifyToken}`],
    ['no parameters', ''],
  ])('GET verification with %s answers 403', async (_, query) => {
    const res = await fetch(`${h.url}/webhook?${query}`);
    expect(res.status).toBe(403);
  });

  it('a signed delivery answers 200 after onEvents got the events', async () => {
    const res = await post(h.url, body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('EVENT_RECEIVED');
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]?.map((e) => e.kind)).toEqual(['reaction', 'message']); // sorted by timestamp
    expect(h.errors).toEqual([]);
  });

  it('a bad signature answers 401 and is reported loudly', async () => {
    const res = await post(h.url, body, { 'x-hub-signature-256': signWebhookBody(body, 'rotated-secret') });
    expect(res.status).toBe(401);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('invalid_signature');
    expect(JSON.stringify(json)).not.toContain(appSecret);
    expect(h.calls).toEqual([]);
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]?.context.phase).toBe('signature');
    expect(h.errors[0]?.error.message).toMatch(/unsubscribe the page/);
    expect(h.errors[0]?.error.message).not.toContain(appSecret);
  });

  it('a missing signature answers 401', async () => {
    const res = await fetch(`${h.url}/webhook`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(h.calls).toEqual([]);
  });

  it('a signed but malformed envelope answers 400 with the reason', async () => {
    const bad = JSON.stringify({ object: 'page', entry: [{ time: 1, messaging: [] }] });
    const res = await post(h.url, bad);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { message: string } };
    expect(json.error.message).toContain('entry[0].id');
    expect(h.errors[0]?.context.phase).toBe('payload');
    expect(h.calls).toEqual([]);
  });

  it('an object other than page/instagram answers 400', async () => {
    const res = await post(h.url, JSON.stringify({ object: 'whatsapp_business_account', entry: [] }));
    expect(res.status).toBe(400);
  });

  it('one event with a wrong field is kept as unknown and reported; the batch is accepted', async () => {
    const bad = { ...messenger.reaction, reaction: { mid: 'mid.x', action: 'poke' } };
    const fresh = { ...messenger.text, message: { mid: 'mid.fresh-for-invalid-test', text: 'hi' } };
    const payload = JSON.stringify(envelope('page', [fresh, bad]));
    const res = await post(h.url, payload);
    expect(res.status).toBe(200);
    expect(h.calls[0]?.map((e) => [e.kind, e.kind === 'unknown' ? e.field : ''])).toEqual([
      ['unknown', 'reaction'],
      ['message', ''],
    ]);
    expect(h.errors.map((e) => [e.context.phase, e.error.message])).toEqual([
      ['payload', expect.stringContaining('entry[0].messaging[1].reaction.action')],
    ]);
  });

  it('a signed body that is not JSON answers 400', async () => {
    const res = await post(h.url, '{not json', { 'content-type': 'text/plain' });
    expect(res.status).toBe(400);
  });

  it('a body over maxBodyBytes answers 413', async () => {
    const big = JSON.stringify({ object: 'page', entry: [], pad: 'x'.repeat(MAX) });
    const res = await post(h.url, big);
    expect(res.status).toBe(413);
    expect(h.calls).toEqual([]);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('%s answers 405', async (method) => {
    const res = await fetch(`${h.url}/webhook`, { method, body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('a HEAD request answers 405 without a body', async () => {
    const res = await fetch(`${h.url}/webhook`, { method: 'HEAD' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(await res.text()).toBe('');
  });

  it('error answers are JSON, and reports name the method and the path without the query', async () => {
    const res = await fetch(`${h.url}/webhook?token=secret-ish`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWebhookBody(body, 'rotated-secret'),
      },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(h.errors.map((e) => [e.context.phase, e.context.method, e.context.url])).toEqual([
      ['signature', 'POST', '/webhook'],
    ]);
  });

  it('a throwing onEvents answers 500, and Meta’s retry is handed over once', async () => {
    const payload = JSON.stringify(envelope('instagram', [instagram.text]));
    h.fail.next = 1;
    expect((await post(h.url, payload)).status).toBe(500);
    expect(h.errors[0]?.context.phase).toBe('handler');
    expect(h.calls).toEqual([]);
    expect((await post(h.url, payload)).status).toBe(200);
    expect(h.calls).toHaveLength(1);
    expect((await post(h.url, payload)).status).toBe(200);
    expect(h.calls).toHaveLength(1);
  });
});

describe('express with express.json() mounted before the webhook', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  const errors: PagedeskError[] = [];
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.all(
      '/webhook',
      createWebhook({ appSecret, verifyToken, onEvents: () => {}, onError: (error) => errors.push(error) })
        .node,
    );
    server = await listen(createServer(app));
  });
  afterAll(() => server.close());

  it('answers 400 telling the host to mount it before express.json() or use express.raw()', async () => {
    const res = await post(server.url, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('body_already_parsed');
    expect(json.error.message).toMatch(/before express\.json\(\)/);
    expect(json.error.message).toMatch(/express\.raw/);
    expect(errors.map((e) => e.code)).toEqual(['body_already_parsed']);
  });
});

describe('dedupe', () => {
  function harness(dedupe?: DedupeStore | false) {
    const calls: string[][] = [];
    const webhook = createWebhook({
      appSecret,
      verifyToken,
      ...(dedupe === undefined ? {} : { dedupe }),
      onEvents: (events) => {
        calls.push(events.map((e) => e.id));
      },
    });
    const send = (items: unknown[]) => {
      const payload = JSON.stringify(envelope('page', items));
      return webhook.fetch(
        new Request('http://localhost/webhook', {
          method: 'POST',
          body: payload,
          headers: { 'x-hub-signature-256': signWebhookBody(payload, appSecret) },
        }),
      );
    };
    return { calls, send };
  }

  it('drops a fully seen batch with 200 and hands over only new events of a partly seen one', async () => {
    const { calls, send } = harness();
    expect((await send([messenger.text])).status).toBe(200);
    expect((await send([messenger.text])).status).toBe(200);
    expect((await send([messenger.text, messenger.read])).status).toBe(200);
    expect(calls).toEqual([
      ['message:mid.1457764197618:41d102a3e1ae206a38'],
      [expect.stringMatching(/^read:/)],
    ]);
  });

  it('drops duplicates inside one batch (the same event in messaging and standby)', async () => {
    const { calls, send } = harness();
    await send([messenger.text, messenger.text]);
    expect(calls).toEqual([['message:mid.1457764197618:41d102a3e1ae206a38']]);
  });

  it('dedupe: false hands every delivery over', async () => {
    const { calls, send } = harness(false);
    await send([messenger.text]);
    await send([messenger.text]);
    expect(calls).toHaveLength(2);
  });

  it('uses a custom (shared) store, async', async () => {
    const marked = new Set<string>(['message:mid.1457764197618:41d102a3e1ae206a38']);
    const store: DedupeStore = {
      seen: async (id) => marked.has(id),
      mark: async (ids) => {
        for (const id of ids) marked.add(id);
      },
    };
    const { calls, send } = harness(store);
    await send([messenger.text, messenger.read]);
    expect(calls).toEqual([[expect.stringMatching(/^read:/)]]);
    expect(marked.size).toBe(2);
  });

  it('releases the claims of a shared store when the handler fails, so the retry is handed over', async () => {
    const claimed = new Set<string>();
    const released: string[][] = [];
    const store: DedupeStore = {
      // Claims like SET NX: the first caller for an id gets false, everyone after gets true.
      seen: (id) => {
        if (claimed.has(id)) return true;
        claimed.add(id);
        return false;
      },
      mark: () => {},
      release: (ids) => {
        released.push([...ids]);
        for (const id of ids) claimed.delete(id);
      },
    };
    let failures = 1;
    const calls: number[] = [];
    const webhook = createWebhook({
      appSecret,
      verifyToken,
      dedupe: store,
      onEvents: (events) => {
        calls.push(events.length);
        if (failures-- > 0) throw new Error('database down');
      },
      onError: () => {},
    });
    const payload = JSON.stringify(envelope('page', [messenger.text]));
    const post = () => webhook.fetch(signedPost(payload));
    expect((await post()).status).toBe(500);
    expect(released).toEqual([['message:mid.1457764197618:41d102a3e1ae206a38']]);
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    expect(calls).toEqual([1, 1]);
  });

  it('a failing shared store loses nothing: events are handed over and the failure is reported', async () => {
    const phases: string[] = [];
    const calls: number[] = [];
    const webhook = createWebhook({
      appSecret,
      verifyToken,
      dedupe: {
        seen: () => Promise.reject(new Error('redis down')),
        mark: () => {
          throw new Error('redis still down');
        },
      },
      onEvents: (events) => {
        calls.push(events.length);
      },
      onError: (_error, context) => phases.push(context.phase),
    });
    const payload = JSON.stringify(envelope('page', [messenger.text]));
    const res = await webhook.fetch(signedPost(payload));
    expect(res.status).toBe(200);
    expect(calls).toEqual([1]);
    expect(phases).toEqual(['dedupe', 'dedupe']);
  });

  /**
   * Two deliveries of `items` at once to a webhook whose `onEvents` holds until released: the batch
   * sizes handed over while the first still runs, then after both answered (each 200).
   */
  async function concurrentDeliveries(items: unknown[], dedupe?: false) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls: number[] = [];
    const webhook = createWebhook({
      appSecret,
      verifyToken,
      ...(dedupe === undefined ? {} : { dedupe }),
      onEvents: async (events) => {
        calls.push(events.length);
        await gate;
      },
    });
    const payload = JSON.stringify(envelope('page', items));
    const make = () => webhook.fetch(signedPost(payload));
    const first = make();
    const second = make();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const whileRunning = [...calls];
    release();
    const statuses = [(await first).status, (await second).status];
    return { whileRunning, after: calls, statuses };
  }

  it('a concurrent retry waits for the first delivery instead of handing the events over twice', async () => {
    const { whileRunning, after, statuses } = await concurrentDeliveries([messenger.text]);
    expect(whileRunning).toEqual([1]);
    expect(statuses).toEqual([200, 200]);
    expect(after).toEqual([1]);
  });

  it('dedupe: false hands a concurrent retry over at once, while the first is still running', async () => {
    // A batch with the same event twice still hands it over once.
    const { whileRunning, statuses } = await concurrentDeliveries([messenger.text, messenger.text], false);
    expect(whileRunning).toEqual([1, 1]);
    expect(statuses).toEqual([200, 200]);
  });

  it('dedupe: false answers 500 when onEvents fails and hands the retry over again', async () => {
    const handed: string[][] = [];
    const webhook = createWebhook({
      appSecret,
      verifyToken,
      dedupe: false,
      onEvents: (events) => {
        handed.push(events.map((event) => event.id));
        if (handed.length === 1) throw new Error('store down');
      },
    });
    const payload = JSON.stringify(envelope('page', [messenger.text, messenger.text]));
    const deliver = () => webhook.fetch(signedPost(payload));
    expect((await deliver()).status).toBe(500);
    expect((await deliver()).status).toBe(200);
    expect(handed).toHaveLength(2);
    expect(handed[1]).toEqual(handed[0]);
    expect(handed[0]).toHaveLength(1);
  });
});

describe('.fetch body cap without a content-length', () => {
  it('answers 413 once a streamed body grows over maxBodyBytes, without reading the rest', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 100)
          controller.close(); // bounded even if the cap failed
        else controller.enqueue(new Uint8Array(512));
      },
    });
    const webhook = createWebhook({ appSecret, verifyToken, maxBodyBytes: 2048, onEvents: () => {} });
    const request = new Request('http://localhost/webhook', {
      method: 'POST',
      body: stream,
      headers: { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      duplex: 'half',
    } as RequestInit);
    const res = await webhook.fetch(request);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });
});

describe('createWebhook options', () => {
  it.each([
    [{ verifyToken: 'v', onEvents: () => {} }, 'appSecret'],
    [{ appSecret: '', verifyToken: 'v', onEvents: () => {} }, 'appSecret'],
    [{ appSecret: [], verifyToken: 'v', onEvents: () => {} }, 'appSecret'],
    [{ appSecret: 's', onEvents: () => {} }, 'verifyToken'],
    [{ appSecret: 's', verifyToken: 'v' }, 'onEvents'],
    [{ appSecret: 's', verifyToken: 'v', onEvents: () => {}, maxBodyBytes: -1 }, 'maxBodyBytes'],
    [{ appSecret: 's', verifyToken: 'v', onEvents: () => {}, dedupe: {} }, 'dedupe'],
  ])('rejects %o naming %s', (options, field) => {
    try {
      createWebhook(options as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(isPagedeskErrorCode(error, 'invalid_input')).toBe(true);
      expect((error as ValidationError).issues[0]?.path).toBe(field);
    }
  });

  it('accepts several secrets (rotation) and the legacy sha1 header when enabled', async () => {
    const seen: number[] = [];
    const webhook = createWebhook({
      appSecret: ['new', 'old'],
      verifyToken: 'v',
      legacySha1: true,
      dedupe: false,
      onEvents: (events) => {
        seen.push(events.length);
      },
    });
    const payload = JSON.stringify(envelope('page', [messenger.text]));
    const send = (headers: Record<string, string>) =>
      webhook.fetch(new Request('http://x/', { method: 'POST', body: payload, headers }));
    expect((await send({ 'x-hub-signature-256': signWebhookBody(payload, 'old') })).status).toBe(200);
    expect((await send({ 'x-hub-signature': signWebhookBody(payload, 'new', 'sha1') })).status).toBe(200);
    expect((await send({ 'x-hub-signature': signWebhookBody(payload, 'other', 'sha1') })).status).toBe(401);
    expect(seen).toEqual([1, 1]);
  });
});

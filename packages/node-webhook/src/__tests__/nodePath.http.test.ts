import { createInbox, memoryStore } from '@pagedesk/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook } from '../createWebhook.js';
import { createInboxApi } from '../inboxApi/createInboxApi.js';
import { createMetaCallbacks } from '../metaCallbacks.js';
import { serve } from './helpers.js';

// The webhook, the inbox API and the Meta callbacks run on one Node path (nodeAdapter's serveNode):
// over real HTTP, each answers an oversized body and a body a parser already consumed the same way.

const maxBodyBytes = 256;
const doors = ['webhook', 'inbox-api', 'callbacks'] as const;

describe('one Node path for every door', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  const reported: Record<(typeof doors)[number], string[]> = { webhook: [], 'inbox-api': [], callbacks: [] };
  const api = createInboxApi({
    inbox: createInbox({ store: memoryStore() }),
    authorize: () => ({ agentId: 'a1', role: 'admin' }),
    maxBodyBytes,
    onError: (error) => reported['inbox-api'].push(error.code),
  });

  beforeAll(async () => {
    const webhook = createWebhook({
      appSecret: 'secret',
      verifyToken: 'token',
      onEvents: () => {},
      maxBodyBytes,
      onError: (error) => reported.webhook.push(error.code),
    });
    const callbacks = createMetaCallbacks({
      appSecret: 'secret',
      onDeauthorize: () => {},
      maxBodyBytes,
      onError: (error) => reported.callbacks.push(error.code),
    });
    const nodeOf = { webhook: webhook.node, 'inbox-api': api.node, callbacks: callbacks.deauthorize.node };
    const app = express();
    for (const door of doors) {
      app.use(`/parsed/${door}`, express.json(), nodeOf[door]);
      app.use(`/${door}`, nodeOf[door]);
    }
    server = await serve(app);
  });
  afterAll(async () => {
    api.close();
    await server.close();
  });

  it.each(doors)('%s: a body over maxBodyBytes answers 413 and closes the connection', async (door) => {
    const res = await fetch(`${server.url}/${door}/x`, {
      method: 'POST',
      body: 'x'.repeat(maxBodyBytes + 1),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });

  it.each(doors)('%s: a body express.json() consumed answers 400 and is reported', async (door) => {
    const res = await fetch(`${server.url}/parsed/${door}/x`, {
      method: 'POST',
      body: JSON.stringify({ a: 1 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'body_already_parsed' } });
    expect(reported[door]).toContain('body_already_parsed');
  });
});

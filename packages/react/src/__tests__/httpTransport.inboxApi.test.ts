// @vitest-environment node
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createInbox,
  type Inbox,
  isPagedeskError,
  type LiveEvent,
  memoryStore,
  NotFoundError,
  type PagedeskError,
} from '@pagedesk/core';
import type { Channels } from '@pagedesk/core/server';
import { testEntities, testEvents } from '@pagedesk/core/testing';
import { createInboxApi, type InboxApi } from '@pagedesk/node-webhook';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpTransport } from '../httpTransport.js';

// The transport against the real createInboxApi() over HTTP on 127.0.0.1, with the real inbox and
// memory store: the routes, schemas, errors and live stream of both sides must agree.

let inbox: Inbox;
let api: InboxApi;
let server: Server;
let baseUrl: string;

function fakeChannels(target: Inbox): Channels {
  const unsupported = () => Promise.reject(new Error('not used in this test'));
  return {
    list: () => target.store.channels.list(),
    get: async (id) =>
      (await target.store.channels.get(id)) ?? Promise.reject(new NotFoundError('channel', id)),
    async send(conversationId, draft) {
      const message = await target.recordOutbound(conversationId, {
        ...(draft.clientId ? { id: draft.clientId } : {}),
        ...(draft.text ? { text: draft.text } : {}),
        author: { kind: 'agent' },
      });
      return [await target.markSent(message.id, { mid: `mid.${message.id}`, at: Date.now() })];
    },
    retry: unsupported,
    setTyping: async () => {},
    markSeen: async () => {},
    updateSettings: unsupported,
    action: unsupported,
    listConnectablePages: unsupported,
    connect: unsupported,
    on: () => () => {},
  };
}

beforeAll(async () => {
  const store = memoryStore();
  await store.channels.put(testEntities.channel({ id: 'PAGE_1' }));
  inbox = createInbox({ store });
  await inbox.apply([
    testEvents.message({ text: 'Hello from the customer', timestamp: Date.now() - 60_000 }),
  ]);
  api = createInboxApi({
    inbox,
    channels: fakeChannels(inbox),
    basePath: '/pagedesk',
    heartbeatMs: 0,
    authorize: (request) =>
      request.headers.get('authorization') === 'Bearer agent' ? { agentId: 'agent-1', role: 'agent' } : null,
  });
  server = createServer(api.node);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pagedesk`;
});

afterAll(async () => {
  api?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('httpTransport ↔ createInboxApi', () => {
  it('lists and reads conversations and messages through validated responses', async () => {
    const transport = httpTransport({ baseUrl, headers: { authorization: 'Bearer agent' } });
    const page = await transport.listConversations({ status: 'open', limit: 10 });
    expect(page.items).toHaveLength(1);
    const conversation = page.items[0];
    expect(conversation?.customer.psid).toBe('PSID_1');
    const messages = await transport.listMessages(conversation?.id as string);
    expect(messages.items.map((m) => m.text)).toEqual(['Hello from the customer']);
    expect((await transport.listConversations({ assigneeId: null })).items).toHaveLength(1);
  });

  it('sends a reply keeping the client id, and uploads a file with a non-ASCII name', async () => {
    const transport = httpTransport({ baseUrl, headers: { authorization: 'Bearer agent' } });
    const [conversation] = (await transport.listConversations({})).items;
    const sent = await transport.sendMessage(conversation?.id as string, {
      text: 'Hi! How can I help?',
      clientId: 'pd_client_1',
    });
    expect(sent.map((m) => [m.id, m.delivery])).toEqual([['pd_client_1', 'sent']]);
    const uploaded = await transport.uploadFile(
      new Blob(['%PDF-1.4'], { type: 'application/pdf' }),
      'reçu.pdf',
    );
    expect(uploaded).toMatchObject({ name: 'reçu.pdf', type: 'application/pdf', size: 8 });
    const bytes = await fetch(uploaded.url).then((r) => r.text());
    expect(bytes).toBe('%PDF-1.4');
  });

  it('turns server errors into typed errors', async () => {
    const denied = httpTransport({ baseUrl, headers: { authorization: 'Bearer nobody' } });
    const refusal = (await denied.listChannels().catch((e: unknown) => e)) as PagedeskError;
    expect(isPagedeskError(refusal)).toBe(true);
    expect(refusal.code).toBe('unauthorized');
    expect(refusal.retryable).toBe(false);
    const transport = httpTransport({ baseUrl, headers: { authorization: 'Bearer agent' } });
    await expect(transport.getConversation('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('streams live changes as they happen', async () => {
    const transport = httpTransport({
      baseUrl,
      headers: { authorization: 'Bearer agent' },
      reconnect: { maxAttempts: 1 },
    });
    const events: LiveEvent[] = [];
    const stop = transport.subscribe(
      (event) => events.push(event),
      () => {},
    );
    try {
      await vi.waitFor(
        async () => {
          // Keep writing until the stream is attached, then expect the message to arrive.
          if (!events.some((e) => e.type === 'message:created'))
            await inbox.apply([testEvents.message({ text: 'Are you there?', timestamp: Date.now() })]);
          expect(
            events.some((e) => e.type === 'message:created' && e.message.text === 'Are you there?'),
          ).toBe(true);
        },
        { timeout: 5000, interval: 100 },
      );
      expect(events.some((e) => e.type === 'conversation:updated' || e.type === 'conversation:created')).toBe(
        true,
      );
    } finally {
      stop();
    }
  });

  it("streams the agent's typing marked as the agent's, never as the customer's", async () => {
    const transport = httpTransport({
      baseUrl,
      headers: { authorization: 'Bearer agent' },
      reconnect: { maxAttempts: 1 },
    });
    const [conversation] = (await transport.listConversations({})).items;
    const events: LiveEvent[] = [];
    const stop = transport.subscribe((event) => events.push(event));
    try {
      await vi.waitFor(
        async () => {
          if (!events.some((e) => e.type === 'typing'))
            await transport.setTyping(conversation?.id as string, true);
          expect(events.find((e) => e.type === 'typing')).toMatchObject({
            conversationId: conversation?.id,
            on: true,
            by: 'agent',
            agentId: 'agent-1',
          });
        },
        { timeout: 5000, interval: 100 },
      );
    } finally {
      stop();
    }
  });

  it("tells the client the inbox's clock on every answer and on the live stream", async () => {
    const ahead = 25 * 3_600_000;
    const shifted = createInbox({ store: inbox.store, now: () => Date.now() + ahead });
    const clockApi = createInboxApi({
      inbox: shifted,
      heartbeatMs: 30,
      authorize: () => ({ role: 'admin' }),
    });
    try {
      const near = (value: string | null | undefined) =>
        Math.abs(Number(value) - (Date.now() + ahead)) < 5_000;
      const ok = await clockApi.fetch(new Request('http://api.test/conversations'));
      expect(near(ok.headers.get('x-pagedesk-now'))).toBe(true);
      const missing = await clockApi.fetch(new Request('http://api.test/conversations/nope'));
      expect(missing.status).toBe(404);
      expect(near(missing.headers.get('x-pagedesk-now'))).toBe(true);
      // The stream brings the clock with each heartbeat, as a frame without an id.
      const stream = await clockApi.fetch(new Request('http://api.test/events'));
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('event: clock')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      await reader.cancel();
      const frame = /event: clock\ndata: (\{.*\})\n\n/.exec(text);
      expect(near(String((JSON.parse(frame?.[1] ?? '{}') as { now?: number }).now))).toBe(true);
      // Through httpTransport: the offset from the stream's answer.
      const transport = httpTransport({
        baseUrl: 'http://api.test',
        fetch: (input, init) => clockApi.fetch(new Request(input, init)),
      });
      const stop = transport.subscribe(() => {});
      const moved = vi.fn();
      transport.serverClock?.subscribe(moved);
      await vi.waitFor(() => expect(moved).toHaveBeenCalled(), { timeout: 3000 });
      expect(Math.abs((transport.serverClock?.offset() ?? 0) - ahead)).toBeLessThan(5_000);
      stop();
    } finally {
      clockApi.close();
    }
  });
});

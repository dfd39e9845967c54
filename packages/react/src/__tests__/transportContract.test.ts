// @vitest-environment node
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInbox, memoryStore } from '@pagedesk/core';
import { createChannels } from '@pagedesk/core/server';
import { describeTransportContract, type TransportSeed } from '@pagedesk/core/testing';
import { createInboxApi } from '@pagedesk/node-webhook';
import { createFakeTransport } from '../fakeTransport.js';
import { httpTransport } from '../httpTransport.js';

// One contract, two transports: what the fake serves in stories and hosts' tests is what the real
// inbox API serves over HTTP (core's list rules and reply rules on both sides).

/** Meta's Graph API as far as these sends need it, answered in-process: every send succeeds. */
function graphStub(): typeof fetch {
  let mid = 0;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    if (method === 'POST' && url.pathname.endsWith('/messages'))
      return Response.json({ recipient_id: 'PSID_1', message_id: `m_out_${++mid}` });
    return Response.json({ success: true, data: [] });
  };
}

describeTransportContract('httpTransport over createInboxApi (memory store)', async (seed: TransportSeed) => {
  const store = memoryStore();
  for (const channel of seed.channels) {
    await store.channels.put(channel);
    await store.credentials.put(channel.id, { accessToken: `token-${channel.id}` });
  }
  for (const customer of seed.customers) await store.customers.put(customer);
  for (const conversation of seed.conversations) await store.conversations.put(conversation);
  for (const message of seed.messages) await store.messages.put(message);
  const now = () => seed.now;
  const inbox = createInbox({ store, now });
  const channels = createChannels({
    store,
    inbox,
    apps: { APP_1: { appSecret: 'app-secret-for-tests-0123' } },
    defaultAppId: 'APP_1',
    fetch: graphStub(),
    now,
    historyImport: false,
    recoverPendingOnStart: false,
    setTimer: () => () => {},
  });
  const api = createInboxApi({
    inbox,
    channels,
    basePath: '/pagedesk',
    heartbeatMs: 0,
    authorize: () => ({ agentId: 'agent-1', role: 'admin' }),
  });
  const server = createServer(api.node);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pagedesk`;
  return {
    transport: httpTransport({ baseUrl }),
    async close() {
      api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});

describeTransportContract('createFakeTransport', (seed: TransportSeed) => {
  const conversations = seed.conversations.map((c) => ({
    ...c,
    customer: seed.customers.find((p) => p.id === c.customerId)!,
  }));
  return {
    transport: createFakeTransport({
      now: () => seed.now,
      channels: seed.channels,
      records: { conversations, messages: seed.messages },
    }),
  };
});

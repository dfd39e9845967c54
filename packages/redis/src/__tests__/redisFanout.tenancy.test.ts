import { randomUUID } from 'node:crypto';
import { createInbox, type Inbox, memoryStore } from '@pagedesk/core';
import { createInboxApi, type InboxApi } from '@pagedesk/node-webhook';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { eventsOf, readFrames, serve } from '../../../node-webhook/src/inboxApi/__tests__/helpers.js';
import {
  ACME_HIDDEN,
  ACME_OPEN,
  authorizeByHeader,
  forbiddenWords,
  GLOBEX_OPEN,
  onPage,
  principals,
  seedTenants,
} from '../../../node-webhook/src/inboxApi/__tests__/tenants.js';
import { type RedisFanout, redisFanout } from '../redisFanout.js';

// Two servers over one database and one Redis stream: a change applied on server A reaches browsers
// on server B only when their principal sees its channel, live and in a replay after a reconnect.

const redisUrl = inject('redisUrl');
const stream = `pd-test:live-tenancy:${randomUUID()}`;
type Who = keyof typeof principals;

interface Server {
  inbox: Inbox;
  api: InboxApi;
  fanout: RedisFanout;
  redis: Redis;
  base: string;
  close(): Promise<void>;
}

let a: Server;
let b: Server;
let admin: Redis;

async function server(store: ReturnType<typeof memoryStore>): Promise<Server> {
  const redis = new Redis(redisUrl);
  const fanout = await redisFanout(redis, { stream, blockMs: 500 });
  const inbox = createInbox({ store });
  const api = createInboxApi({
    inbox,
    fanout,
    heartbeatMs: 0,
    authorize: authorizeByHeader,
    // Only typing is used: the rest of the send path is not what this test is about.
    channels: { send: async () => [], setTyping: async () => {}, on: () => () => {} } as never,
  });
  const http = await serve(api);
  return {
    inbox,
    api,
    fanout,
    redis,
    base: http.base,
    async close() {
      api.close();
      await fanout.close();
      await http.close();
      await redis.quit();
    },
  };
}

beforeAll(async () => {
  admin = new Redis(redisUrl);
  const store = memoryStore();
  await seedTenants(store);
  a = await server(store);
  b = await server(store);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await admin.del(stream, `${stream}:seq`, `${stream}:sequence`);
  await admin.quit();
});

const open = (on: Server, who: Who, lastEventId?: string) =>
  fetch(`${on.base}/events`, {
    headers: { 'x-principal': who, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
  });

const describeEvents = (events: ReturnType<typeof eventsOf>) =>
  events.map((e) => {
    const conversation = e.data['conversation'] as { channelId: string } | undefined;
    return `${e.event} ${conversation?.channelId ?? e.data['conversationId']}`;
  });

describe('redisFanout across organisations', () => {
  it('delivers each server’s events only to browsers that see their channel, live and in replay', async () => {
    const eventsUntil = (n: number) => (frames: string[]) =>
      frames.filter((f) => f.includes('\ndata: ')).length >= n;
    const onB = {
      acmeAgent: readFrames((await open(b, 'acmeAgent')).body!, eventsUntil(1), 8000),
      globexAdmin: readFrames((await open(b, 'globexAdmin')).body!, eventsUntil(2), 8000),
    };
    const acmeAdminOnA = readFrames((await open(a, 'acmeAdmin')).body!, eventsUntil(2), 8000);
    await vi.waitFor(() => expect(b.api.liveConnections + a.api.liveConnections).toBe(3));

    // Everything happens on server A; typing is published by A's API with its scope.
    for (const page of [ACME_HIDDEN, GLOBEX_OPEN, ACME_OPEN])
      await a.inbox.assign(onPage(page).conversationId, 'x');
    const typing = await fetch(`${a.base}/conversations/${onPage(GLOBEX_OPEN).conversationId}/typing`, {
      method: 'POST',
      headers: { 'x-principal': 'globexAdmin', 'content-type': 'application/json' },
      body: '{"on":true}',
    });
    expect(typing.status).toBe(204);

    const acmeAgent = eventsOf(await onB.acmeAgent);
    const globexAdmin = eventsOf(await onB.globexAdmin);
    const acmeAdmin = eventsOf(await acmeAdminOnA);
    expect(describeEvents(acmeAgent)).toEqual([`conversation:updated ${ACME_OPEN}`]);
    expect(describeEvents(globexAdmin)).toEqual([
      `conversation:updated ${GLOBEX_OPEN}`,
      `typing ${onPage(GLOBEX_OPEN).conversationId}`,
    ]);
    expect(describeEvents(acmeAdmin)).toEqual([
      `conversation:updated ${ACME_HIDDEN}`,
      `conversation:updated ${ACME_OPEN}`,
    ]);
    expect(JSON.stringify(acmeAgent)).not.toMatch(forbiddenWords(principals.acmeAgent));
    expect(JSON.stringify(globexAdmin)).not.toMatch(forbiddenWords(principals.globexAdmin));

    // Reconnecting to the other server from before everything replays only the principal's own.
    const before = `${b.fanout.sequence}-${Number(acmeAdmin[0]!.id.split('-').pop()) - 1}`;
    const replayGlobex = eventsOf(
      await readFrames((await open(a, 'globexAdmin', before)).body!, eventsUntil(2), 8000),
    );
    expect(describeEvents(replayGlobex)).toEqual(describeEvents(globexAdmin));
    const replayAgent = eventsOf(
      await readFrames((await open(a, 'acmeAgent', before)).body!, eventsUntil(1), 8000),
    );
    expect(describeEvents(replayAgent)).toEqual([`conversation:updated ${ACME_OPEN}`]);
    await vi.waitFor(() => expect(a.api.liveConnections + b.api.liveConnections).toBe(0));
  });
});

import { signWebhookBody } from '@pagedesk/core/testing';
import { demoPages } from '@pagedesk/emulator';
import { postgresStore } from '@pagedesk/store-postgres';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Instance, openSse, type ReceivedEvent, type SseClient, startInstance } from '../src/cluster.js';
import { createRecorder } from '../src/recorder.js';

// Two demo helpdesk processes behind an imaginary load balancer, on one PostgreSQL database and one
// Redis: webhooks (with Meta's redeliveries) are split across both, browsers are connected to both,
// and one browser moves from one server to the other mid-stream. Every message must be stored once,
// and every browser must receive every event, in the one order all servers share.

const APP_SECRET = 'demo-app-secret-change-me'; // the demo's emulator-mode secret
const PAGE = demoPages[0]!.id;
// The demo's browsers without a session cookie are agents of its first organisation, which owns the
// first pages (examples/helpdesk/src/server/helpdesk.ts); other organisations' events are numbered in
// the same stream and never reach them.
const ORGANIZATION = 'org-acme';
const CUSTOMERS = 40;
const MESSAGES = 400;
const rec = createRecorder('7-multi-instance', 'Several servers: one PostgreSQL, one Redis');

const postgresUrl = inject('postgresUrl');
const redisUrl = inject('redisUrl');
const database = `pagedesk_cluster_${process.pid}`;
const databaseUrl = `${postgresUrl.replace(/\/[^/]*$/, '')}/${database}`;
// A Redis database of its own, emptied first: the demo uses the default key names.
const clusterRedisUrl = `${redisUrl}/9`;

let a: Instance;
let b: Instance;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const redis = new Redis(clusterRedisUrl);
  await redis.flushdb();
  redis.disconnect();
  const args = [
    '--store',
    'postgres',
    '--database-url',
    databaseUrl,
    '--redis',
    clusterRedisUrl,
    '--no-seed',
  ];
  // Started together: their migrations and channel connections race, as on a real deploy.
  [a, b] = await Promise.all([startInstance('A', args), startInstance('B', args)]);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  rec.flush();
});

/** One delivery as Meta sends it: a signed `page` object with 1 to 3 messages. */
function delivery(messages: Array<{ psid: string; mid: string; text: string; timestamp: number }>) {
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: PAGE,
        time: messages[0]!.timestamp,
        messaging: messages.map((m) => ({
          sender: { id: m.psid },
          recipient: { id: PAGE },
          timestamp: m.timestamp,
          message: { mid: m.mid, text: m.text },
        })),
      },
    ],
  });
  return { body, signature: signWebhookBody(body, APP_SECRET) };
}

async function post(instance: Instance, d: ReturnType<typeof delivery>): Promise<number> {
  const response = await fetch(`${instance.url}/webhook`, {
    method: 'POST',
    body: d.body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': d.signature },
  });
  await response.arrayBuffer();
  return response.status;
}

const seqOf = (e: ReceivedEvent) => Number(e.id.slice(e.id.lastIndexOf('-') + 1));

/**
 * The scope of every entry of the demo's live stream (its default key), by number: which numbers a
 * browser of {@link ORGANIZATION} may legitimately not receive.
 */
async function streamScopes(): Promise<Map<number, { channelId?: string; organizationId?: string }>> {
  const redis = new Redis(clusterRedisUrl);
  try {
    const scopes = new Map<number, { channelId?: string; organizationId?: string }>();
    for (const [, fields] of await redis.xrange('pagedesk:live', '-', '+')) {
      const values = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
      const event = JSON.parse(values.get('event') ?? '{}') as {
        scope?: { channelId?: string; organizationId?: string };
      };
      scopes.set(Number(values.get('n')), event.scope ?? {});
    }
    return scopes;
  } finally {
    redis.disconnect();
  }
}
const createdMids = (events: ReceivedEvent[]) =>
  events.filter((e) => e.type === 'message:created').map((e) => (e.data['message'] as { mid: string }).mid);

describe('two servers on one PostgreSQL and one Redis', () => {
  it('stores every message once and streams every event to every browser, in one order', async () => {
    const clients: Array<[string, SseClient]> = [
      ['A1', openSse(a.url)],
      ['A2', openSse(a.url)],
      ['B1', openSse(b.url)],
    ];
    // This browser starts on A and is moved to B by the load balancer halfway.
    let mover = openSse(a.url);
    await Promise.all([...clients.map(([, c]) => c.connected), mover.connected]);

    const start = Date.UTC(2026, 10, 22, 9);
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({
      psid: `7000000000${String(i % CUSTOMERS).padStart(3, '0')}`,
      mid: `m_cluster_${i}`,
      text: `message ${i}`,
      timestamp: start + i * 1000,
    }));
    const deliveries: Array<ReturnType<typeof delivery>> = [];
    for (let i = 0; i < messages.length; ) {
      const size = 1 + (i % 3);
      deliveries.push(delivery(messages.slice(i, i + size)));
      i += size;
    }

    let posts = 0;
    let redeliveries = 0;
    const statuses: number[] = [];
    const moverEvents: ReceivedEvent[] = [];
    // Bounded: every delivery once, to A or B in turn, a few at a time; every fourth is delivered again
    // to the other server at the same moment (Meta's retry racing the original).
    for (let i = 0; i < deliveries.length; i += 4) {
      const wave = deliveries.slice(i, i + 4).flatMap((d, j) => {
        const first = (i + j) % 2 === 0 ? a : b;
        const other = first === a ? b : a;
        const sends = [post(first, d)];
        if ((i + j) % 4 === 0) {
          sends.push(post(other, d));
          redeliveries++;
        }
        return sends;
      });
      posts += wave.length;
      statuses.push(...(await Promise.all(wave)));
      if (i === Math.floor(deliveries.length / 2 / 4) * 4) {
        // The load balancer moves the browser: it resumes on B from the last id it saw on A.
        mover.close();
        moverEvents.push(...mover.events);
        mover = openSse(b.url, mover.lastEventId);
        await mover.connected;
      }
    }
    expect(statuses.every((s) => s === 200)).toBe(true);

    const all: Array<[string, () => ReceivedEvent[]]> = [
      ...clients.map(([name, c]): [string, () => ReceivedEvent[]] => [name, () => c.events]),
      ['A→B', () => [...moverEvents, ...mover.events]],
    ];
    const deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      all.some(([, events]) => new Set(createdMids(events())).size < MESSAGES)
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const [, c] of clients) expect(c.error).toBeUndefined();
    expect(mover.error).toBeUndefined();

    // Stored exactly once: every mid is found, and the conversations hold exactly MESSAGES messages.
    const store = postgresStore({ connectionString: databaseUrl });
    try {
      let stored = 0;
      const conversations = await store.conversations.list({ channelId: PAGE, limit: 100 });
      for (const conversation of conversations.items) {
        let cursor: string | undefined;
        do {
          const page = await store.messages.list(conversation.id, {
            limit: 100,
            ...(cursor ? { before: cursor } : {}),
          });
          stored += page.items.length;
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      const missing = [];
      for (const m of messages) if (!(await store.messages.getByMid(PAGE, m.mid))) missing.push(m.mid);
      rec.set('deliveries posted (with concurrent redeliveries)', posts);
      rec.set('concurrent redeliveries to the other server', redeliveries);
      rec.set('messages sent', MESSAGES);
      rec.set('messages stored', stored);
      rec.set('conversations', conversations.items.length);
      expect(missing).toEqual([]);
      expect(stored).toBe(MESSAGES);
      expect(conversations.items).toHaveLength(CUSTOMERS);
    } finally {
      await store.close();
    }

    // Every browser got every message once, and every event under the same id on every server.
    const reference = clients[0]![1].events;
    let lost = 0;
    let duplicates = 0;
    // One order: ids strictly increase on every browser. Numbers are shared by every organisation, so
    // a browser skips the events of others (a channel of org-globex connecting while the servers start,
    // under load after the browsers opened): a skipped number is fine only for such an event. Each
    // break, named, so a failure shows what arrived where.
    const scopes = await streamScopes();
    const foreign = (n: number) => {
      const scope = scopes.get(n);
      return scope?.organizationId !== undefined && scope.organizationId !== ORGANIZATION;
    };
    const breaks: string[] = [];
    let skippedForeign = 0;
    for (const [name, events] of all) {
      const received = events();
      const mids = createdMids(received);
      lost += MESSAGES - new Set(mids).size;
      duplicates += mids.length - new Set(mids).size;
      const seqs = received.map(seqOf);
      for (const e of received)
        if (foreign(seqOf(e))) breaks.push(`${name}: ${e.type} ${e.id} is another organisation's`);
      for (let i = 1; i < seqs.length; i++) {
        const [before, after] = [seqs[i - 1]!, seqs[i]!];
        const missed = Array.from({ length: Math.max(0, after - before - 1) }, (_, k) => before + 1 + k);
        skippedForeign += missed.filter(foreign).length;
        if (after <= before || !missed.every(foreign))
          breaks.push(
            `${name}: ${received[i - 1]!.type} ${received[i - 1]!.id} then ${received[i]!.type} ${received[i]!.id}`,
          );
      }
      rec.set(`events received by browser ${name}`, received.length);
      expect(new Set(mids).size, name).toBe(MESSAGES);
      expect(mids.length, name).toBe(MESSAGES);
      // Same id, same event, on every server: compare with what A1 got under the same ids.
      const byId = new Map(reference.map((e) => [e.id, JSON.stringify(e.data)]));
      for (const e of received)
        if (byId.has(e.id)) expect(JSON.stringify(e.data), `${name} ${e.id}`).toBe(byId.get(e.id));
    }
    rec.set('messages lost by browsers', lost);
    rec.set('messages received twice by browsers', duplicates);
    rec.set('events out of order or missing between two', breaks.length);
    rec.set("other organisations' events skipped by browsers (not theirs to see)", skippedForeign);
    expect(breaks).toEqual([]);
    rec.case(
      `${MESSAGES} messages of ${CUSTOMERS} customers in ${deliveries.length} deliveries, split across two servers, every fourth also delivered to the other server at the same moment; 4 browsers, one moved from A to B halfway`,
    );
    for (const [, c] of clients) c.close();
    mover.close();
  }, 180_000);
});

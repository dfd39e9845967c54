import { createInbox, type MessengerEvent, memoryStore } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { createWebhook } from '@pagedesk/node-webhook';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { listen, messengerMessage, PAGE_ID } from '../src/harness.js';
import { createRecorder } from '../src/recorder.js';

// Redelivery storm through the real HTTP path: Meta delivers at least once, retries, and does not
// keep order. Every batch goes 1 to 5 times, shuffled, a few at a time, to createWebhook().node in
// front of a real inbox; the inbox must end exactly as one in-order delivery leaves it.

const SECRET = 'storm-app-secret-51c2';
const NOW = Date.UTC(2026, 10, 2, 9);
const rec = createRecorder('2-redelivery', 'Faults: redelivery storm through the webhook');
afterAll(() => rec.flush());

type Item = Record<string, unknown>;

/** A conversation script: messages, reactions, reads and postbacks of a few customers. */
const batchesArb = fc
  .array(
    fc.array(
      fc.record({
        customer: fc.integer({ min: 1, max: 6 }),
        kind: fc.constantFrom('message', 'message', 'message', 'reaction', 'read', 'postback'),
        text: fc.string({ maxLength: 30 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    { minLength: 10, maxLength: 40 },
  )
  .map((batches) => {
    let t = NOW;
    let n = 0;
    const mids: string[] = [];
    return batches.map((items) =>
      items.map(({ customer, kind, text }): Item => {
        t += 1000;
        n++;
        const psid = `psid-${customer}`;
        const base = { sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: t };
        const target = mids.at(-1);
        if (kind === 'reaction' && target)
          return { ...base, reaction: { mid: target, action: 'react', emoji: '👍', reaction: 'like' } };
        if (kind === 'read') return { ...base, read: { watermark: t - 500 } };
        if (kind === 'postback')
          return { ...base, postback: { mid: `pb_${n}`, title: 'Help', payload: 'HELP' } };
        const mid = `m_${n}`;
        mids.push(mid);
        return messengerMessage(psid, mid, text || `message ${n}`, t);
      }),
    );
  });

function bodyOf(items: Item[]): string {
  return JSON.stringify({ object: 'page', entry: [{ id: PAGE_ID, time: NOW, messaging: items }] });
}

async function receiver() {
  const store = memoryStore();
  // A fixed clock: both inboxes stamp the same times, so their states compare field for field.
  const inbox = createInbox({ store, now: () => NOW + 3_600_000 });
  const webhook = createWebhook({
    appSecret: SECRET,
    verifyToken: 'v',
    onEvents: (events: MessengerEvent[]) => inbox.apply(events),
  });
  const server = await listen((req, res) => webhook.node(req, res));
  return { store, inbox, server };
}

async function deliver(url: string, body: string): Promise<number> {
  const response = await fetch(`${url}/webhook`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, SECRET) },
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * The inbox's state with conversation ids made canonical: an id is derived from the event that opened
 * the conversation, which depends on arrival order, so ids are compared as "the customer's n-th thread".
 */
async function snapshot(store: ReturnType<typeof memoryStore>) {
  const { items: conversations } = await store.conversations.list({ limit: 1000 });
  const sorted = conversations.sort((a, b) =>
    `${a.customerId}:${a.createdAt}`.localeCompare(`${b.customerId}:${b.createdAt}`),
  );
  const canonical = new Map(sorted.map((c, i) => [c.id, `${c.customerId}#${i}`]));
  let text = '';
  const out = [];
  for (const c of sorted) {
    const { items } = await store.messages.list(c.id, { limit: 1000 });
    // Without updatedAt: every write moves it past the one before, so it counts the writes, which the
    // order of arrival changes; the state itself must not.
    const { updatedAt: _, ...conversation } = c;
    out.push({ conversation, messages: items.sort((a, b) => a.id.localeCompare(b.id)) });
  }
  text = JSON.stringify(out);
  for (const [id, key] of canonical) text = text.replaceAll(id, key);
  return JSON.parse(text) as typeof out;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool(tasks: Array<() => Promise<void>>, limit: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

describe('redelivery storm', () => {
  it('ends in exactly the state of one in-order delivery', async () => {
    let deliveries = 0;
    let lost = 0;
    let duplicates = 0;
    let batchesTotal = 0;
    let messagesTotal = 0;
    await fc.assert(
      fc.asyncProperty(
        batchesArb,
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 40, maxLength: 40 }),
        fc.infiniteStream(fc.nat()),
        fc.integer({ min: 2, max: 8 }),
        async (batches, copies, shuffleStream, concurrency) => {
          const once = await receiver();
          const storm = await receiver();
          try {
            for (const items of batches) expect(await deliver(once.server.url, bodyOf(items))).toBe(200);
            const schedule = batches.flatMap((items, i) =>
              Array.from({ length: copies[i % copies.length]! }, () => bodyOf(items)),
            );
            // Fisher-Yates with fast-check's values, so a failure replays from its seed.
            const it = shuffleStream[Symbol.iterator]();
            for (let i = schedule.length - 1; i > 0; i--) {
              const j = it.next().value % (i + 1);
              [schedule[i], schedule[j]] = [schedule[j]!, schedule[i]!];
            }
            await pool(
              schedule.map((body) => async () => {
                expect(await deliver(storm.server.url, body)).toBe(200);
              }),
              concurrency,
            );
            deliveries += schedule.length;
            batchesTotal += batches.length;
            messagesTotal += batches.flat().filter((i) => 'message' in i).length;
            const expected = await snapshot(once.store);
            expect(expected.length).toBeGreaterThan(0);
            const actual = await snapshot(storm.store);
            expect(actual).toEqual(expected);
            // Postbacks are stored as inbound messages too; every customer message must be there once.
            const stored = actual.flatMap((c) => c.messages).filter((m) => m.direction === 'inbound');
            const storedMids = new Set(stored.map((m) => m.mid));
            const customerMids = batches
              .flat()
              .flatMap((i) => ('message' in i ? [(i.message as { mid: string }).mid] : []));
            const missing = customerMids.filter((mid) => !storedMids.has(mid));
            lost += missing.length;
            duplicates += stored.length - storedMids.size;
            expect(missing).toEqual([]);
            expect(stored.length).toBe(storedMids.size);
          } finally {
            await once.server.close();
            await storm.server.close();
          }
        },
      ),
      { numRuns: 8, seed: 9_3001, endOnFailure: true },
    );
    rec.set('Storm runs', 8);
    rec.set('Distinct batches', batchesTotal);
    rec.set('Deliveries (1–5 copies each, shuffled, 2–8 concurrent)', deliveries);
    rec.set('Customer messages in the batches', messagesTotal);
    rec.set('Messages lost', lost);
    rec.set('Duplicated messages in the inbox', duplicates);
    rec.case(
      'fast-check: 10–40 batches of messages, reactions, reads and postbacks from 6 customers; each delivered 1–5 times over HTTP, shuffled, bounded concurrency; inbox state compared field for field with one in-order delivery',
    );
  });
});

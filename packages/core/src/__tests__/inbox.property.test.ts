import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessengerEvent } from '../events.js';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import { testEvents as ev } from '../testing.js';
import { action, dump, psids, T, toEvents } from './eventScenarios.js';

async function deliver(batches: MessengerEvent[][]) {
  const store = memoryStore();
  const inbox = createInbox({ store, now: () => T + 10_000_000 });
  const errors: Error[] = [];
  inbox.on('error', ({ error }) => errors.push(error));
  for (const batch of batches) await inbox.apply(batch);
  expect(errors).toEqual([]);
  return store;
}

describe('Inbox.apply properties', () => {
  it('is idempotent and insensitive to duplicates and to the order inside a delivery', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 1, maxLength: 40 }),
        fc.infiniteStream(fc.nat()),
        async (actions, randomness) => {
          const events = toEvents(actions);
          const rand = randomness[Symbol.iterator]();
          const r = (n: number) => (rand.next().value as number) % n;
          const reference = await dump(await deliver(events.map((e) => [e])), { receiptTimes: true });

          // One delivery: every event once or twice, shuffled.
          const duplicated = events.flatMap((e) => (r(2) ? [e, e] : [e]));
          for (let i = duplicated.length - 1; i > 0; i--) {
            const j = r(i + 1);
            [duplicated[i], duplicated[j]] = [duplicated[j]!, duplicated[i]!];
          }
          expect(await dump(await deliver([duplicated]), { receiptTimes: true })).toEqual(reference);

          // Several deliveries in order, each with redeliveries of earlier events (Meta's retries).
          const batches: MessengerEvent[][] = [];
          for (let i = 0; i < events.length; ) {
            const size = 1 + r(5);
            const batch = events.slice(i, i + size);
            const seen = Math.min(events.length, i + size);
            for (let k = r(3); k > 0; k--) batch.push(events[r(seen)]!);
            batches.push(batch);
            i += size;
          }
          batches.push(events);
          expect(await dump(await deliver(batches), { receiptTimes: true })).toEqual(reference);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('keeps one open conversation per customer, the latest, whatever the order and the resolutions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 1, maxLength: 30 }),
        fc.infiniteStream(fc.nat()),
        async (actions, randomness) => {
          const rand = randomness[Symbol.iterator]();
          const r = (n: number) => (rand.next().value as number) % n;
          // Meta's order, partly shuffled (late deliveries), with agents resolving along the way.
          const events = toEvents(actions);
          for (let i = events.length - 1; i > 0; i--) {
            const j = r(2) ? i : r(i + 1);
            [events[i], events[j]] = [events[j]!, events[i]!];
          }
          const store = memoryStore();
          const inbox = createInbox({ store, now: () => T + 10_000_000 });
          const latestOf = (psid: string) =>
            store.conversations.findLatest({
              channelId: 'PAGE_1',
              customerId: `PAGE_1:${psid}`,
              source: 'message',
            });
          for (const event of events) {
            await inbox.apply([event]);
            if (r(4) > 0) continue;
            const latest = await latestOf(psids[r(psids.length)]!);
            if (latest) await inbox.resolve(latest.id);
          }
          for (const psid of psids) {
            const { items } = await store.conversations.list({
              customerId: `PAGE_1:${psid}`,
              source: 'message',
            });
            const open = items.filter((c) => c.status === 'open');
            expect(open.length).toBeLessThanOrEqual(1);
            if (open[0]) expect((await latestOf(psid))?.id).toBe(open[0].id);
          }
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);

  it('ends in the same state when effects and receipts arrive before their message, in any order', async () => {
    const m = ev.message({ mid: 'm', text: 'hello', timestamp: T });
    const e = ev.echo({ mid: 'e', text: 'hi there', senderAppId: '42', timestamp: T + 1000 });
    const effects = [
      ev.edit({ mid: 'm', text: 'hello!', editCount: 1, timestamp: T + 2000 }),
      ev.reaction({ mid: 'm', emoji: '😮', reaction: 'wow', timestamp: T + 3000 }),
      ev.reaction({ mid: 'e', emoji: '❤️', reaction: 'love', timestamp: T + 3500 }),
      ev.delivery({ watermark: T + 1200, timestamp: T + 4000 }),
      ev.read({ watermark: T + 1300, timestamp: T + 5000 }),
      ev.unsend({ mid: 'm', timestamp: T + 6000 }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.subarray(effects), fc.infiniteStream(fc.nat()), async (chosen, randomness) => {
        const all = [m, e, ...chosen];
        const reference = await dump(await deliver(all.map((x) => [x])));
        const rand = randomness[Symbol.iterator]();
        const shuffled = [...all];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (rand.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(await dump(await deliver(shuffled.map((x) => [x])))).toEqual(reference);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

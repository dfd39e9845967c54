import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PagedeskError } from '../errors.js';
import type { MessengerEvent } from '../events.js';
import type { MessageEffect } from '../inbox/effects.js';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import type { Store } from '../store.js';
import { testEvents as ev, testEntities } from '../testing.js';
import { action, dump, T, toEvents } from './eventScenarios.js';

// A delivery's events of one channel are applied as one store unit (through the inbox's overlay, with
// bulk reads and one write per table) when the store has units. What it leaves must be exactly what
// the same events applied one delivery each leave, whatever the events.

/**
 * A memoryStore with units and a shared `waiting` kept in Maps, so the inbox takes its batched path
 * (the inbox's own queue serialises the units; nothing here rolls back).
 */
function storeWithUnits(): Store & { units: () => number } {
  const base = memoryStore();
  const effects = new Map<string, MessageEffect[]>();
  const marks = new Map<string, { delivered: number; read: number }>();
  const key = (channelId: string, id: string) => `${channelId} ${id}`;
  let units = 0;
  return {
    ...base,
    units: () => units,
    async atomic(work) {
      units++;
      return work();
    },
    waiting: {
      async add(channelId, mid, effect) {
        effects.set(key(channelId, mid), [...(effects.get(key(channelId, mid)) ?? []), effect]);
      },
      async take(channelId, mid) {
        const held = effects.get(key(channelId, mid)) ?? [];
        effects.delete(key(channelId, mid));
        return held;
      },
      async takeMany(channelId, mids) {
        const taken = new Map<string, MessageEffect[]>();
        for (const mid of mids) {
          const held = effects.get(key(channelId, mid));
          if (!held) continue;
          effects.delete(key(channelId, mid));
          taken.set(mid, held);
        }
        return taken;
      },
      async raise(channelId, psid, state, watermark) {
        const current = marks.get(key(channelId, psid)) ?? { delivered: -Infinity, read: -Infinity };
        marks.set(key(channelId, psid), {
          delivered: Math.max(current.delivered, watermark),
          read: state === 'read' ? Math.max(current.read, watermark) : current.read,
        });
      },
      async watermarks(channelId, psid) {
        return marks.get(key(channelId, psid));
      },
    },
  };
}

async function inboxOn(store: Store) {
  await store.channels.put(testEntities.channel({ id: 'PAGE_1', appId: 'APP_1' }));
  const inbox = createInbox({ store, now: () => T + 10_000_000 });
  const errors: string[] = [];
  inbox.on('error', ({ error, event }) => errors.push(`${(error as PagedeskError).code} ${event?.id ?? ''}`));
  return { inbox, errors };
}

/** The same events applied as one delivery, and one delivery per event (in time order, as the batch does). */
async function batchedAndSequential(events: MessengerEvent[]) {
  const batched = storeWithUnits();
  const one = await inboxOn(batched);
  await one.inbox.apply(events);
  const sequential = storeWithUnits();
  const each = await inboxOn(sequential);
  const ordered = [...events].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  for (const event of ordered) await each.inbox.apply([event]);
  return { batched, sequential, batchedErrors: one.errors, sequentialErrors: each.errors };
}

/** An event verified by another app than the page's: refused, and not marked processed. */
const fromOtherApp = (event: MessengerEvent): MessengerEvent => ({ ...event, appId: 'APP_OTHER' });
/** Not an event the inbox accepts (no mid on a message). */
const invalid = (i: number) =>
  ({ ...ev.message({ mid: `bad_${i}`, timestamp: T + i }), mid: undefined }) as unknown as MessengerEvent;

describe('Batched units', () => {
  it('applies a random delivery exactly as the same events one by one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 1, maxLength: 30 }),
        fc.infiniteStream(fc.nat()),
        async (actions, randomness) => {
          const rand = randomness[Symbol.iterator]();
          const r = (n: number) => (rand.next().value as number) % n;
          const events = toEvents(actions).flatMap((e, i): MessengerEvent[] => {
            switch (r(8)) {
              case 0:
                return [e, e]; // a duplicate in the same delivery
              case 1:
                return [fromOtherApp(e), e];
              case 2:
                return [e, invalid(i)];
              default:
                return [e];
            }
          });
          // Out of order inside the delivery: effects may come before their message.
          for (let i = events.length - 1; i > 0; i--) {
            const j = r(i + 1);
            [events[i], events[j]] = [events[j]!, events[i]!];
          }
          const { batched, sequential, batchedErrors, sequentialErrors } = await batchedAndSequential(events);
          expect(await dump(batched, { receiptTimes: true })).toEqual(
            await dump(sequential, { receiptTimes: true }),
          );
          expect([...batchedErrors].sort()).toEqual([...sequentialErrors].sort());
          expect(batched.units()).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reconciles the echo of our own send, a duplicate, an effect before its message, a mismatched app and an invalid event in one unit', async () => {
    const runs = [storeWithUnits(), storeWithUnits()];
    const dumps = [];
    for (const [n, store] of runs.entries()) {
      const { inbox, errors } = await inboxOn(store);
      await inbox.apply([ev.message({ mid: 'm1', text: 'Where is my order?', timestamp: T })]);
      const conversation = (await store.conversations.list({})).items[0]!;
      const sent = await inbox.recordOutbound(conversation.id, {
        id: 'out-1',
        text: 'On its way',
        author: { kind: 'agent' },
      });
      const echo = ev.echo({ mid: 'm_out', text: 'On its way', metadata: sent.id, timestamp: T + 2000 });
      const delivery: MessengerEvent[] = [
        ev.reaction({ mid: 'm2', action: 'react', emoji: '👍', timestamp: T + 4000 }),
        echo,
        ev.message({ mid: 'm2', text: 'Thanks', timestamp: T + 3000 }),
        echo,
        ev.read({ watermark: T + 2500, timestamp: T + 5000 }),
        fromOtherApp(ev.message({ mid: 'm3', text: 'Not ours', timestamp: T + 6000 })),
        invalid(7),
      ];
      const before = 'units' in store ? store.units() : 0;
      if (n === 0) await inbox.apply(delivery);
      else
        for (const event of [...delivery].sort((a, b) => a.timestamp - b.timestamp))
          await inbox.apply([event]);
      if (n === 0) expect(store.units() - before).toBe(1);
      expect(errors).toHaveLength(2);
      const out = await store.messages.get(sent.id);
      expect(out).toMatchObject({ mid: 'm_out', direction: 'outbound' });
      expect((await store.messages.getByMid('PAGE_1', 'm2'))?.reactions).toHaveLength(1);
      expect(await store.messages.getByMid('PAGE_1', 'm3')).toBeUndefined();
      expect(await store.events.has(`${delivery[5]!.id}`)).toBe(false);
      dumps.push(await dump(store, { receiptTimes: true }));
    }
    expect(dumps[0]).toEqual(dumps[1]);
  });

  it('when the unit fails, applies the good events each in its own unit and reports the bad one, unmarked', async () => {
    const store = storeWithUnits();
    const broken = (mid: string) => {
      if (mid === 'boom') throw new Error('the disk is on fire');
    };
    const { getByMid, getByMids } = store.messages;
    store.messages = {
      ...store.messages,
      async getByMid(channelId, mid) {
        broken(mid);
        return getByMid(channelId, mid);
      },
      async getByMids(channelId, mids) {
        mids.forEach(broken);
        return getByMids!(channelId, mids);
      },
    };
    const { inbox, errors } = await inboxOn(store);
    const bad = ev.message({ mid: 'boom', text: 'Bad', timestamp: T + 1, customerId: 'PSID_2' });
    await expect(
      inbox.apply([
        ev.message({ mid: 'a', text: 'First', timestamp: T }),
        bad,
        ev.message({ mid: 'b', text: 'Second', timestamp: T + 2 }),
      ]),
    ).rejects.toThrow('the disk is on fire');
    expect((await store.messages.getByMid('PAGE_1', 'a'))?.text).toBe('First');
    expect((await store.messages.getByMid('PAGE_1', 'b'))?.text).toBe('Second');
    expect(errors).toEqual([`apply_failed ${bad.id}`]);
    expect(store.units()).toBe(4);
    expect(await store.events.has(bad.id)).toBe(false);
    expect(await store.customers.get('PAGE_1:PSID_2')).toBeUndefined();
  });
});

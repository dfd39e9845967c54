import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessengerEvent } from '../events.js';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import type { Conversation, Message } from '../model.js';
import type { Store } from '../store.js';
import { testEvents as ev } from '../testing.js';

const T = 1_780_000_000_000;
const psids = ['PSID_1', 'PSID_2', 'PSID_3'];

type Action =
  | { type: 'message' | 'echo' | 'postback'; who: number; text: string }
  | { type: 'edit' | 'unsend' | 'react' | 'unreact'; ref: number }
  | { type: 'read' | 'delivery'; who: number }
  | { type: 'comment'; who: number; replyTo: number | null }
  | { type: 'comment-edit' | 'comment-remove'; ref: number };

const who = fc.integer({ min: 0, max: psids.length - 1 });
const ref = fc.nat(40);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant('message' as const), who, text: fc.string({ maxLength: 20 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('echo' as const), who, text: fc.string({ maxLength: 20 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('postback' as const), who, text: fc.string({ maxLength: 10 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constantFrom('edit' as const, 'unsend' as const, 'react' as const, 'unreact' as const),
      ref,
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom('read' as const, 'delivery' as const), who }) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('comment' as const), who, replyTo: fc.option(ref) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constantFrom('comment-edit' as const, 'comment-remove' as const), ref }),
  },
);

/** Turns actions into events with strictly increasing timestamps, as Meta would deliver them in order. */
function toEvents(actions: Action[]): MessengerEvent[] {
  const mids: Array<{ mid: string; who: number }> = [];
  const comments: string[] = [];
  const events: MessengerEvent[] = [];
  actions.forEach((a, i) => {
    const timestamp = T + i * 1000;
    const pick = <TItem>(list: TItem[], n: number): TItem | undefined =>
      list.length ? list[n % list.length] : undefined;
    switch (a.type) {
      case 'message':
      case 'echo':
      case 'postback': {
        const mid = `mid_${i}`;
        mids.push({ mid, who: a.who });
        const base = { mid, customerId: psids[a.who]!, timestamp };
        events.push(
          a.type === 'message'
            ? ev.message({ ...base, text: a.text })
            : a.type === 'echo'
              ? ev.echo({ ...base, text: a.text, senderAppId: i % 2 ? '263902037430900' : '42' })
              : ev.postback({ ...base, title: a.text }),
        );
        break;
      }
      case 'edit':
      case 'unsend':
      case 'react':
      case 'unreact': {
        const target = pick(mids, a.ref) ?? { mid: 'ghost', who: 0 };
        const base = { mid: target.mid, customerId: psids[target.who]!, timestamp };
        if (a.type === 'edit') events.push(ev.edit({ ...base, text: `edit ${i}`, editCount: i }));
        else if (a.type === 'unsend') events.push(ev.unsend(base));
        else events.push(ev.reaction({ ...base, action: a.type === 'react' ? 'react' : 'unreact' }));
        break;
      }
      case 'read':
      case 'delivery':
        events.push(
          a.type === 'read'
            ? ev.read({ customerId: psids[a.who]!, watermark: timestamp - 500, timestamp })
            : ev.delivery({ customerId: psids[a.who]!, watermark: timestamp - 500, timestamp }),
        );
        break;
      case 'comment': {
        const commentId = `cm_${i}`;
        const parentId = a.replyTo === null ? undefined : pick(comments, a.replyTo);
        comments.push(commentId);
        events.push(
          ev.comment({
            commentId,
            postId: 'post_1',
            ...(parentId ? { parentId } : {}),
            from: { id: psids[a.who]! },
            customerId: psids[a.who]!,
            text: `comment ${i}`,
            timestamp,
          }),
        );
        break;
      }
      case 'comment-edit':
      case 'comment-remove': {
        const commentId = pick(comments, a.ref) ?? 'cm_ghost';
        events.push(
          ev.comment({
            commentId,
            action: a.type === 'comment-edit' ? 'edit' : 'remove',
            text: `edited ${i}`,
            timestamp,
          }),
        );
        break;
      }
    }
  });
  return events;
}

/** Everything the store holds, with conversation ids replaced by a canonical name. */
async function dump(store: Store, options: { receiptTimes?: boolean } = {}) {
  const conversations: Conversation[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const result = await store.conversations.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    conversations.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  conversations.sort(
    (a, b) =>
      a.customerId.localeCompare(b.customerId) ||
      a.source.localeCompare(b.source) ||
      a.createdAt - b.createdAt,
  );
  const names = new Map(conversations.map((c, i) => [c.id, `conversation#${i}`]));
  const messages: Message[] = [];
  for (const c of conversations) messages.push(...(await store.messages.list(c.id, { limit: 100 })).items);
  const customers = await Promise.all(psids.map((p) => store.customers.get(`PAGE_1:${p}`)));
  const strip = (m: Message) => {
    const out: Record<string, unknown> = { ...m, conversationId: names.get(m.conversationId) };
    if (!options.receiptTimes) {
      delete out['deliveredAt'];
      delete out['readAt'];
    }
    return out;
  };
  return {
    conversations: conversations.map((c) => ({ ...c, id: names.get(c.id) })),
    messages: messages.map(strip).sort((a, b) => String(a['id']).localeCompare(String(b['id']))),
    customers,
  };
}

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

import fc from 'fast-check';
import type { MessengerEvent } from '../events.js';
import type { Conversation, Message } from '../model.js';
import type { Store } from '../store.js';
import { testEvents as ev } from '../testing.js';

// Random event sequences for the inbox's property tests (inbox.property.test.ts, inboxBatch.test.ts)
// and a canonical dump of what a store holds after them.

export const T = 1_780_000_000_000;
export const psids = ['PSID_1', 'PSID_2', 'PSID_3'];

export type Action =
  | { type: 'message' | 'echo' | 'postback'; who: number; text: string }
  | { type: 'edit' | 'unsend' | 'react' | 'unreact'; ref: number }
  | { type: 'read' | 'delivery'; who: number }
  | { type: 'comment'; who: number; replyTo: number | null }
  | { type: 'comment-edit' | 'comment-remove'; ref: number };

const who = fc.integer({ min: 0, max: psids.length - 1 });
const ref = fc.nat(40);
export const action: fc.Arbitrary<Action> = fc.oneof(
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
export function toEvents(actions: Action[]): MessengerEvent[] {
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
export async function dump(store: Store, options: { receiptTimes?: boolean } = {}) {
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
    // Without updatedAt: each write moves it past the one before (changedAt), so it counts the writes,
    // which the order of the events changes; the state itself must not.
    conversations: conversations.map(({ updatedAt: _, ...c }) => ({ ...c, id: names.get(c.id) })),
    messages: messages.map(strip).sort((a, b) => String(a['id']).localeCompare(String(b['id']))),
    customers,
  };
}

import { createInbox } from '../inbox.js';
import type { InboxEvents } from '../inbox.types.js';
import { memoryStore } from '../memoryStore.js';
import type { Store } from '../store.js';

// Set-up shared by the inbox test files (inbox*.test.ts): an inbox over a memory store with a clock
// the test moves, every event it emits, and readers of the conversation and messages of PAGE_1:PSID_1.

export const T = 1_780_000_000_000;
export const MIN = 60_000;
export const customerId = 'PAGE_1:PSID_1';

/** A fresh inbox with its store, clock, emitted events and readers. */
export function setup(
  options: { threading?: Parameters<typeof createInbox>[0]['threading']; store?: Store } = {},
) {
  const store = options.store ?? memoryStore();
  const clock = { now: T + 1_000_000_000 };
  const inbox = createInbox({
    store,
    now: () => clock.now,
    ...(options.threading ? { threading: options.threading } : {}),
  });
  const emitted: Array<[string, unknown]> = [];
  for (const name of [
    'conversation:created',
    'conversation:updated',
    'message:created',
    'message:updated',
    'customer:created',
    'customer:updated',
    'channel:updated',
    'event:noticed',
    'error',
  ] as const) {
    inbox.on(name, ((payload: unknown) => emitted.push([name, payload])) as InboxEvents[typeof name]);
  }
  const latest = () => store.conversations.findLatest({ channelId: 'PAGE_1', customerId, source: 'message' });
  const messages = async (conversationId: string) =>
    (await store.messages.list(conversationId, { limit: 100 })).items.reverse();
  return { store, inbox, emitted, clock, latest, messages };
}

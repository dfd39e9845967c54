import { describe, expect, it } from 'vitest';
import { isPagedeskError } from '../errors.js';
import { createInbox } from '../inbox.js';
import type { InboxEvents } from '../inbox.types.js';
import { memoryStore } from '../memoryStore.js';
import type { Store } from '../store.js';
import { testEvents as ev } from '../testing.js';

// Once an event's writes are committed, telling listeners costs more store reads (the customer of a
// conversation event, the conversation of a message event). A read that fails there must neither fail
// the delivery (Meta's retry would be a duplicate that tells nobody) nor hide the other changes.

/** A memoryStore (with units when `atomic`) whose next customer read after the writes fails. */
function flakyStore(atomic = false) {
  const base = memoryStore();
  let armed = false;
  const units: number[] = [];
  const store: Store = {
    ...base,
    messages: {
      ...base.messages,
      put: async (message) => {
        await base.messages.put(message);
        armed = true;
      },
    },
    customers: {
      ...base.customers,
      get: async (id) => {
        if (armed) {
          armed = false;
          throw new Error('connection terminated');
        }
        return base.customers.get(id);
      },
    },
    ...(atomic
      ? {
          // The unit writes through `putMany`: armed once it committed.
          atomic: async <T>(work: () => Promise<T>) => {
            units.push(units.length);
            const done = await work();
            armed = true;
            return done;
          },
        }
      : {}),
  };
  const arm = () => {
    armed = true;
  };
  return { store, units, arm };
}

/** Every event the inbox emits, by name, with its payload. */
function heard(inbox: ReturnType<typeof createInbox>) {
  const log: Array<[keyof InboxEvents, unknown]> = [];
  const names: Array<keyof InboxEvents> = [
    'conversation:created',
    'message:created',
    'customer:created',
    'channel:stale',
    'error',
  ];
  for (const name of names) inbox.on(name, ((payload: unknown) => log.push([name, payload])) as never);
  return log;
}

const seedCustomer = (store: Store) =>
  store.customers.put({
    id: 'PAGE_1:PSID_1',
    channelId: 'PAGE_1',
    platform: 'messenger',
    psid: 'PSID_1',
    name: 'Ana',
    profileStatus: 'fetched',
    createdAt: 1,
  });

describe('a store read failing while changes are emitted', () => {
  it('completes the payload with the entity the event committed: a new customer', async () => {
    const { store } = flakyStore();
    const inbox = createInbox({ store });
    const log = heard(inbox);
    await expect(inbox.apply([ev.message({ text: 'Hi, my order never arrived' })])).resolves.toHaveLength(3);
    expect(log.map(([name]) => name)).toEqual([
      'customer:created',
      'message:created',
      'conversation:created',
    ]);
    const [, created] = log[2]!;
    expect((created as { customer: { id: string } }).customer.id).toBe('PAGE_1:PSID_1');
  });

  it.each([false, true])(
    'resolves, tells the other changes and marks the channel stale when the payload cannot be completed (atomic: %s)',
    async (atomic) => {
      const { store, units } = flakyStore(atomic);
      await seedCustomer(store);
      const inbox = createInbox({ store });
      const log = heard(inbox);
      const event = ev.message({ text: 'Hi again' });
      // A returning customer: the conversation event's customer is not among the event's changes.
      await expect(inbox.apply([event])).resolves.toHaveLength(2);
      expect(log.map(([name]) => name)).toEqual(['message:created', 'error', 'channel:stale']);
      const [, failed] = log[1] as [string, { error: unknown; event: unknown; change: { type: string } }];
      expect(isPagedeskError(failed.error) && failed.error.code).toBe('emit_failed');
      expect(failed.event).toBe(event);
      expect(failed.change.type).toBe('conversation:created');
      expect(log[2]![1]).toMatchObject({ channelId: 'PAGE_1', change: { type: 'conversation:created' } });
      // The unit committed once: it is not rolled back and retried event by event.
      if (atomic) expect(units).toHaveLength(1);
      expect((await store.conversations.list({})).items).toHaveLength(1);
    },
  );

  it('does not fail an operation of the send path after its commit', async () => {
    const { store, arm } = flakyStore();
    await seedCustomer(store);
    const inbox = createInbox({ store });
    await inbox.apply([ev.message({ text: 'Hi' })]);
    const [conversation] = (await store.conversations.list({})).items;
    const stale: unknown[] = [];
    inbox.on('channel:stale', (payload) => stale.push(payload));
    inbox.on('conversation:updated', () => {});
    arm();
    await expect(inbox.assign(conversation!.id, 'agent-1')).resolves.toMatchObject({ assigneeId: 'agent-1' });
    expect(stale).toEqual([
      { channelId: 'PAGE_1', change: expect.objectContaining({ type: 'conversation:updated' }) },
    ]);
  });
});

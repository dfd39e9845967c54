import { describe, expect, it } from 'vitest';
import { PagedeskError } from '../errors.js';
import { createInbox } from '../inbox.js';
import type { InboxEvents } from '../inbox.types.js';
import { memoryStore } from '../memoryStore.js';
import type { Store } from '../store.js';
import { testEvents as ev } from '../testing.js';

// The inbox over a store that has `atomic`: a memoryStore behind a fake with real unit semantics.
// Writes go straight to the memory store and into the unit's log; a commit appends the log to the
// committed history, a failed one (or a unit that throws) rebuilds the memory store from that history,
// so a rolled-back write is really gone. A timeline records unit boundaries and what listeners heard.

type Collection = Exclude<keyof Store, 'atomic'>;
interface Write {
  collection: Collection;
  method: string;
  args: unknown[];
}

const WRITES = new Set(['put', 'add', 'delete', 'putMany', 'addMany']);

function transactionalStore() {
  let current = memoryStore();
  const committed: Write[] = [];
  let unit: Write[] | undefined;
  let units = 0;
  const timeline: string[] = [];
  const scopes: Array<string | undefined> = [];
  // `failCommits`: how many of the next commits fail.
  const control = { failNextCommit: false, failCommits: 0 };

  async function rebuild(): Promise<void> {
    const fresh = memoryStore();
    for (const w of committed) {
      await (fresh[w.collection] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
        w.method
      ]!(...w.args);
    }
    current = fresh;
  }

  function wrap(collection: Collection): object {
    return new Proxy(
      {},
      {
        get(_target, method: string) {
          return async (...args: unknown[]) => {
            const target = current[collection] as unknown as Record<
              string,
              (...a: unknown[]) => Promise<unknown>
            >;
            const result = await target[method]!(...args);
            if (WRITES.has(method)) (unit ?? committed).push({ collection, method, args });
            return result;
          };
        },
      },
    );
  }

  const store = {
    channels: wrap('channels'),
    credentials: wrap('credentials'),
    customers: wrap('customers'),
    conversations: wrap('conversations'),
    messages: wrap('messages'),
    events: wrap('events'),
    async atomic<T>(work: () => Promise<T>, scope?: string): Promise<T> {
      // The inbox never nests units or runs two at once (its queue is serial): fail loudly if it did.
      if (unit) throw new Error('units overlap');
      unit = [];
      units++;
      scopes.push(scope);
      const n = units;
      timeline.push(`unit ${n} begin`);
      try {
        const result = await work();
        if (control.failNextCommit || control.failCommits > 0) {
          control.failNextCommit = false;
          control.failCommits = Math.max(0, control.failCommits - 1);
          throw new PagedeskError('store_failed', 'commit failed', { retryable: true });
        }
        committed.push(...unit);
        timeline.push(`unit ${n} commit`);
        return result;
      } catch (error) {
        timeline.push(`unit ${n} rollback`);
        await rebuild();
        throw error;
      } finally {
        unit = undefined;
      }
    },
  } as unknown as Store;

  return { store, timeline, scopes, control, units: () => units };
}

function setup() {
  const fake = transactionalStore();
  const inbox = createInbox({ store: fake.store, now: () => 1_780_000_000_000 });
  const errors: Error[] = [];
  for (const name of [
    'conversation:created',
    'conversation:updated',
    'message:created',
    'customer:created',
  ] as const) {
    inbox.on(name, (() => fake.timeline.push(`heard ${name}`)) as InboxEvents[typeof name]);
  }
  inbox.on('error', ({ error }) => {
    errors.push(error);
    fake.timeline.push('heard error');
  });
  return { ...fake, inbox, errors };
}

describe('Inbox over a store with atomic units', () => {
  it("applies a delivery's events of one channel as one unit and tells listeners only after it committed", async () => {
    const { inbox, store, timeline, units, scopes } = setup();
    await inbox.apply([
      ev.message({ mid: 'a1', text: 'Hi' }),
      ev.message({ mid: 'b1', text: 'Hello', customerId: 'PSID_2' }),
      ev.message({ mid: 'a2', text: 'Still there?' }),
      ev.message({ mid: 'c1', text: 'Other page', pageId: 'PAGE_2' }),
    ]);
    expect(units()).toBe(2);
    expect(scopes).toEqual(['PAGE_1', 'PAGE_2']);
    expect(timeline).toEqual([
      'unit 1 begin',
      'unit 1 commit',
      'heard customer:created',
      'heard message:created',
      'heard conversation:created',
      'heard customer:created',
      'heard message:created',
      'heard conversation:created',
      'heard message:created',
      'heard conversation:updated',
      'unit 2 begin',
      'unit 2 commit',
      'heard customer:created',
      'heard message:created',
      'heard conversation:created',
    ]);
    expect((await store.messages.getByMid('PAGE_1', 'a2'))?.text).toBe('Still there?');
  });

  it('a unit whose commit fails emits nothing, leaves the event unapplied, and its redelivery applies it', async () => {
    const { inbox, store, timeline, control, errors } = setup();
    const first = ev.message({ mid: 'lost-once', text: 'Where is my order?' });
    const second = ev.message({ mid: 'fine', text: 'Thanks', customerId: 'PSID_2' });
    // The batch's unit fails, then the first event's own unit: the second one still applies in its own.
    control.failCommits = 2;
    // The batch goes on: the second event is applied; the first one is reported, and apply rejects so
    // the webhook answers 5xx and Meta redelivers it.
    await expect(inbox.apply([first, second])).rejects.toMatchObject({ code: 'store_failed' });
    expect((await store.messages.getByMid('PAGE_1', 'fine'))?.text).toBe('Thanks');
    expect(errors.map((e) => (e as PagedeskError).code)).toEqual(['store_failed']);
    expect(timeline.slice(0, 5)).toEqual([
      'unit 1 begin',
      'unit 1 rollback',
      'unit 2 begin',
      'unit 2 rollback',
      'heard error',
    ]);
    expect(await store.events.has(first.id)).toBe(false);
    expect(await store.messages.getByMid('PAGE_1', 'lost-once')).toBeUndefined();
    expect(await store.customers.get('PAGE_1:PSID_1')).toBeUndefined();
    expect(await store.events.has(second.id)).toBe(true);

    timeline.length = 0;
    const redelivered = await inbox.apply([first]);
    expect(redelivered.map((c) => c.type)).toEqual([
      'customer:created',
      'message:created',
      'conversation:created',
    ]);
    expect(timeline).toEqual([
      'unit 4 begin',
      'unit 4 commit',
      'heard customer:created',
      'heard message:created',
      'heard conversation:created',
    ]);
    expect((await store.messages.getByMid('PAGE_1', 'lost-once'))?.text).toBe('Where is my order?');
    // Applied once: a further redelivery is a unit that changes nothing and tells nobody.
    expect(await inbox.apply([first])).toEqual([]);
    expect(timeline.slice(5)).toEqual(['unit 5 begin', 'unit 5 commit']);
  });

  it('runs assign, resolve and recordOutbound each in a unit, telling listeners after the commit', async () => {
    const { inbox, store, timeline, units } = setup();
    await inbox.apply([ev.message({ mid: 'm1', text: 'Hi' })]);
    const conversation = (await store.conversations.list({})).items[0]!;
    timeline.length = 0;
    const before = units();

    await inbox.assign(conversation.id, 'agent-1');
    const sent = await inbox.recordOutbound(conversation.id, { text: 'On it', author: { kind: 'agent' } });
    await inbox.resolve(conversation.id);

    expect(units() - before).toBe(3);
    expect(timeline).toEqual([
      `unit ${before + 1} begin`,
      `unit ${before + 1} commit`,
      'heard conversation:updated',
      `unit ${before + 2} begin`,
      `unit ${before + 2} commit`,
      'heard message:created',
      'heard conversation:updated',
      `unit ${before + 3} begin`,
      `unit ${before + 3} commit`,
      'heard conversation:updated',
    ]);
    expect(await store.conversations.get(conversation.id)).toMatchObject({
      assigneeId: 'agent-1',
      status: 'resolved',
    });
    expect((await store.messages.get(sent.id))?.delivery).toBe('pending');
  });

  it('rejects a conversation change whose commit fails, changing and telling nothing', async () => {
    const { inbox, store, timeline, control } = setup();
    await inbox.apply([ev.message({ mid: 'm1', text: 'Hi' })]);
    const conversation = (await store.conversations.list({})).items[0]!;
    timeline.length = 0;

    control.failNextCommit = true;
    await expect(inbox.assign(conversation.id, 'agent-1')).rejects.toMatchObject({ code: 'store_failed' });
    control.failNextCommit = true;
    await expect(
      inbox.recordOutbound(conversation.id, { id: 'out-1', text: 'On it', author: { kind: 'agent' } }),
    ).rejects.toMatchObject({ code: 'store_failed' });

    expect(timeline.filter((t) => t.startsWith('heard'))).toEqual([]);
    expect((await store.conversations.get(conversation.id))?.assigneeId).toBeNull();
    expect(await store.messages.get('out-1')).toBeUndefined();
    // The same calls succeed once the store does.
    await inbox.assign(conversation.id, 'agent-1');
    expect((await store.conversations.get(conversation.id))?.assigneeId).toBe('agent-1');
    expect(timeline.at(-1)).toBe('heard conversation:updated');
  });

  it('scopes every unit to the channel it changes, so servers can work on different pages at once', async () => {
    const { inbox, store, scopes } = setup();
    await inbox.apply([
      ev.message({ mid: 'a1', text: 'Hi' }),
      ev.message({ mid: 'b1', text: 'Hello', pageId: 'PAGE_2', customerId: 'PSID_2' }),
    ]);
    expect(scopes).toEqual(['PAGE_1', 'PAGE_2']);
    const onPage2 = (await store.conversations.list({ channelId: 'PAGE_2' })).items[0]!;
    scopes.length = 0;
    await inbox.assign(onPage2.id, 'agent-1');
    const sent = await inbox.recordOutbound(onPage2.id, { text: 'On it', author: { kind: 'agent' } });
    await inbox.markSent(sent.id, { mid: 'out.1', at: 1_780_000_000_500 });
    await inbox.updateCustomer({ ...(await store.customers.get(onPage2.customerId))!, name: 'Ann' });
    expect(scopes).toEqual(['PAGE_2', 'PAGE_2', 'PAGE_2', 'PAGE_2']);
    // An id that names nothing: an unscoped unit, and the same NotFoundError as ever.
    scopes.length = 0;
    await expect(inbox.resolve('missing')).rejects.toMatchObject({ code: 'not_found' });
    expect(scopes).toEqual([undefined]);
  });

  it('refuses a store that shares what waits for a message but has no units to take it in', () => {
    const waiting: Store['waiting'] = {
      add: async () => {},
      take: async () => [],
      raise: async () => {},
      watermarks: async () => undefined,
    };
    const store: Store = { ...memoryStore(), waiting };
    expect(() => createInbox({ store })).toThrow(/store\.waiting: needs store\.atomic/);
  });
});

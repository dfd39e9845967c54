// Inbox: comments, channels, notices and failures, conversation and customer updates.
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../errors.js';
import type { MessengerEvent } from '../events.js';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import type { Store } from '../store.js';
import { testEvents as ev, testEntities } from '../testing.js';
import { customerId, setup, T } from './inboxSetup.js';

describe('Inbox: comments', () => {
  it('opens a comment conversation per top-level comment and appends replies of the thread', async () => {
    const { inbox, store } = setup();
    await inbox.apply([
      ev.comment({
        commentId: 'c1',
        postId: 'p1',
        text: 'Price?',
        from: { id: 'PSID_1', name: 'Ana' },
        timestamp: T,
        permalink: 'https://fb/p1',
      }),
    ]);
    const conversation = (await store.conversations.findLatest({
      channelId: 'PAGE_1',
      customerId,
      source: 'comment',
      postId: 'p1',
    }))!;
    expect(conversation).toMatchObject({
      source: 'comment',
      comment: { commentId: 'c1', postId: 'p1', permalink: 'https://fb/p1', privateReplySentAt: null },
      lastInboundAt: T,
      unreadCount: 1,
    });
    expect((await store.customers.get(customerId))?.name).toBe('Ana');
    await inbox.apply([
      ev.comment({
        commentId: 'c2',
        postId: 'p1',
        parentId: 'c1',
        text: 'Anyone?',
        from: { id: 'PSID_1' },
        timestamp: T + 1,
      }),
      ev.comment({
        commentId: 'c3',
        postId: 'p1',
        parentId: 'c1',
        text: 'Thanks!',
        from: { id: 'PAGE_1' },
        fromPage: true,
        timestamp: T + 2,
      }),
      ev.comment({
        commentId: 'c4',
        postId: 'p1',
        parentId: 'c1',
        text: 'me too',
        from: { id: 'PSID_2', name: 'Bo' },
        timestamp: T + 3,
      }),
    ]);
    const thread = (await store.messages.list(conversation.id)).items.map((m) => [m.mid, m.direction]);
    expect(thread).toEqual([
      ['c3', 'echo'],
      ['c2', 'inbound'],
      ['c1', 'inbound'],
    ]);
    const other = await store.conversations.findLatest({
      channelId: 'PAGE_1',
      customerId: 'PAGE_1:PSID_2',
      source: 'comment',
    });
    expect(other?.comment?.commentId).toBe('c4');
    // No DM conversation was opened by comments.
    expect(
      await store.conversations.findLatest({ channelId: 'PAGE_1', customerId, source: 'message' }),
    ).toBeUndefined();
  });

  it("edits and removes comments, and ignores the page's own comments outside known threads", async () => {
    const { inbox, store, emitted } = setup();
    await inbox.apply([ev.comment({ commentId: 'c1', text: 'first', timestamp: T })]);
    await inbox.apply([
      ev.comment({ commentId: 'c1', action: 'edit', text: 'first (edited)', timestamp: T + 1 }),
    ]);
    expect(await store.messages.getByMid('PAGE_1', 'c1')).toMatchObject({
      text: 'first (edited)',
      editCount: 1,
    });
    await inbox.apply([ev.comment({ commentId: 'c1', action: 'remove', timestamp: T + 2 })]);
    expect(await store.messages.getByMid('PAGE_1', 'c1')).toMatchObject({ unsent: true });
    await inbox.apply([
      ev.comment({ commentId: 'p9', fromPage: true, from: { id: 'PAGE_1' }, timestamp: T + 3 }),
    ]);
    expect(emitted.filter(([name]) => name === 'event:noticed')).toHaveLength(1);
    expect(await store.messages.getByMid('PAGE_1', 'p9')).toBeUndefined();
  });

  it('records the one private reply', async () => {
    const { inbox, store } = setup();
    await inbox.apply([ev.comment({ commentId: 'c1', timestamp: T })]);
    const conversation = (await store.conversations.findLatest({
      channelId: 'PAGE_1',
      customerId,
      source: 'comment',
    }))!;
    expect((await inbox.markPrivateReplySent(conversation.id, T + 5)).comment?.privateReplySentAt).toBe(
      T + 5,
    );
    expect((await inbox.markPrivateReplySent(conversation.id, T + 9)).comment?.privateReplySentAt).toBe(
      T + 5,
    );
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const dm = (await store.conversations.findLatest({
      channelId: 'PAGE_1',
      customerId,
      source: 'message',
    }))!;
    await expect(inbox.markPrivateReplySent(dm.id, T)).rejects.toThrow(/source/);
  });
});

describe('Inbox: channels, notices and failures', () => {
  it('blocks, warns and unblocks a channel on policy enforcement', async () => {
    const store = memoryStore();
    await store.channels.put(testEntities.channel());
    const { inbox, emitted } = setup({ store });
    await inbox.apply([ev.policyEnforcement({ action: 'block', reason: 'Spam', timestamp: T })]);
    expect(await store.channels.get('PAGE_1')).toMatchObject({ status: 'blocked', statusReason: 'Spam' });
    expect(emitted.at(-1)).toMatchObject(['channel:updated', { channel: { status: 'blocked' } }]);
    await inbox.apply([ev.policyEnforcement({ action: 'unblock', timestamp: T + 1 })]);
    const unblocked = await store.channels.get('PAGE_1');
    expect(unblocked?.status).toBe('active');
    expect(unblocked?.statusReason).toBeUndefined();
    await inbox.apply([ev.policyEnforcement({ action: 'warning', reason: 'Careful', timestamp: T + 2 })]);
    expect(await store.channels.get('PAGE_1')).toMatchObject({ status: 'active', statusReason: 'Careful' });
  });

  it('notices handover, opt-in, referral and unknown events and marks them processed', async () => {
    const { inbox, store, emitted } = setup();
    const events = [ev.handover(), ev.optin(), ev.referral(), ev.unknown()];
    expect(await inbox.apply(events)).toEqual([]);
    expect(emitted.map(([name]) => name)).toEqual([
      'event:noticed',
      'event:noticed',
      'event:noticed',
      'event:noticed',
    ]);
    for (const event of events) expect(await store.events.has(event.id)).toBe(true);
  });

  it('notices a policy enforcement for a page it does not hold, instead of failing the delivery', async () => {
    const { inbox, store, emitted } = setup();
    const policy = ev.policyEnforcement({ action: 'block', timestamp: T });
    expect(await inbox.apply([policy])).toEqual([]);
    expect(emitted.map(([name]) => name)).toEqual(['event:noticed']);
    expect(await store.events.has(policy.id)).toBe(true);
  });

  it('reports a failing event, leaves it unmarked for a redelivery, and applies the others', async () => {
    const base = memoryStore();
    let failures = 1;
    const store: Store = {
      ...base,
      messages: {
        ...base.messages,
        put: async (message) => {
          if (message.mid === 'm0' && failures-- > 0) throw new Error('disk full');
          return base.messages.put(message);
        },
      },
    };
    const { inbox, emitted } = setup({ store });
    const failing = ev.message({ mid: 'm0', timestamp: T });
    const message = ev.message({ mid: 'm1', timestamp: T + 1 });
    // Rejects although someone listens: a redelivery could fix it, so the webhook must answer 5xx.
    await expect(inbox.apply([failing, message])).rejects.toThrow('disk full');
    expect(emitted.find(([name]) => name === 'error')?.[1]).toMatchObject({ event: { id: failing.id } });
    expect(await store.events.has(failing.id)).toBe(false);
    expect(await store.events.has(message.id)).toBe(true);
    await inbox.apply([failing, message]);
    expect(await store.messages.getByMid('PAGE_1', 'm0')).toBeDefined();
  });

  it('retries after a store failure: nothing is marked until it succeeds', async () => {
    const store = memoryStore();
    const put = store.messages.put.bind(store.messages);
    let fail = true;
    store.messages.put = vi.fn(async (m) => {
      if (fail) throw new Error('database unavailable');
      return put(m);
    });
    const { inbox, emitted, latest } = setup({ store });
    const event = ev.message({ mid: 'm1', timestamp: T });
    await expect(inbox.apply([event])).rejects.toThrow('database unavailable');
    expect(emitted.some(([name]) => name === 'error')).toBe(true);
    expect(await store.events.has(event.id)).toBe(false);
    fail = false;
    await inbox.apply([event]);
    expect(await store.events.has(event.id)).toBe(true);
    expect((await store.messages.getByMid('PAGE_1', 'm1'))?.text).toBe(event.text);
    expect((await latest())?.unreadCount).toBe(1);
  });

  it('rejects with the error when nobody listens for errors', async () => {
    const base = memoryStore();
    const store: Store = {
      ...base,
      messages: {
        ...base.messages,
        put: () => Promise.reject(new Error('disk full')),
      },
    };
    const inbox = createInbox({ store });
    await expect(inbox.apply([ev.message({ timestamp: T })])).rejects.toThrow('disk full');
  });

  it('reports a malformed event as a ValidationError naming the field', async () => {
    const { inbox, emitted } = setup();
    await inbox.apply([
      { ...ev.message(), mid: 42 } as unknown as MessengerEvent,
      { kind: 'nonsense' } as never,
    ]);
    const errors = emitted.filter(([name]) => name === 'error').map(([, p]) => (p as { error: Error }).error);
    expect(errors[0]).toBeInstanceOf(ValidationError);
    expect(errors[0]?.message).toMatch(/mid/);
    expect(errors[1]?.message).toMatch(/kind/);
    await expect(inbox.apply('nope' as never)).rejects.toThrow(ValidationError);
  });

  it('keeps going when a listener throws, reporting it as an error', async () => {
    const { inbox, emitted, latest } = setup();
    inbox.on('message:created', () => {
      throw new Error('listener bug');
    });
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    expect(await latest()).toBeDefined();
    expect(
      emitted.some(
        ([name, p]) => name === 'error' && (p as { error: Error }).error.message === 'listener bug',
      ),
    ).toBe(true);
  });

  it('unsubscribes a listener', async () => {
    const inbox = createInbox({ store: memoryStore() });
    const listener = vi.fn();
    const off = inbox.on('message:created', listener);
    off();
    await inbox.apply([ev.message({ timestamp: T })]);
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('Inbox: conversation and customer updates', () => {
  it('resolves, reopens, assigns and marks read, emitting only real changes', async () => {
    const { inbox, latest, emitted, clock } = setup();
    await inbox.apply([ev.message({ timestamp: T })]);
    const id = (await latest())!.id;
    emitted.length = 0;
    clock.now = T + 5;
    expect(await inbox.resolve(id)).toMatchObject({ status: 'resolved', resolvedAt: T + 5 });
    await inbox.resolve(id);
    expect(await inbox.reopen(id)).toMatchObject({ status: 'open', resolvedAt: null });
    expect((await inbox.assign(id, 'agent-1')).assigneeId).toBe('agent-1');
    expect((await inbox.assign(id, null)).assigneeId).toBeNull();
    expect((await inbox.markRead(id)).unreadCount).toBe(0);
    await inbox.markRead(id);
    expect(emitted.map(([name]) => name)).toEqual(Array(5).fill('conversation:updated'));
    await expect(inbox.resolve('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(inbox.assign(id, '' as never)).rejects.toThrow(/agentId/);
  });

  it('saves customers and channels, validated, and tells listeners', async () => {
    const { inbox, emitted } = setup();
    await inbox.updateCustomer(testEntities.customer({ name: 'Ana Maria', profileStatus: 'fetched' }));
    await inbox.updateChannel(testEntities.channel({ status: 'expiring' }));
    expect(emitted.map(([name]) => name)).toEqual(['customer:created', 'channel:updated']);
    await expect(
      inbox.updateCustomer({ ...testEntities.customer(), profileStatus: 'maybe' } as never),
    ).rejects.toThrow(/customer\.profileStatus/);
    await expect(
      inbox.updateChannel({ ...testEntities.channel(), status: 'sleeping' } as never),
    ).rejects.toThrow(/channel\.status/);
  });

  it('serializes concurrent calls: parallel deliveries of a new customer make one conversation', async () => {
    const { inbox, store } = setup();
    await Promise.all([
      inbox.apply([ev.message({ mid: 'a', timestamp: T })]),
      inbox.apply([ev.message({ mid: 'b', timestamp: T + 1 })]),
      inbox.apply([ev.message({ mid: 'c', timestamp: T + 2 })]),
    ]);
    const page = await store.conversations.list({});
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.unreadCount).toBe(3);
  });
});

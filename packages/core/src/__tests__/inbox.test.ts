// Inbox.apply: messages and threading.
import { describe, expect, it } from 'vitest';
import { defaultChannelSettings } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import { testEvents as ev, testEntities } from '../testing.js';
import { customerId, MIN, setup, T } from './inboxSetup.js';

describe('Inbox.apply: messages and threading', () => {
  it('opens a conversation for a new customer and emits what it created', async () => {
    const { inbox, store, emitted } = setup();
    const changes = await inbox.apply([
      ev.message({ mid: 'm1', text: 'Hi, my order is late', timestamp: T }),
    ]);
    expect(changes.map((c) => c.type)).toEqual([
      'customer:created',
      'message:created',
      'conversation:created',
    ]);
    const customer = await store.customers.get(customerId);
    expect(customer).toMatchObject({ psid: 'PSID_1', channelId: 'PAGE_1', profileStatus: 'unknown' });
    const conversation = (await store.conversations.findLatest({
      channelId: 'PAGE_1',
      customerId,
      source: 'message',
    }))!;
    expect(conversation).toMatchObject({
      status: 'open',
      source: 'message',
      unreadCount: 1,
      lastInboundAt: T,
      lastOutboundAt: null,
      lastMessageAt: T,
      preview: 'Hi, my order is late',
    });
    const message = await store.messages.getByMid('PAGE_1', 'm1');
    expect(message).toMatchObject({
      direction: 'inbound',
      delivery: 'delivered',
      author: { kind: 'customer' },
      createdAt: T,
    });
    expect(emitted.map(([name]) => name)).toEqual([
      'customer:created',
      'message:created',
      'conversation:created',
    ]);
    expect(emitted[2]![1]).toMatchObject({
      conversation: { id: conversation.id },
      customer: { id: customerId },
    });
    expect(emitted[1]![1]).toMatchObject({ message: { mid: 'm1' }, conversation: { id: conversation.id } });
  });

  it('is idempotent: the same event, or the same mid under another id, changes nothing', async () => {
    const { inbox, store, latest } = setup();
    const event = ev.message({ mid: 'm1', timestamp: T });
    await inbox.apply([event]);
    expect(await inbox.apply([event])).toEqual([]);
    expect(await inbox.apply([{ ...event, id: 'another-id' }])).toEqual([]);
    expect((await latest())?.unreadCount).toBe(1);
    expect(await store.events.has(event.id)).toBe(true);
  });

  it('appends later messages until the conversation is resolved, then opens a new one', async () => {
    const { inbox, latest, messages } = setup();
    await inbox.apply([
      ev.message({ mid: 'm1', timestamp: T }),
      ev.message({ mid: 'm2', timestamp: T + 10 * 24 * 60 * MIN }),
    ]);
    const first = (await latest())!;
    expect((await messages(first.id)).map((m) => m.mid)).toEqual(['m1', 'm2']);
    expect(first.unreadCount).toBe(2);
    await inbox.resolve(first.id);
    await inbox.apply([ev.message({ mid: 'm3', timestamp: T + 11 * 24 * 60 * MIN })]);
    const second = (await latest())!;
    expect(second.id).not.toBe(first.id);
    expect((await messages(second.id)).map((m) => m.mid)).toEqual(['m3']);
  });

  it('opens a new conversation for a message written just before the resolution, so no agent misses it', async () => {
    const { inbox, clock, latest, messages } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const first = (await latest())!;
    clock.now = T + 10 * MIN;
    await inbox.resolve(first.id);
    await inbox.apply([ev.message({ mid: 'late', timestamp: T + 5 * MIN })]);
    const second = (await latest())!;
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('open');
    expect((await messages(second.id)).map((m) => m.mid)).toEqual(['late']);
  });

  it('intermission: a gap of more than N minutes opens a new conversation; exactly N does not', async () => {
    const { inbox, latest } = setup({ threading: { mode: 'intermission', minutes: 60 } });
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const first = (await latest())!.id;
    await inbox.apply([ev.message({ mid: 'm2', timestamp: T + 60 * MIN })]);
    expect((await latest())!.id).toBe(first);
    await inbox.apply([ev.message({ mid: 'm3', timestamp: T + 120 * MIN + 1 })]);
    expect((await latest())!.id).not.toBe(first);
  });

  it("uses the channel's own threading over the inbox default", async () => {
    const store = memoryStore();
    const channel = testEntities.channel();
    await store.channels.put({
      ...channel,
      settings: { ...channel.settings, threading: { mode: 'intermission', minutes: 5 } },
    });
    const { inbox, latest } = setup({ store, threading: { mode: 'until-resolved' } });
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const first = (await latest())!.id;
    await inbox.apply([ev.message({ mid: 'm2', timestamp: T + 6 * MIN })]);
    expect((await latest())!.id).not.toBe(first);
  });

  it('stores events of an unknown channel with the default settings', async () => {
    expect(defaultChannelSettings).toMatchObject({ threading: { mode: 'until-resolved' }, humanAgent: true });
    const { inbox, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    expect(await latest()).toBeDefined();
  });

  it('applies the events of one call by timestamp', async () => {
    const { inbox, latest, messages } = setup();
    await inbox.apply([
      ev.message({ mid: 'b', timestamp: T + 2, text: 'second' }),
      ev.message({ mid: 'a', timestamp: T + 1 }),
    ]);
    const conversation = (await latest())!;
    expect((await messages(conversation.id)).map((m) => m.mid)).toEqual(['a', 'b']);
    expect(conversation.preview).toBe('second');
  });

  it('stores postbacks, quick replies, story replies, referrals and unsupported messages', async () => {
    const { inbox, store, latest } = setup();
    await inbox.apply([
      ev.postback({ mid: 'pb', title: 'Get Started', payload: 'START', timestamp: T }),
      ev.message({
        mid: 'qr',
        text: 'Yes',
        quickReply: { payload: 'YES' },
        referral: { source: 'ADS', adId: 'ad1' },
        timestamp: T + 1,
      }),
      ev.message({
        mid: 'story',
        platform: 'messenger',
        text: 'love it',
        replyTo: { story: { id: 's1', url: 'https://cdn/s1' } },
        timestamp: T + 2,
      }),
      ev.message({ mid: 'un', isUnsupported: true, timestamp: T + 3 }),
      ev.message({ mid: 'shop', text: 'In stock?', referral: { productId: 'p1' }, timestamp: T + 4 }),
    ]);
    expect(await store.messages.getByMid('PAGE_1', 'pb')).toMatchObject({
      postback: { title: 'Get Started', payload: 'START' },
    });
    expect(await store.messages.getByMid('PAGE_1', 'qr')).toMatchObject({
      quickReplyPayload: 'YES',
      referral: { source: 'ADS', adId: 'ad1' },
    });
    expect((await store.messages.getByMid('PAGE_1', 'story'))?.attachments).toEqual([
      { kind: 'share', shareType: 'story', url: 'https://cdn/s1' },
    ]);
    expect((await store.messages.getByMid('PAGE_1', 'un'))?.attachments[0]).toMatchObject({
      kind: 'fallback',
    });
    expect((await store.messages.getByMid('PAGE_1', 'shop'))?.referral).toEqual({ productId: 'p1' });
    expect((await latest())?.unreadCount).toBe(5);
    expect((await latest())?.lastInboundAt).toBe(T + 4);
  });

  it('links a quoted reply to the stored message', async () => {
    const { inbox, store } = setup();
    await inbox.apply([
      ev.message({ mid: 'm1', timestamp: T }),
      ev.message({ mid: 'm2', replyTo: { mid: 'm1' }, timestamp: T + 1 }),
    ]);
    const quoted = await store.messages.getByMid('PAGE_1', 'm1');
    expect((await store.messages.getByMid('PAGE_1', 'm2'))?.replyTo).toEqual({
      mid: 'm1',
      messageId: quoted!.id,
    });
  });

  it("moves a conversation's updatedAt past the stored one on every write, even on a clock that is behind", async () => {
    const { inbox, store, clock } = setup();
    await inbox.apply([ev.message({ mid: 'm1', text: 'Hi', timestamp: T })]);
    const find = async () =>
      (await store.conversations.findLatest({ channelId: 'PAGE_1', customerId, source: 'message' }))!;
    const states = [await find()];
    // Another server, its clock 5 s behind, then one that stands still: each write still comes after.
    clock.now -= 5_000;
    await inbox.apply([ev.message({ mid: 'm2', text: 'Anyone?', timestamp: T + 1_000 })]);
    states.push(await find());
    await inbox.assign(states[0]!.id, 'agent-1');
    states.push(await find());
    await inbox.resolve(states[0]!.id);
    states.push(await find());
    const times = states.map((c) => c.updatedAt);
    expect(times[1]).toBe(times[0]! + 1);
    expect(new Set(times).size).toBe(times.length);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Once the clock is ahead again, it is the clock.
    clock.now += 60_000;
    await inbox.reopen(states[0]!.id);
    expect((await find()).updatedAt).toBe(clock.now);
  });
});

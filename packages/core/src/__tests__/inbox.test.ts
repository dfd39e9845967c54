import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../errors.js';
import type { MessengerEvent } from '../events.js';
import { createInbox, defaultChannelSettings, PAGE_INBOX_APP_ID } from '../inbox.js';
import type { InboxEvents } from '../inbox.types.js';
import { memoryStore } from '../memoryStore.js';
import type { Store } from '../store.js';
import { testEvents as ev, testEntities } from '../testing.js';

const T = 1_780_000_000_000;
const MIN = 60_000;
const customerId = 'PAGE_1:PSID_1';

function setup(options: { threading?: Parameters<typeof createInbox>[0]['threading']; store?: Store } = {}) {
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
    expect((await latest())?.unreadCount).toBe(4);
    expect((await latest())?.lastInboundAt).toBe(T + 3);
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
});

describe('Inbox: the send path and echoes', () => {
  async function withConversation() {
    const ctx = setup();
    await ctx.inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const conversation = (await ctx.latest())!;
    return { ...ctx, conversation };
  }

  it('records an outbound message as pending, then sent with its mid', async () => {
    const { inbox, store, conversation, clock } = await withConversation();
    clock.now = T + MIN;
    const draft = await inbox.recordOutbound(conversation.id, {
      text: 'On it!',
      author: { kind: 'agent', agentId: 'a1' },
    });
    expect(draft).toMatchObject({
      delivery: 'pending',
      direction: 'outbound',
      createdAt: T + MIN,
      conversationId: conversation.id,
    });
    expect((await store.conversations.get(conversation.id))?.preview).toBe('On it!');
    const sent = await inbox.markSent(draft.id, { mid: 'out1', at: T + MIN + 5 });
    expect(sent).toMatchObject({ delivery: 'sent', mid: 'out1', sentAt: T + MIN + 5 });
    expect((await store.conversations.get(conversation.id))?.lastOutboundAt).toBe(T + MIN + 5);
    expect(
      await inbox.recordOutbound(conversation.id, { id: draft.id, author: { kind: 'agent' } }),
    ).toMatchObject({ id: draft.id, mid: 'out1' });
  });

  it('reconciles our own echo (metadata) with the outbound message instead of duplicating it, even before markSent', async () => {
    const { inbox, store, conversation, messages, clock } = await withConversation();
    clock.now = T + 5;
    const draft = await inbox.recordOutbound(conversation.id, { text: 'Hello', author: { kind: 'agent' } });
    await inbox.apply([
      ev.echo({ mid: 'out1', metadata: draft.id, senderAppId: 'APP_1', text: 'Hello', timestamp: T + 10 }),
    ]);
    expect(await store.messages.get(draft.id)).toMatchObject({ delivery: 'sent', mid: 'out1' });
    await inbox.apply([ev.read({ watermark: T + 20, timestamp: T + 20 })]);
    const after = await inbox.markSent(draft.id, { mid: 'out1', at: T + 11 });
    expect(after.delivery).toBe('read');
    expect((await messages(conversation.id)).map((m) => m.direction)).toEqual(['inbound', 'outbound']);
  });

  it('turns a failed message whose echo arrives into sent, and never fails a message already sent', async () => {
    const { inbox, store, conversation } = await withConversation();
    const draft = await inbox.recordOutbound(conversation.id, { text: 'Hello', author: { kind: 'agent' } });
    const failed = await inbox.markFailed(draft.id, {
      code: 'timeout',
      message: 'No answer from Meta',
      retryable: true,
    });
    expect(failed).toMatchObject({ delivery: 'failed', failure: { code: 'timeout' } });
    await inbox.apply([ev.echo({ mid: 'out1', metadata: draft.id, timestamp: T + 10 })]);
    const sent = (await store.messages.get(draft.id))!;
    expect(sent.delivery).toBe('sent');
    expect(sent.failure).toBeUndefined();
    expect((await inbox.markFailed(draft.id, { code: 'x', message: 'x', retryable: false })).delivery).toBe(
      'sent',
    );
    await expect(inbox.markPending(draft.id)).rejects.toThrow(/delivery/);
  });

  it('puts a failed message back to pending for a retry', async () => {
    const { inbox, store, conversation } = await withConversation();
    const draft = await inbox.recordOutbound(conversation.id, { text: 'Hello', author: { kind: 'agent' } });
    await inbox.markFailed(draft.id, { code: 'rate_limited', message: 'Slow down', retryable: true });
    expect((await inbox.markPending(draft.id)).delivery).toBe('pending');
    expect((await store.messages.listPending()).map((m) => m.id)).toEqual([draft.id]);
  });

  it('shows echoes sent from other tools as outbound messages that never touch the window', async () => {
    const { inbox, store, conversation } = await withConversation();
    await inbox.apply([
      ev.echo({ mid: 'e1', senderAppId: PAGE_INBOX_APP_ID, text: 'From Business Suite', timestamp: T + 100 }),
      ev.echo({ mid: 'e2', senderAppId: '999', text: 'From another app', timestamp: T + 200 }),
    ]);
    expect(await store.messages.getByMid('PAGE_1', 'e1')).toMatchObject({
      direction: 'echo',
      author: { kind: 'page', appId: PAGE_INBOX_APP_ID },
      delivery: 'sent',
    });
    expect(await store.messages.getByMid('PAGE_1', 'e2')).toMatchObject({
      author: { kind: 'app', appId: '999' },
    });
    expect(await store.conversations.get(conversation.id)).toMatchObject({
      lastInboundAt: T,
      lastOutboundAt: T + 200,
      unreadCount: 1,
      preview: 'From another app',
    });
    expect(
      await inbox.apply([ev.echo({ mid: 'e1', timestamp: T + 100, id: 'redelivered-differently' })]),
    ).toEqual([]);
  });

  it('opens a conversation for an echo to a customer who never wrote, with the window closed', async () => {
    const { inbox, latest } = setup();
    await inbox.apply([ev.echo({ mid: 'e1', text: 'Hello from the page', timestamp: T })]);
    expect(await latest()).toMatchObject({ lastInboundAt: null, lastOutboundAt: T, unreadCount: 0 });
  });

  it('rejects bad send-path input with typed errors naming the field', async () => {
    const { inbox, conversation } = await withConversation();
    await expect(inbox.recordOutbound('nope', { author: { kind: 'agent' } })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      inbox.recordOutbound(conversation.id, { author: { kind: 'robot' } } as never),
    ).rejects.toThrow(/draft\.author\.kind/);
    await expect(inbox.markSent('nope', { mid: 'x', at: 1 })).rejects.toMatchObject({ code: 'not_found' });
    const draft = await inbox.recordOutbound(conversation.id, { author: { kind: 'agent' } });
    await expect(inbox.markSent(draft.id, { mid: '', at: 1 })).rejects.toThrow(/sent\.mid/);
    await expect(inbox.markFailed(draft.id, { code: 'x' } as never)).rejects.toThrow(/failure\.message/);
    const inbound = (await inbox.store.messages.getByMid('PAGE_1', 'm1'))!;
    await expect(inbox.markSent(inbound.id, { mid: 'x', at: 1 })).rejects.toThrow(/direction/);
  });
});

describe('Inbox: edits, unsends, reactions', () => {
  it('edits and unsends a message, updating the preview of the newest one', async () => {
    const { inbox, store, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', text: 'helo', timestamp: T })]);
    await inbox.apply([ev.edit({ mid: 'm1', text: 'hello', editCount: 1, timestamp: T + 1 })]);
    expect(await store.messages.getByMid('PAGE_1', 'm1')).toMatchObject({ text: 'hello', editCount: 1 });
    expect((await latest())?.preview).toBe('hello');
    // An older edit delivered late does not undo a newer one.
    await inbox.apply([ev.edit({ mid: 'm1', text: 'newest', editCount: 3, timestamp: T + 3 })]);
    await inbox.apply([ev.edit({ mid: 'm1', text: 'older', editCount: 2, timestamp: T + 2 })]);
    expect((await store.messages.getByMid('PAGE_1', 'm1'))?.text).toBe('newest');
    await inbox.apply([ev.unsend({ mid: 'm1', timestamp: T + 4 })]);
    const unsent = (await store.messages.getByMid('PAGE_1', 'm1'))!;
    expect(unsent).toMatchObject({ unsent: true, attachments: [] });
    expect(unsent.text).toBeUndefined();
    expect((await latest())?.preview).toBe('Message removed');
  });

  it('keeps effects for a message not stored yet and applies them when it arrives', async () => {
    const { inbox, store, latest } = setup();
    await inbox.apply([ev.edit({ mid: 'm1', text: 'edited', editCount: 1, timestamp: T + 5 })]);
    await inbox.apply([ev.reaction({ mid: 'm1', emoji: '😮', reaction: 'wow', timestamp: T + 6 })]);
    await inbox.apply([ev.message({ mid: 'm1', text: 'original', timestamp: T })]);
    expect(await store.messages.getByMid('PAGE_1', 'm1')).toMatchObject({
      text: 'edited',
      editCount: 1,
      reactions: [{ emoji: '😮', name: 'wow', by: 'customer', at: T + 6 }],
    });
    expect((await latest())?.preview).toBe('edited');
  });

  it('adds, replaces and removes the customer reaction; a Messenger reaction refreshes the window', async () => {
    const { inbox, store, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T }), ev.echo({ mid: 'e1', timestamp: T + 1 })]);
    await inbox.apply([ev.reaction({ mid: 'e1', emoji: '❤️', reaction: 'love', timestamp: T + 100 })]);
    await inbox.apply([ev.reaction({ mid: 'e1', reaction: 'like', timestamp: T + 200 })]);
    expect((await store.messages.getByMid('PAGE_1', 'e1'))?.reactions).toEqual([
      { emoji: '👍', name: 'like', by: 'customer', at: T + 200 },
    ]);
    expect((await latest())?.lastInboundAt).toBe(T + 200);
    await inbox.apply([ev.reaction({ mid: 'e1', action: 'unreact', timestamp: T + 300 })]);
    expect((await store.messages.getByMid('PAGE_1', 'e1'))?.reactions).toEqual([]);
    expect((await latest())?.lastInboundAt).toBe(T + 200);
    expect((await latest())?.unreadCount).toBe(1);
  });

  it('does not count an Instagram reaction for the window (undocumented there)', async () => {
    const { inbox, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', platform: 'instagram', timestamp: T })]);
    await inbox.apply([ev.reaction({ mid: 'm1', platform: 'instagram', timestamp: T + 100 })]);
    expect((await latest())?.lastInboundAt).toBe(T);
  });
});

describe('Inbox: receipts', () => {
  it('moves outbound messages up to a watermark forward, never backwards, never a failed one', async () => {
    const { inbox, store, clock, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const conversation = (await latest())!;
    clock.now = T + 10;
    const a = await inbox.recordOutbound(conversation.id, { text: 'a', author: { kind: 'agent' } });
    clock.now = T + 20;
    const b = await inbox.recordOutbound(conversation.id, { text: 'b', author: { kind: 'agent' } });
    const f = await inbox.recordOutbound(conversation.id, { text: 'f', author: { kind: 'agent' } });
    await inbox.markSent(a.id, { mid: 'a', at: a.createdAt });
    await inbox.markSent(b.id, { mid: 'b', at: b.createdAt });
    await inbox.markFailed(f.id, { code: 'x', message: 'x', retryable: false });
    const unreadBefore = (await store.conversations.get(conversation.id))?.unreadCount;
    await inbox.apply([ev.read({ watermark: a.createdAt, timestamp: a.createdAt + 5 })]);
    expect((await store.messages.get(a.id))?.delivery).toBe('read');
    await inbox.apply([ev.delivery({ watermark: b.createdAt + 1, timestamp: b.createdAt + 6 })]);
    expect((await store.messages.get(a.id))?.delivery).toBe('read');
    expect(await store.messages.get(b.id)).toMatchObject({
      delivery: 'delivered',
      deliveredAt: b.createdAt + 1,
    });
    expect((await store.messages.get(f.id))?.delivery).toBe('failed');
    expect((await store.conversations.get(conversation.id))?.unreadCount).toBe(unreadBefore);
  });

  it('marks an Instagram message read by mid, and delivery mids one by one', async () => {
    const { inbox, store } = setup();
    await inbox.apply([
      ev.message({ mid: 'm1', timestamp: T }),
      ev.echo({ mid: 'e1', timestamp: T + 1 }),
      ev.echo({ mid: 'e2', timestamp: T + 2 }),
    ]);
    await inbox.apply([ev.read({ mid: 'e1', timestamp: T + 3 })]);
    expect((await store.messages.getByMid('PAGE_1', 'e1'))?.delivery).toBe('read');
    expect((await store.messages.getByMid('PAGE_1', 'e2'))?.delivery).toBe('sent');
    await inbox.apply([ev.delivery({ mids: ['e2'], watermark: T + 1, timestamp: T + 4 })]);
    expect((await store.messages.getByMid('PAGE_1', 'e2'))?.delivery).toBe('delivered');
  });

  it('applies a watermark that arrived before the echo it covers', async () => {
    const { inbox, store } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    await inbox.apply([ev.read({ watermark: T + 50, timestamp: T + 60 })]);
    await inbox.apply([ev.echo({ mid: 'e1', timestamp: T + 40 }), ev.echo({ mid: 'e2', timestamp: T + 70 })]);
    expect((await store.messages.getByMid('PAGE_1', 'e1'))?.delivery).toBe('read');
    expect((await store.messages.getByMid('PAGE_1', 'e2'))?.delivery).toBe('sent');
  });
});

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

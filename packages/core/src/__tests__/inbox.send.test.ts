// Inbox: the send path and echoes, edits, unsends, reactions and receipts.
import { describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID } from '../inbox.js';
import { testEvents as ev } from '../testing.js';
import { MIN, setup, T } from './inboxSetup.js';

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

  it('records a composer id once: again it answers the stored message, or refuses when exclusive', async () => {
    const { inbox, conversation } = await withConversation();
    const draft = { id: 'c-1', text: 'Hello', author: { kind: 'agent' as const } };
    const first = await inbox.recordOutbound(conversation.id, draft);
    expect(await inbox.recordOutbound(conversation.id, draft)).toEqual(first);
    await expect(inbox.recordOutbound(conversation.id, draft, { exclusive: true })).rejects.toMatchObject({
      code: 'already_recorded',
    });
    const fresh = await inbox.recordOutbound(conversation.id, { ...draft, id: 'c-2' }, { exclusive: true });
    expect(fresh).toMatchObject({ id: 'c-2', delivery: 'pending' });
  });

  it('puts a failed message back to pending for a retry', async () => {
    const { inbox, store, conversation } = await withConversation();
    const draft = await inbox.recordOutbound(conversation.id, { text: 'Hello', author: { kind: 'agent' } });
    await inbox.markFailed(draft.id, { code: 'rate_limited', message: 'Slow down', retryable: true });
    expect((await inbox.markPending(draft.id)).delivery).toBe('pending');
    expect((await store.messages.listPending()).map((m) => m.id)).toEqual([draft.id]);
    // A second claim while it is pending (a retry elsewhere) would send it twice.
    await expect(inbox.markPending(draft.id)).rejects.toMatchObject({ code: 'send_in_progress' });
    const note = { code: 'checking', message: 'Checking with Meta', retryable: false };
    await expect(inbox.markPending(draft.id, note)).rejects.toMatchObject({ code: 'send_in_progress' });
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

  it.each(['messenger', 'instagram'] as const)(
    'counts a %s link (m.me / ig.me) into the existing thread for the window; ads and older events do not',
    async (platform) => {
      const { inbox, latest } = setup();
      const link = { source: platform === 'messenger' ? 'SHORTLINK' : 'SHORTLINKS', type: 'OPEN_THREAD' };
      await inbox.apply([ev.message({ mid: 'm1', platform, timestamp: T })]);
      await inbox.apply([ev.referral({ platform, referral: { ...link, ref: 'promo' }, timestamp: T + 100 })]);
      expect((await latest())?.lastInboundAt).toBe(T + 100);
      await inbox.apply([ev.referral({ platform, referral: { ...link, ref: 'old' }, timestamp: T + 50 })]);
      await inbox.apply([
        ev.referral({
          platform,
          referral: { source: 'ADS', type: 'OPEN_THREAD', adId: 'ad1' },
          timestamp: T + 200,
        }),
      ]);
      expect((await latest())?.lastInboundAt).toBe(T + 100);
      expect((await latest())?.unreadCount).toBe(1);
    },
  );

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

  it('leaves a reply that has not gone out pending: a read of the part before it proves nothing', async () => {
    const { inbox, store, clock, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const conversation = (await latest())!;
    clock.now = T + 10;
    // A reply of two parts, recorded together and sent one after the other.
    const text = await inbox.recordOutbound(conversation.id, {
      text: 'Here it is:',
      author: { kind: 'agent' },
    });
    const video = await inbox.recordOutbound(conversation.id, {
      attachments: [{ kind: 'video', url: 'https://cdn.example/manual.mp4' }],
      author: { kind: 'agent' },
    });
    await inbox.markSent(text.id, { mid: 'out1', at: T + 11 });
    // The customer reads the first part while Meta is still taking the video.
    await inbox.apply([ev.read({ watermark: T + 12, timestamp: T + 13 })]);
    expect((await store.messages.get(text.id))?.delivery).toBe('read');
    expect((await store.messages.get(video.id))?.delivery).toBe('pending');
    // Meta refuses the video: the agent must see it failed, not read.
    const failed = await inbox.markFailed(video.id, { code: 'upload_failed', message: 'x', retryable: true });
    expect(failed.delivery).toBe('failed');
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

  it('reads the reply of a resolved conversation when its receipt comes after the message that opened the next', async () => {
    const { inbox, store, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T }), ev.echo({ mid: 'e1', timestamp: T + 10 })]);
    const first = (await latest())!;
    await inbox.resolve(first.id);
    // The customer read the reply, then wrote again; Meta delivered the two out of order.
    await inbox.apply([ev.message({ mid: 'm2', timestamp: T + 30 })]);
    await inbox.apply([ev.read({ watermark: T + 10, timestamp: T + 20 })]);
    expect((await latest())!.id).not.toBe(first.id);
    expect(await store.messages.getByMid('PAGE_1', 'e1')).toMatchObject({ delivery: 'read', readAt: T + 10 });
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

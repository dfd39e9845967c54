// createChannels: comments, personas and attachments, typing and seen, profiles.
import { describe, expect, it, vi } from 'vitest';
import { ValidationError, WindowClosedError } from '../../errors.js';
import { testEvents } from '../../testing/events.js';
import { customerWrites, HOUR, sentBodies } from './channelsSetup.js';
import { APP_ID, type Harness, harness, T0, useFakeMeta } from './fakeMeta.js';
import { metaError } from './graphStandin.js';

const env = useFakeMeta();
const bodies = () => sentBodies(env.meta);

describe('comments', () => {
  /** The public answers Graph was asked to post under the customer's comment `post_1_c9`. */
  const posts = () =>
    env.standin.requests.filter((r) => r.method === 'POST' && r.path === 'post_1_c9/comments');

  /** The page's own comment under the customer's comment `post_1_c9`, as the `feed` webhook reports it. */
  const pageComment = (commentId: string, text: string, timestamp = T0) =>
    testEvents.comment({
      pageId: 'PAGE_1',
      commentId,
      parentId: 'post_1_c9',
      text,
      from: { id: 'PAGE_1', name: 'The page' },
      fromPage: true,
      timestamp,
    });

  /**
   * A public reply whose Graph answer (`commentId`) comes after `delayMs`, while the page's comment with
   * that id arrives 100 ms in, before it.
   */
  async function commentFirst(
    h: Harness,
    conversationId: string,
    reply: { clientId: string; text: string },
    commentId: string,
    delayMs: number,
  ) {
    env.meta.commentAnswers.push({ delayMs, json: { id: commentId } });
    const sending = h.channels.send(conversationId, { ...reply, publicReply: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await h.inbox.apply([pageComment(commentId, reply.text.trim())]);
    return sending;
  }

  /** A public "Thanks!" whose Graph answer (`commentId`) comes after the client's timeout. */
  async function timedOutThanks(h: Harness, conversationId: string, clientId: string, commentId: string) {
    env.meta.commentAnswers.push({ delayMs: 3000, json: { id: commentId } });
    await h.channels
      .send(conversationId, { text: 'Thanks!', publicReply: true, clientId })
      .catch(() => undefined);
  }

  async function commentConversation(h: Harness, at: number) {
    await h.inbox.apply([testEvents.comment({ pageId: 'PAGE_1', commentId: 'post_1_c9', timestamp: at })]);
    await h.channels.idle();
    return (await h.store.conversations.list({ source: 'comment' })).items[0]!;
  }

  it('sends the one private reply, then refuses a second one; public replies stay open', async () => {
    const h = await harness(env.standin);
    const conversation = await commentConversation(h, T0 - HOUR);
    const [reply] = await h.channels.send(conversation.id, { text: 'Sent you the price in DM' });
    expect(reply).toMatchObject({ delivery: 'sent' });
    expect(bodies()[0]).toEqual({
      recipient: { comment_id: 'post_1_c9' },
      messaging_type: 'RESPONSE',
      message: { text: 'Sent you the price in DM', metadata: reply!.id },
    });
    expect((await h.store.conversations.get(conversation.id))!.comment!.privateReplySentAt).toBe(T0);
    await expect(h.channels.send(conversation.id, { text: 'Another one' })).rejects.toBeInstanceOf(
      WindowClosedError,
    );
    const [publicReply] = await h.channels.send(conversation.id, { text: 'Thanks!', publicReply: true });
    expect(publicReply).toMatchObject({ delivery: 'sent', mid: 'reply_post_1_c9/comments' });
    expect(env.standin.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: 'post_1_c9/comments',
      body: { message: 'Thanks!' },
    });
  });

  it("matches the page's echo of a private reply by its metadata, even before Meta's answer", async () => {
    const h = await harness(env.standin);
    const conversation = await commentConversation(h, T0 - HOUR);
    // The echo lands while the send is in flight: recorded, not yet marked sent.
    const draft = await h.inbox.recordOutbound(conversation.id, {
      text: 'Sent you the price in DM',
      author: { kind: 'agent' },
      messagingType: 'RESPONSE',
    });
    await h.inbox.apply([
      testEvents.echo({
        pageId: 'PAGE_1',
        mid: 'm_private',
        metadata: draft.id,
        appId: APP_ID,
        timestamp: T0,
      }),
    ]);
    await h.inbox.markSent(draft.id, { mid: 'm_private', at: T0 });
    const { items } = await h.store.messages.list(conversation.id, { limit: 10 });
    expect(items.filter((m) => m.mid === 'm_private').map((m) => [m.id, m.delivery])).toEqual([
      [draft.id, 'sent'],
    ]);
  });

  it('does not post a public reply again while it may be up already, unless forced', async () => {
    const h = await harness(env.standin);
    const conversation = await commentConversation(h, T0 - HOUR);
    // Meta takes the answer but replies after the client's timeout: nobody knows whether it is up.
    env.meta.commentAnswers.push({ delayMs: 3000, json: { id: 'reply_late' } });
    const error = await h.channels
      .send(conversation.id, { text: 'Thanks!', publicReply: true, clientId: 'pub-1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'outcome_unknown' });
    await expect(h.channels.retry('pub-1')).rejects.toMatchObject({ code: 'outcome_unknown' });
    expect(posts()).toHaveLength(1);
    expect(await h.store.messages.get('pub-1')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'outcome_unknown' },
    });
    // The agent looked at the comment and it is not there: posting it is their call.
    await expect(h.channels.retry('pub-1', { force: true })).resolves.toMatchObject({ delivery: 'sent' });
    expect(posts()).toHaveLength(2);
  });

  it('takes the page’s own comment as the public reply it answers, once, whether it comes before or after Graph', async () => {
    const h = await harness(env.standin);
    const conversation = await commentConversation(h, T0 - HOUR);
    // Graph answers after the client gave up: the feed's comment settles the reply, and a plain retry
    // then finds it sent instead of refusing.
    await timedOutThanks(h, conversation.id, 'pub-1', 'reply_late');
    await h.inbox.apply([pageComment('reply_late', 'Thanks!')]);
    await expect(h.channels.retry('pub-1')).resolves.toMatchObject({ delivery: 'sent', mid: 'reply_late' });

    // The comment arrives while Graph's answer is still on its way.
    const sending = commentFirst(
      h,
      conversation.id,
      { clientId: 'pub-2', text: 'Welcome\n' },
      'reply_2',
      300,
    );
    await expect(sending).resolves.toMatchObject([{ id: 'pub-2', delivery: 'sent', mid: 'reply_2' }]);

    // Graph never answers in time, but the comment comes first: the send is answered as sent.
    const timing = commentFirst(h, conversation.id, { clientId: 'pub-3', text: 'See you' }, 'reply_3', 3000);
    await expect(timing).resolves.toMatchObject([{ id: 'pub-3', delivery: 'sent', mid: 'reply_3' }]);

    // A comment the page wrote elsewhere (another tool) with other text stays a message of its own.
    await h.inbox.apply([pageComment('reply_other', 'Hello from the Page Inbox')]);
    const { items } = await h.store.messages.list(conversation.id, { limit: 10 });
    const page = items.filter((m) => m.direction !== 'inbound').map((m) => [m.id, m.mid, m.delivery]);
    expect(page).toHaveLength(4);
    expect(page).toEqual(
      expect.arrayContaining([
        ['pub-1', 'reply_late', 'sent'],
        ['pub-2', 'reply_2', 'sent'],
        ['pub-3', 'reply_3', 'sent'],
        [expect.any(String), 'reply_other', 'sent'],
      ]),
    );
    expect(posts()).toHaveLength(3);
  });

  it('gives a page comment to no reply when it cannot tell which, and never a comment id twice', async () => {
    const h = await harness(env.standin);
    const conversation = await commentConversation(h, T0 - HOUR);
    // A timed out and was never posted; B, the same text, is on its way: B's comment is B's.
    await timedOutThanks(h, conversation.id, 'pub-A', 'reply_A');
    const sendingB = commentFirst(h, conversation.id, { clientId: 'pub-B', text: 'Thanks!' }, 'reply_B', 300);
    await expect(sendingB).resolves.toMatchObject([{ id: 'pub-B', delivery: 'sent', mid: 'reply_B' }]);
    expect(await h.store.messages.get('pub-A')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'outcome_unknown' },
    });
    expect((await h.store.messages.get('pub-A'))?.mid).toBeUndefined();

    // A page comment with A's text three days later is somebody's comment, not A.
    await h.inbox.apply([pageComment('reply_later', 'Thanks!', T0 + 3 * 24 * HOUR)]);
    expect((await h.store.messages.get('pub-A'))?.mid).toBeUndefined();
    const { items } = await h.store.messages.list(conversation.id, { limit: 10 });
    const mids = items.flatMap((m) => (m.mid ? [m.mid] : []));
    expect(new Set(mids).size).toBe(mids.length);
    expect(mids).toEqual(expect.arrayContaining(['reply_B', 'reply_later']));
  });

  it('spends the private reply when its echo proves it sent although Graph did not answer in time', async () => {
    const h = await harness(env.standin);
    const conversation = await commentConversation(h, T0 - HOUR);
    env.meta.sendAnswers.push({ delayMs: 3000, json: { recipient_id: 'PSID_1', message_id: 'm_late' } });
    const sending = h.channels.send(conversation.id, {
      text: 'Sent you the price in DM',
      clientId: 'priv-1',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await h.inbox.apply([
      testEvents.echo({ pageId: 'PAGE_1', mid: 'm_echo', metadata: 'priv-1', appId: APP_ID, timestamp: T0 }),
    ]);
    await expect(sending).resolves.toMatchObject([{ id: 'priv-1', delivery: 'sent', mid: 'm_echo' }]);
    expect((await h.store.conversations.get(conversation.id))?.comment?.privateReplySentAt).toBe(T0);
  });

  it('refuses publicReply on a message conversation instead of sending a DM', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const error = await h.channels
      .send(conversationId, { text: 'Hi', publicReply: true, clientId: 'pr' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.path).toBe('publicReply');
    expect(env.meta.sent).toHaveLength(0);
    expect(await h.store.messages.get('pr')).toBeUndefined();
  });

  it('refuses a private reply after 7 days', async () => {
    const h = await harness(env.standin);
    const conversation = await commentConversation(h, T0 - 8 * 24 * HOUR);
    await expect(h.channels.send(conversation.id, { text: 'late' })).rejects.toBeInstanceOf(
      WindowClosedError,
    );
    await expect(
      h.channels.send(conversation.id, { text: 'still public', publicReply: true }),
    ).resolves.toHaveLength(1);
  });
});

describe('personas and attachments', () => {
  it('creates a persona once per page and agent and sends with it', async () => {
    const agents = vi.fn((id: string) => ({ name: `Agent ${id}`, avatarUrl: 'https://host.example/a.png' }));
    const h = await harness(env.standin, { channels: { agents } });
    const conversationId = await customerWrites(h, T0 - HOUR);
    const [first] = await h.channels.send(conversationId, { text: 'one', agentId: 'ana' });
    await h.channels.send(conversationId, { text: 'two', agentId: 'ana' });
    expect(bodies().map((b) => b.persona_id)).toEqual(['persona_1', 'persona_1']);
    expect(env.standin.requests.filter((r) => r.path === 'PAGE_1/personas')).toHaveLength(1);
    expect(first!.author).toEqual({ kind: 'agent', agentId: 'ana', name: 'Agent ana' });
  });

  it('a failed agent lookup skips the persona for that reply only', async () => {
    let calls = 0;
    // The second lookup (the persona's, during the first send) fails; every other one answers.
    const agents = vi.fn(() => {
      if (++calls === 2) throw new Error('agent directory down');
      return { name: 'Ana', avatarUrl: 'https://host.example/ana.png' };
    });
    const h = await harness(env.standin, { channels: { agents } });
    const errors: string[] = [];
    h.channels.on('error', ({ error }) => errors.push(error.message));
    const conversationId = await customerWrites(h, T0 - HOUR);
    await h.channels.send(conversationId, { text: 'one', agentId: 'ana' });
    await h.channels.send(conversationId, { text: 'two', agentId: 'ana' });
    expect(bodies().map((b) => b.persona_id)).toEqual([undefined, 'persona_1']);
    expect(errors).toEqual(['agent directory down']);
  });

  it('sends without the persona when Meta rejects it', async () => {
    const agents = () => ({ name: 'Ana', avatarUrl: 'https://host.example/ana.png' });
    const h = await harness(env.standin, { channels: { agents } });
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({ status: 400, json: metaError(100, undefined, 'Invalid persona_id') });
    const [message] = await h.channels.send(conversationId, { text: 'hi', agentId: 'ana' });
    expect(message!.delivery).toBe('sent');
    expect(bodies().map((b) => b.persona_id)).toEqual(['persona_1', undefined]);
  });

  it('sends as the page, naming the agent, when the agent has no avatar (Meta requires one)', async () => {
    const h = await harness(env.standin, { channels: { agents: () => ({ name: 'Ana' }) } });
    const conversationId = await customerWrites(h, T0 - HOUR);
    const [message] = await h.channels.send(conversationId, { text: 'hi', agentId: 'ana' });
    expect(bodies().map((b) => b.persona_id)).toEqual([undefined]);
    expect(env.standin.requests.filter((r) => r.path === 'PAGE_1/personas')).toHaveLength(0);
    expect(message!.author).toEqual({ kind: 'agent', agentId: 'ana', name: 'Ana' });
  });

  it('reuses an attachment id per page and content, and re-uploads when Meta rejects it', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const file = { id: 'f', name: 'a.png', type: 'image/png', size: 100, url: 'https://host.example/a.png' };
    env.meta.sendAnswers.push({ json: { recipient_id: 'PSID_1', message_id: 'm1', attachment_id: 'att_1' } });
    await h.channels.send(conversationId, { attachments: [file] });
    await h.channels.send(conversationId, { attachments: [file] });
    env.meta.sendAnswers.push({ status: 400, json: metaError(100, 2018074, 'Invalid attachment id') });
    await h.channels.send(conversationId, { attachments: [file] });
    expect(bodies().map((b) => b.message.attachment)).toEqual([
      { type: 'image', payload: { url: file.url, is_reusable: true } },
      { type: 'image', payload: { attachment_id: 'att_1' } },
      { type: 'image', payload: { attachment_id: 'att_1' } },
      { type: 'image', payload: { url: file.url, is_reusable: true } },
    ]);
  });
});

describe('typing and seen', () => {
  it('sends sender actions alone', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    await h.channels.setTyping(conversationId, true);
    await h.channels.setTyping(conversationId, false);
    await h.channels.markSeen(conversationId);
    expect(env.meta.actions.map((r) => r.body)).toEqual([
      { recipient: { id: 'PSID_1' }, sender_action: 'typing_on' },
      { recipient: { id: 'PSID_1' }, sender_action: 'typing_off' },
      { recipient: { id: 'PSID_1' }, sender_action: 'mark_seen' },
    ]);
  });

  it('sends no sender action once the window is closed (Meta would refuse it)', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - 8 * 24 * HOUR);
    await h.channels.setTyping(conversationId, true);
    await h.channels.markSeen(conversationId);
    expect(env.meta.actions).toEqual([]);
  });
});

describe('profiles', () => {
  it('looks up a new customer’s profile', async () => {
    const h = await harness(env.standin);
    await customerWrites(h, T0 - HOUR);
    expect(await h.store.customers.get('PAGE_1:PSID_1')).toMatchObject({
      name: 'Ana Lima',
      firstName: 'Ana',
      avatarUrl: 'https://cdn.example/ana.jpg',
      profileStatus: 'fetched',
    });
  });

  it('keeps the event’s name when the lookup fails, and retries later (bounded)', async () => {
    let failures = 2;
    env.meta.profile = (id) =>
      failures-- > 0
        ? { status: 400, json: metaError(2018218, undefined, 'Cannot get profile') }
        : { json: { id, name: 'Ana From Profile' } };
    const h = await harness(env.standin, { channels: { profileRetryDelaysMs: [1000, 2000] } });
    await h.inbox.apply([
      testEvents.comment({ pageId: 'PAGE_1', from: { id: 'PSID_9', name: 'Ana Commenter' } }),
    ]);
    await h.channels.idle();
    expect(await h.store.customers.get('PAGE_1:PSID_9')).toMatchObject({
      name: 'Ana Commenter',
      profileStatus: 'unavailable',
    });
    expect(h.timers.map((t) => t.ms)).toEqual([1000]);
    h.timers[0]!.callback();
    await h.channels.idle();
    expect(h.timers.map((t) => t.ms)).toEqual([1000, 2000]);
    h.timers[1]!.callback();
    await h.channels.idle();
    expect(await h.store.customers.get('PAGE_1:PSID_9')).toMatchObject({
      name: 'Ana From Profile',
      profileStatus: 'fetched',
    });
  });

  it('stops retrying after the last delay', async () => {
    env.meta.profile = () => ({ status: 400, json: metaError(230, undefined, 'User consent is required') });
    const h = await harness(env.standin, { channels: { profileRetryDelaysMs: [1000] } });
    await customerWrites(h, T0 - HOUR, { psid: 'PSID_2' });
    h.timers[0]!.callback();
    await h.channels.idle();
    expect(h.timers).toHaveLength(1);
    expect((await h.store.customers.get('PAGE_1:PSID_2'))!.profileStatus).toBe('unavailable');
  });
});

import { describe, expect, it, vi } from 'vitest';
import {
  ChannelUnavailableError,
  RecipientUnavailableError,
  RuleViolationError,
  TokenError,
  ValidationError,
  WindowClosedError,
} from '../../errors.js';
import { createInbox } from '../../inbox.js';
import { memoryStore } from '../../memoryStore.js';
import { testEvents } from '../../testing/events.js';
import { createChannels } from '../channels.js';
import { ChannelConflictError } from '../connect.js';
import { APP_ID, type Harness, harness, PAGE_TOKEN, T0, useFakeMeta } from './fakeMeta.js';
import { metaError, proofOf } from './graphStandin.js';

const HOUR = 60 * 60 * 1000;
const env = useFakeMeta();

async function customerWrites(h: Harness, at: number, input: { psid?: string; text?: string } = {}) {
  await h.inbox.apply([
    testEvents.message({
      pageId: 'PAGE_1',
      customerId: input.psid ?? 'PSID_1',
      text: input.text ?? 'Hi',
      timestamp: at,
    }),
  ]);
  await h.channels.idle();
  const conversation = await h.store.conversations.findLatest({
    channelId: 'PAGE_1',
    customerId: `PAGE_1:${input.psid ?? 'PSID_1'}`,
    source: 'message',
  });
  return conversation!.id;
}

type SentBody = {
  messaging_type: string;
  tag?: string;
  message: { text?: string; metadata?: string; attachment?: unknown; attachments?: unknown[] };
  persona_id?: string;
  reply_to?: { mid: string };
  recipient: Record<string, string>;
};
const bodies = () => env.meta.sent.map((r) => r.body as SentBody);

describe('send', () => {
  it('sends a reply inside 24 h as RESPONSE with its id in metadata, pending then sent', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const states: string[] = [];
    h.inbox.on('message:created', ({ message }) => states.push(`created:${message.delivery}`));
    h.inbox.on('message:updated', ({ message }) => states.push(`updated:${message.delivery}`));
    const [message] = await h.channels.send(conversationId, { text: 'Hello Ana', clientId: 'client-1' });
    expect(message).toMatchObject({
      id: 'client-1',
      delivery: 'sent',
      mid: 'm_out_1',
      messagingType: 'RESPONSE',
    });
    expect(states).toEqual(['created:pending', 'updated:sent']);
    expect(bodies()[0]).toEqual({
      recipient: { id: 'PSID_1' },
      messaging_type: 'RESPONSE',
      message: { text: 'Hello Ana', metadata: 'client-1' },
    });
    expect(env.meta.sent[0]!.query['appsecret_proof']).toBe(proofOf('app-secret-for-tests-0123', PAGE_TOKEN));
    expect(await h.store.messages.get('client-1')).toMatchObject({ delivery: 'sent', sentAt: T0 });
  });

  it('refuses before any call when the window is closed, and stores nothing', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - 8 * 24 * HOUR);
    env.standin.requests.length = 0;
    const error = await h.channels.send(conversationId, { text: 'Hello?' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WindowClosedError);
    expect((error as WindowClosedError).closedAt).toBe(T0 - 8 * 24 * HOUR + 7 * 24 * HOUR);
    // Said once: the reason names what reopens the window, with no second sentence repeating it.
    expect((error as WindowClosedError).message).toBe(
      'Window closed 1 d ago; the customer must write first.',
    );
    expect(env.standin.requests).toHaveLength(0);
    const page = await h.store.messages.list(conversationId);
    expect(page.items.filter((m) => m.direction === 'outbound')).toHaveLength(0);
  });

  it('uses MESSAGE_TAG + HUMAN_AGENT after 24 h, and refuses then without the Human Agent permission', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - 30 * HOUR);
    const [message] = await h.channels.send(conversationId, { text: 'Sorry for the wait' });
    expect(message).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(bodies()[0]).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    await h.channels.updateSettings('PAGE_1', { humanAgent: false });
    await expect(h.channels.send(conversationId, { text: 'again' })).rejects.toBeInstanceOf(
      WindowClosedError,
    );
    expect(env.meta.sent).toHaveLength(1);
  });

  it('splits long text on request and refuses it otherwise', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const long = `${'word '.repeat(300)}end. ${'more '.repeat(200)}`.trim();
    await expect(h.channels.send(conversationId, { text: long })).rejects.toBeInstanceOf(RuleViolationError);
    expect(env.meta.sent).toHaveLength(0);
    const messages = await h.channels.send(conversationId, { text: long, split: true });
    expect(messages.length).toBeGreaterThan(1);
    expect(
      bodies()
        .map((b) => b.message.text)
        .join(''),
    ).toBe(long);
    expect(messages.map((m) => m.delivery)).toEqual(messages.map(() => 'sent'));
  });

  it('sends text, then attachments in order, grouping consecutive images', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const file = (id: string, name: string, type: string) => ({
      id,
      name,
      type,
      size: 1000,
      url: `https://host.example/${name}`,
    });
    const messages = await h.channels.send(conversationId, {
      text: 'Here you go',
      attachments: [
        file('1', 'a.png', 'image/png'),
        file('2', 'manual.pdf', 'application/pdf'),
        file('3', 'b.png', 'image/png'),
        file('4', 'c.jpg', 'image/jpeg'),
      ],
    });
    expect(messages).toHaveLength(4);
    expect(bodies().map((b) => b.message)).toEqual([
      { text: 'Here you go', metadata: messages[0]!.id },
      {
        attachment: { type: 'image', payload: { url: 'https://host.example/a.png', is_reusable: true } },
        metadata: messages[1]!.id,
      },
      {
        attachment: { type: 'file', payload: { url: 'https://host.example/manual.pdf', is_reusable: true } },
        metadata: messages[2]!.id,
      },
      {
        attachments: [
          { type: 'image', payload: { url: 'https://host.example/b.png', is_reusable: true } },
          { type: 'image', payload: { url: 'https://host.example/c.jpg', is_reusable: true } },
        ],
        metadata: messages[3]!.id,
      },
    ]);
  });

  it('quotes a message with a top-level reply_to and puts quick replies on the last part', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const inbound = (await h.store.messages.list(conversationId)).items.find(
      (m) => m.direction === 'inbound',
    )!;
    await h.channels.send(conversationId, {
      text: 'Which one?',
      replyToMessageId: inbound.id,
      quickReplies: [{ title: 'Red', payload: 'RED' }],
    });
    expect(bodies()[0]).toMatchObject({
      reply_to: { mid: inbound.mid },
      message: { quick_replies: [{ content_type: 'text', title: 'Red', payload: 'RED' }] },
    });
    await expect(h.channels.send(conversationId, { text: 'x', replyToMessageId: 'nope' })).rejects.toThrow(
      /nope/,
    );
  });

  it('records a failure with its typed reason and rethrows it', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({
      status: 400,
      json: metaError(551, undefined, 'This person isn’t available right now.'),
    });
    const error = await h.channels
      .send(conversationId, { text: 'Hi', clientId: 'c1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientUnavailableError);
    expect(await h.store.messages.get('c1')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'recipient_unavailable', graphCode: 551, retryable: false },
    });
  });

  it('records a rate limit Meta wants honoured for long as a retryable failure', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({
      status: 400,
      json: metaError(80006, undefined, 'There have been too many messages sent to this Page'),
      headers: {
        'x-business-use-case-usage': JSON.stringify({
          PAGE_1: [{ type: 'messenger', estimated_time_to_regain_access: 15 }],
        }),
      },
    });
    await expect(h.channels.send(conversationId, { text: 'Hi', clientId: 'rl' })).rejects.toMatchObject({
      name: 'RateLimitError',
      retryAfterMs: 900_000,
    });
    expect(await h.store.messages.get('rl')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'rate_limited', retryable: true, graphCode: 80006 },
    });
    expect(env.meta.sent).toHaveLength(1);
    expect((await h.channels.get('PAGE_1')).status).toBe('active');
  });

  it('fails the remaining parts when one part fails, keeping the order for a retry', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({ json: { recipient_id: 'PSID_1', message_id: 'm_a' } });
    env.meta.sendAnswers.push({
      status: 400,
      json: metaError(100, 2018109, 'Attachment size exceeds allowable limit'),
    });
    const file = (name: string, type: string) => ({
      id: name,
      name,
      type,
      size: 10,
      url: `https://host.example/${name}`,
    });
    await expect(
      h.channels.send(conversationId, {
        text: 'Files',
        attachments: [file('a.pdf', 'application/pdf'), file('b.pdf', 'application/pdf')],
      }),
    ).rejects.toMatchObject({ graphCode: 100, subcode: 2018109 });
    const outbound = (await h.store.messages.list(conversationId)).items
      .filter((m) => m.direction === 'outbound')
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    expect(outbound.map((m) => [m.delivery, m.failure?.code])).toEqual(
      expect.arrayContaining([
        ['sent', undefined],
        ['failed', 'graph_error'],
        ['failed', 'previous_part_failed'],
      ]),
    );
    expect(env.meta.sent).toHaveLength(2);
  });

  it('marks a timed-out send outcome_unknown; the echo reconciles it and retry never resends', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({ delayMs: 3000, json: { recipient_id: 'PSID_1', message_id: 'm_late' } });
    const error = await h.channels
      .send(conversationId, { text: 'Are you there?', clientId: 'c-timeout' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'outcome_unknown', retryable: true });
    expect(await h.store.messages.get('c-timeout')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'outcome_unknown' },
    });
    expect(env.meta.sent).toHaveLength(1);
    // Meta did accept it: its echo carries our id in metadata.
    await h.inbox.apply([
      testEvents.echo({
        pageId: 'PAGE_1',
        customerId: 'PSID_1',
        mid: 'm_late',
        metadata: 'c-timeout',
        appId: APP_ID,
        timestamp: T0 + 1,
      }),
    ]);
    const retried = await h.channels.retry('c-timeout');
    expect(retried).toMatchObject({ delivery: 'sent', mid: 'm_late' });
    expect(env.meta.sent).toHaveLength(1);
  });

  it('retries a failed message and sends it again', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({
      status: 400,
      json: metaError(200, undefined, 'Requires pages_messaging permission'),
    });
    await expect(h.channels.send(conversationId, { text: 'Hi', clientId: 'c2' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    const sent = await h.channels.retry('c2');
    expect(sent).toMatchObject({ delivery: 'sent', mid: 'm_out_1' });
    expect(bodies().map((b) => b.message.metadata)).toEqual(['c2', 'c2']);
    await expect(h.channels.retry('missing')).rejects.toThrow(/missing/);
  });

  it('a retry refused before the call leaves the message failed, not stuck pending', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({ status: 400, json: metaError(551, undefined, 'Not available') });
    await expect(h.channels.send(conversationId, { text: 'Hi', clientId: 'c-refused' })).rejects.toThrow();
    await h.store.credentials.delete('PAGE_1');
    await expect(h.channels.retry('c-refused')).rejects.toBeInstanceOf(ChannelUnavailableError);
    expect(await h.store.messages.get('c-refused')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'recipient_unavailable' },
    });
    expect(await h.store.messages.listPending()).toEqual([]);
    expect(env.meta.sent).toHaveLength(1);
  });

  it('a 190 mid-send flips the channel at once and emits channel:status; the next send is refused up front', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const statuses: string[] = [];
    h.channels.on('channel:status', ({ channel, previous }) =>
      statuses.push(`${previous}->${channel.status}`),
    );
    env.meta.sendAnswers.push({
      status: 400,
      json: metaError(190, 460, 'Error validating access token: password changed'),
    });
    const error = await h.channels
      .send(conversationId, { text: 'Hi', clientId: 'c3' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect(statuses).toEqual(['active->revoked']);
    expect(await h.channels.get('PAGE_1')).toMatchObject({
      status: 'revoked',
      statusReason: expect.stringMatching(/password/),
    });
    expect(await h.store.messages.get('c3')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'token_password_changed' },
    });
    const sendsBefore = env.meta.sent.length;
    await expect(h.channels.send(conversationId, { text: 'again', clientId: 'c4' })).rejects.toBeInstanceOf(
      ChannelUnavailableError,
    );
    expect(env.meta.sent).toHaveLength(sendsBefore);
    expect(await h.store.messages.get('c4')).toBeUndefined();
  });

  it('an expired token (190/463) makes the channel expired', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({ status: 400, json: metaError(190, 463, 'Session has expired') });
    await expect(h.channels.send(conversationId, { text: 'Hi' })).rejects.toBeInstanceOf(TokenError);
    expect((await h.channels.get('PAGE_1')).status).toBe('expired');
  });

  it.each(['deactivated', 'disconnected', 'blocked', 'expired'] as const)(
    'a %s channel refuses before recording',
    async (status) => {
      const h = await harness(env.standin);
      const conversationId = await customerWrites(h, T0 - HOUR);
      await h.store.channels.put({ ...(await h.store.channels.get('PAGE_1'))!, status });
      env.standin.requests.length = 0;
      await expect(h.channels.send(conversationId, { text: 'Hi', clientId: 'x' })).rejects.toBeInstanceOf(
        ChannelUnavailableError,
      );
      expect(env.standin.requests).toHaveLength(0);
      expect(await h.store.messages.get('x')).toBeUndefined();
    },
  );

  it('survives a crash between pending and sent: a new Channels recovers and retries it', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    // The first process recorded the reply and died before Meta answered.
    await h.inbox.recordOutbound(conversationId, {
      id: 'c-crash',
      text: 'Your order shipped',
      attachments: [],
      author: { kind: 'agent' },
      messagingType: 'RESPONSE',
    });
    h.channels.close();
    // Meta has no such message (the stand-in's thread is empty): the retry checks, then sends.
    const restarted = h.make({ reconcile: { echoWaitMs: 0 } });
    expect((await h.store.messages.listPending()).map((m) => m.id)).toEqual(['c-crash']);
    const recovered = await restarted.recoverPending();
    expect(recovered.map((m) => [m.id, m.delivery, m.failure?.code, m.failure?.retryable])).toEqual([
      ['c-crash', 'failed', 'interrupted', true],
    ]);
    expect(await h.store.messages.listPending()).toEqual([]);
    const sent = await restarted.retry('c-crash');
    expect(sent).toMatchObject({ delivery: 'sent', mid: 'm_out_1' });
    expect(bodies()[0]!.message).toEqual({ text: 'Your order shipped', metadata: 'c-crash' });
  });

  it('never sends the same composer id twice', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const [first] = await h.channels.send(conversationId, { text: 'Once', clientId: 'dup' });
    const [second] = await h.channels.send(conversationId, { text: 'Once', clientId: 'dup' });
    expect(second).toEqual(first);
    expect(env.meta.sent).toHaveLength(1);
    const inbound = (await h.store.messages.list(conversationId)).items.find(
      (m) => m.direction === 'inbound',
    )!;
    await expect(h.channels.send(conversationId, { text: 'x', clientId: inbound.id })).rejects.toThrow(
      /clientId/,
    );
  });

  it('refuses options without a Graph source', () => {
    expect(() =>
      createChannels({ store: memoryStore(), inbox: createInbox({ store: memoryStore() }) }),
    ).toThrow(/apps/);
  });

  it('validates the draft, naming the field', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const error = await h.channels.send(conversationId, { text: 42 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.path).toBe('text');
    await expect(h.channels.send('nope', { text: 'x' })).rejects.toThrow(/nope/);
  });
});

describe('comments', () => {
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
      message: { text: 'Sent you the price in DM' },
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

describe('connecting', () => {
  const accounts = [
    {
      id: 'PAGE_2',
      name: 'Shop Two',
      access_token: 'page-2-token-abcdef',
      tasks: ['MANAGE', 'MODERATE', 'MESSAGING'],
      instagram_business_account: { id: 'IG_2', username: 'shop.two' },
    },
    { id: 'PAGE_3', name: 'Other Org Page', access_token: 'page-3-token-abcdef', tasks: ['MANAGE'] },
    { id: 'PAGE_4', name: 'Analyst Only', access_token: 'page-4-token-abcdef', tasks: ['ANALYZE'] },
  ];

  it('lists pages with tasks and availability, and refuses one owned by another organisation', async () => {
    env.meta.accounts = accounts;
    const h = await harness(env.standin, { channels: { organizationId: 'org-a' } });
    await h.store.channels.put({
      ...(await h.store.channels.get('PAGE_1'))!,
      id: 'PAGE_3',
      organizationId: 'org-b',
    });
    const pages = await h.channels.listConnectablePages('user-token-123456');
    expect(pages.map((p) => [p.id, p.platform, p.connected, p.unavailableReason ?? null])).toEqual([
      ['PAGE_2', 'messenger', false, null],
      ['IG_2', 'instagram', false, null],
      ['PAGE_3', 'messenger', false, 'Already connected to another organisation'],
      ['PAGE_4', 'messenger', false, expect.stringContaining('MESSAGING')],
    ]);
    await expect(h.channels.connect('user-token-123456', ['PAGE_3'])).rejects.toBeInstanceOf(
      ChannelConflictError,
    );
    await expect(h.channels.connect('user-token-123456', ['PAGE_9'])).rejects.toThrow(/pageIds\[0\]/);
    expect((await h.channels.list()).map((c) => c.id)).toEqual(['PAGE_1']);
  });

  it('connects pages: long-lived token, subscription, status check and history imported silently', async () => {
    env.meta.accounts = accounts;
    env.meta.history.conversations = [
      { id: 't_1', participants: { data: [{ id: 'PSID_7', name: 'Old Customer' }, { id: 'PAGE_2' }] } },
    ];
    env.meta.history.messages['t_1'] = [
      {
        id: 'm_h2',
        created_time: '2026-01-10T11:30:00+0000',
        from: { id: 'PAGE_2' },
        message: 'We will check',
      },
      {
        id: 'm_h1',
        created_time: '2026-01-10T11:00:00+0000',
        from: { id: 'PSID_7', name: 'Old Customer' },
        message: 'Where is my order?',
      },
    ];
    const h = await harness(env.standin, { channels: { organizationId: 'org-a', historyImport: {} } });
    const created: string[] = [];
    h.inbox.on('message:created', ({ message }) => created.push(message.id));
    const imported = vi.fn();
    h.channels.on('history:imported', imported);
    const [channel] = await h.channels.connect('short-user-token', ['PAGE_2']);
    expect(channel).toMatchObject({
      id: 'PAGE_2',
      platform: 'messenger',
      organizationId: 'org-a',
      status: 'active',
      appId: APP_ID,
    });
    expect(await h.store.credentials.get('PAGE_2')).toEqual({ accessToken: 'page-2-token-abcdef' });
    const accountsCall = env.standin.requests.find((r) => r.path === 'me/accounts')!;
    expect(accountsCall.query['access_token']).toBe('long-short-user-token');
    const subscribe = env.standin.requests.find(
      (r) => r.method === 'POST' && r.path === 'PAGE_2/subscribed_apps',
    )!;
    expect(subscribe.query['subscribed_fields']).toContain('messages');
    expect(subscribe.query['subscribed_fields']).toContain('message_echoes');
    expect(imported).toHaveBeenCalledWith(expect.objectContaining({ conversations: 1, messages: 2 }));
    expect(created).toEqual([]);
    const conversation = (await h.store.conversations.list({ channelId: 'PAGE_2' })).items[0]!;
    expect(conversation).toMatchObject({
      unreadCount: 0,
      lastInboundAt: Date.UTC(2026, 0, 10, 11),
      preview: 'We will check',
    });
    const messages = (await h.store.messages.list(conversation.id)).items;
    expect(messages.map((m) => [m.direction, m.imported, m.text])).toEqual([
      ['echo', true, 'We will check'],
      ['inbound', true, 'Where is my order?'],
    ]);
    // A redelivered webhook for an imported message changes nothing.
    const changes = await h.inbox.apply([
      testEvents.message({
        pageId: 'PAGE_2',
        customerId: 'PSID_7',
        mid: 'm_h1',
        timestamp: Date.UTC(2026, 0, 10, 11),
      }),
    ]);
    expect(changes.filter((c) => c.type === 'message:created')).toEqual([]);
  });

  it('connects an Instagram account through its Page', async () => {
    env.meta.accounts = accounts;
    env.meta.tokenInfo = {
      ...env.meta.tokenInfo,
      scopes: ['pages_manage_metadata', 'instagram_basic', 'instagram_manage_messages'],
    };
    const h = await harness(env.standin);
    const [channel] = await h.channels.connect('user-token-123456', ['IG_2']);
    expect(channel).toMatchObject({ id: 'IG_2', platform: 'instagram', name: 'shop.two', status: 'active' });
    expect(await h.store.credentials.get('IG_2')).toEqual({
      accessToken: 'page-2-token-abcdef',
      pageId: 'PAGE_2',
    });
    const subscribe = env.standin.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith('/subscribed_apps'),
    )!;
    expect(subscribe.path).toBe('PAGE_2/subscribed_apps');
  });

  it('reauthorizes a revoked channel with a fresh user token', async () => {
    env.meta.accounts = [
      { id: 'PAGE_1', name: 'Acme Support', access_token: 'fresh-page-token-xyz', tasks: ['MANAGE'] },
    ];
    const h = await harness(env.standin, {
      channel: { status: 'revoked', statusReason: 'Password changed' },
    });
    env.meta.subscribed = false;
    const statuses: string[] = [];
    h.channels.on('channel:status', ({ channel, previous }) =>
      statuses.push(`${previous}->${channel.status}`),
    );
    const channel = await h.channels.action('PAGE_1', {
      action: 'reauthorize',
      userAccessToken: 'user-token-abcdef',
    });
    expect(channel).toMatchObject({ status: 'active' });
    expect(channel.statusReason).toBeUndefined();
    expect(statuses).toEqual(['revoked->active']);
    expect((await h.store.credentials.get('PAGE_1'))!.accessToken).toBe('fresh-page-token-xyz');
    expect(env.meta.subscribed).toBe(true);
    env.meta.accounts = [];
    await expect(h.channels.reauthorize('PAGE_1', 'user-token-abcdef')).rejects.toThrow(/PAGE_1/);
  });
});

describe('check', () => {
  it.each([
    [460, 'revoked', /password/],
    [458, 'revoked', /app was removed/],
    // 462 (stale session) reads the same as a 190/462 seen while sending: one subcode table.
    [462, 'revoked', /lost their role|session/],
    [463, 'expired', /expired/],
  ] as const)('debug_token subcode %s makes the channel %s', async (subcode, status, reason) => {
    const h = await harness(env.standin);
    env.meta.tokenInfo = {
      ...env.meta.tokenInfo,
      is_valid: false,
      error: { code: 190, subcode, message: 'x' },
    };
    const { channel } = await h.channels.check('PAGE_1');
    expect(channel.status).toBe(status);
    expect(channel.statusReason).toMatch(reason);
  });
});

describe('channel actions and settings', () => {
  it('deactivates, re-activates and disconnects (history kept, token dropped)', async () => {
    const h = await harness(env.standin);
    const statuses: string[] = [];
    h.channels.on('channel:status', ({ channel, previous }) =>
      statuses.push(`${previous}->${channel.status}`),
    );
    await h.channels.action('PAGE_1', { action: 'deactivate' });
    await h.channels.action('PAGE_1', { action: 'activate' });
    const disconnected = await h.channels.action('PAGE_1', { action: 'disconnect' });
    expect(statuses).toEqual(['active->deactivated', 'deactivated->active', 'active->disconnected']);
    expect(disconnected.status).toBe('disconnected');
    expect(await h.store.credentials.get('PAGE_1')).toBeUndefined();
    expect(env.meta.subscribed).toBe(false);
    await expect(h.channels.action('PAGE_1', { action: 'activate' })).rejects.toBeInstanceOf(
      ChannelUnavailableError,
    );
    await expect(h.channels.action('PAGE_1', { action: 'explode' } as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('updates settings and names a wrong field', async () => {
    const h = await harness(env.standin);
    const updated = await h.channels.updateSettings('PAGE_1', { textMaxLength: 1600 });
    expect(updated.settings.textMaxLength).toBe(1600);
    expect(updated.settings.humanAgent).toBe(true);
    const error = await h.channels.updateSettings('PAGE_1', { textMaxLength: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.path).toBe('textMaxLength');
    await expect(h.channels.get('PAGE_9')).rejects.toThrow(/PAGE_9/);
  });

  it('a channel handle sends only in its own conversations', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const handle = h.channels.channel('PAGE_1');
    await expect(handle.send(conversationId, { text: 'via handle' })).resolves.toHaveLength(1);
    expect((await handle.get()).status).toBe('active');
    await expect(h.channels.channel('PAGE_2').send(conversationId, { text: 'x' })).rejects.toThrow(
      /Conversation/,
    );
  });
});

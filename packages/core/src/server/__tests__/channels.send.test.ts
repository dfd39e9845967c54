// createChannels: the send path (window, rules, outcomes, retries).
import { describe, expect, it } from 'vitest';
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
import { testEntities } from '../../testing/entities.js';
import { testEvents } from '../../testing/events.js';
import { createChannels } from '../channels.js';
import { customerWrites, HOUR, sentBodies } from './channelsSetup.js';
import { APP_ID, harness, PAGE_TOKEN, T0, useFakeMeta } from './fakeMeta.js';
import { metaError, proofOf } from './graphStandin.js';

const env = useFakeMeta();
const bodies = () => sentBodies(env.meta);

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

  it('the same composer id on two servers at once sends the message once', async () => {
    const h = await harness(env.standin);
    const otherServer = h.make();
    const conversationId = await customerWrites(h, T0 - HOUR);
    const answers = await Promise.all([
      h.channels.send(conversationId, { text: 'On its way', clientId: 'dup-1' }),
      otherServer.send(conversationId, { text: 'On its way', clientId: 'dup-1' }),
    ]);
    expect(bodies().map((b) => b.message.metadata)).toEqual(['dup-1']);
    expect(answers.map(([m]) => m!.id)).toEqual(['dup-1', 'dup-1']);
    expect((await h.store.messages.list(conversationId, { limit: 10 })).items.map((m) => m.id)).toContain(
      'dup-1',
    );
  });

  it("a composer id that is another organisation's message id sends as an unused one would: nothing confirms it exists", async () => {
    const h = await harness(env.standin, { channel: { organizationId: 'org_a' } });
    await h.store.channels.put(testEntities.channel({ id: 'PAGE_B', organizationId: 'org_b' }));
    await h.inbox.apply([
      testEvents.message({
        pageId: 'PAGE_B',
        customerId: 'PSID_B',
        text: 'Secret order',
        timestamp: T0 - HOUR,
      }),
    ]);
    const [theirs] = (await h.store.messages.list((await h.store.conversations.list({})).items[0]!.id)).items;
    const conversationId = await customerWrites(h, T0 - HOUR);
    const [guessed] = await h.channels.send(conversationId, { text: 'Hi', clientId: theirs!.id });
    const [unused] = await h.channels.send(conversationId, { text: 'Hi', clientId: 'never-used' });
    // Sent under an id of its own; the other organisation's message is untouched.
    expect(guessed).toMatchObject({ conversationId, delivery: 'sent', text: 'Hi' });
    expect(guessed!.id).not.toBe(theirs!.id);
    expect(unused).toMatchObject({ id: 'never-used', delivery: 'sent' });
    expect(await h.store.messages.get(theirs!.id)).toEqual(theirs);
  });

  it('the same Retry on two servers at once sends the message once', async () => {
    const h = await harness(env.standin);
    const otherServer = h.make();
    const conversationId = await customerWrites(h, T0 - HOUR);
    env.meta.sendAnswers.push({
      status: 400,
      json: metaError(200, undefined, 'Requires pages_messaging permission'),
    });
    await expect(h.channels.send(conversationId, { text: 'Hi', clientId: 'r-1' })).rejects.toThrow();
    const answers = await Promise.all([h.channels.retry('r-1'), otherServer.retry('r-1')]);
    // The failed send and one retry: the second claim found it pending and answered what is stored.
    expect(bodies().map((b) => b.message.metadata)).toEqual(['r-1', 'r-1']);
    expect(answers.map((m) => m.id)).toEqual(['r-1', 'r-1']);
    expect(await h.store.messages.get('r-1')).toMatchObject({ delivery: 'sent', mid: 'm_out_1' });
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

  it('refuses quick replies over Meta’s limits before recording or sending anything', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrites(h, T0 - HOUR);
    const before = (await h.store.messages.list(conversationId)).items.length;
    const quickReplies = [{ title: 'Talk to a human agent', payload: 'HUMAN' }];
    const error = await h.channels
      .send(conversationId, { text: 'Pick', quickReplies })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.path).toBe('quickReplies[0].title');
    const tooMany = Array.from({ length: 14 }, (_, i) => ({ title: `Option ${i}`, payload: `P${i}` }));
    await expect(
      h.channels.send(conversationId, { text: 'Pick', quickReplies: tooMany }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'quickReplies' })],
    });
    expect((await h.store.messages.list(conversationId)).items).toHaveLength(before);
    expect(env.meta.sent).toHaveLength(0);
  });
});

import { describe, expect, it } from 'vitest';
import { HumanAgentUnavailableError, ValidationError, WindowClosedError } from '../../errors.js';
import { evaluateWindow } from '../../evaluateWindow.js';
import { deserializeError, serializeError } from '../../transport.js';
import { customerWrites } from './channelsSetup.js';
import { customerWrote, harness, T0, useFakeMeta } from './fakeMeta.js';
import { metaError } from './graphStandin.js';

// Who is sending: an agent may use HUMAN_AGENT after 24 h, automation never; a refused tag turns the
// channel's Human Agent capability off and tells admins.

const HOUR = 60 * 60 * 1000;
const env = useFakeMeta();

describe('automation', () => {
  it('replies inside 24 h with RESPONSE, recorded as automation, without a persona', async () => {
    const h = await harness(env.standin, {
      channels: { agents: () => ({ name: 'Ana', avatarUrl: 'https://cdn.example/ana.png' }) },
    });
    const conversationId = await customerWrote(h, T0 - 23 * HOUR);
    const [message] = await h.channels.send(conversationId, {
      text: 'Your order shipped',
      author: { kind: 'automation', name: 'Order bot' },
    });
    expect(message).toMatchObject({
      delivery: 'sent',
      messagingType: 'RESPONSE',
      author: { kind: 'automation', name: 'Order bot' },
    });
    expect(message!.tag).toBeUndefined();
    const body = env.meta.sent[0]!.body as Record<string, unknown>;
    expect(body['messaging_type']).toBe('RESPONSE');
    expect(body['tag']).toBeUndefined();
    expect(body['persona_id']).toBeUndefined();
  });

  it('is refused after 24 h with WindowClosedError saying automation cannot reply; an agent still can', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrote(h, T0 - 30 * HOUR);
    const error = await h.channels
      .send(conversationId, { text: 'Auto reply', author: { kind: 'automation' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WindowClosedError);
    expect((error as Error).message).toMatch(/Automation cannot reply outside the 24-hour window/);
    expect((error as WindowClosedError).closedAt).toBe(T0 - 30 * HOUR + 24 * HOUR);
    expect(env.meta.sent).toHaveLength(0);
    const [agentReply] = await h.channels.send(conversationId, { text: 'Sorry!', agentId: 'agent-1' });
    expect(agentReply).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('exactly at 24 h automation is closed (the standard window is < 24 h)', () => {
    const w = evaluateWindow({
      lastInboundAt: 0,
      now: 24 * HOUR,
      platform: 'messenger',
      sender: 'automation',
    });
    expect(w).toMatchObject({ state: 'closed', messagingType: null, reason: { code: 'closed_automation' } });
    const before = evaluateWindow({
      lastInboundAt: 0,
      now: 24 * HOUR - 1,
      platform: 'instagram',
      sender: 'automation',
    });
    expect(before).toMatchObject({ state: 'standard', messagingType: 'RESPONSE', closesAt: 24 * HOUR });
    expect(before.tag).toBeUndefined();
    const late = evaluateWindow({
      lastInboundAt: 0,
      now: 8 * 24 * HOUR,
      platform: 'messenger',
      sender: 'automation',
    });
    expect(late.reason).toMatchObject({
      code: 'closed_automation',
      text: 'Automation cannot reply outside the 24-hour window; the customer must write first',
    });
    const noFeature = evaluateWindow({
      lastInboundAt: 0,
      now: 30 * HOUR,
      platform: 'messenger',
      sender: 'automation',
      humanAgent: false,
    });
    expect(noFeature.reason.text).toMatch(/^Automation cannot reply outside the 24-hour window/);
    expect(evaluateWindow({ lastInboundAt: 0, now: 30 * HOUR, platform: 'messenger' }).reason.code).toBe(
      'human_agent',
    );
  });

  it('a retry of an automation message after 24 h is refused, never tagged', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrote(h, T0 - 23 * HOUR);
    env.meta.sendAnswers.push({ status: 500, json: metaError(2, undefined, 'Service unavailable') });
    env.meta.sendAnswers.push({ status: 500, json: metaError(2, undefined, 'Service unavailable') });
    env.meta.sendAnswers.push({ status: 500, json: metaError(2, undefined, 'Service unavailable') });
    env.meta.sendAnswers.push({ status: 500, json: metaError(2, undefined, 'Service unavailable') });
    await expect(
      h.channels.send(conversationId, { text: 'Bot', clientId: 'bot-1', author: { kind: 'automation' } }),
    ).rejects.toThrow();
    env.meta.sendAnswers.length = 0;
    const sentBefore = env.meta.sent.length;
    h.clock.now = T0 + 2 * HOUR;
    await expect(h.channels.retry('bot-1')).rejects.toBeInstanceOf(WindowClosedError);
    expect(env.meta.sent).toHaveLength(sentBefore);
  });

  it('refuses a draft that is automation and names an agent', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrote(h, T0 - HOUR);
    await expect(
      h.channels.send(conversationId, { text: 'x', agentId: 'a1', author: { kind: 'automation' } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('Meta refuses the HUMAN_AGENT tag', () => {
  it('turns humanAgent off, tells admins, and fails the message with a typed reason', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrote(h, T0 - 30 * HOUR);
    const notices: unknown[] = [];
    h.channels.on('channel:capability', (notice) => notices.push(notice));
    const updates: boolean[] = [];
    h.inbox.on('channel:updated', ({ channel }) => updates.push(channel.settings.humanAgent));
    env.meta.sendAnswers.push({
      status: 403,
      json: metaError(200, undefined, 'The HUMAN_AGENT tag requires the Human Agent feature'),
    });
    const error = await h.channels
      .send(conversationId, { text: 'Late answer', clientId: 'late-1', agentId: 'agent-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HumanAgentUnavailableError);
    expect(error).toMatchObject({ code: 'human_agent_unavailable', graphCode: 200, retryable: false });
    expect(await h.store.messages.get('late-1')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'human_agent_unavailable', graphCode: 200, retryable: false },
    });
    expect((await h.channels.get('PAGE_1')).settings.humanAgent).toBe(false);
    expect(updates).toEqual([false]);
    expect(notices).toEqual([
      expect.objectContaining({
        capability: 'humanAgent',
        enabled: false,
        reason: expect.stringMatching(/Human Agent feature/),
      }),
    ]);
    // From now on the window is 24 h: the next reply is refused before any call.
    const calls = env.meta.sent.length;
    await expect(h.channels.send(conversationId, { text: 'again' })).rejects.toBeInstanceOf(
      WindowClosedError,
    );
    expect(env.meta.sent).toHaveLength(calls);
    // The typed reason survives the wire for the composer.
    const wire = deserializeError(serializeError(error as HumanAgentUnavailableError));
    expect(wire).toBeInstanceOf(HumanAgentUnavailableError);
  });

  it.each([
    [230, undefined, 'Permissions disallow message to user'],
    [10, 1893063, 'Page temporarily restricted from messaging'],
    [200, 2534041, 'Messaging access is disabled for this account'],
  ])(
    'a tagged reply refused with %i/%s (not the app) leaves the capability on for other customers',
    async (code, subcode, text) => {
      const h = await harness(env.standin);
      const ana = await customerWrites(h, T0 - 30 * HOUR, { psid: 'PSID_ANA' });
      const ben = await customerWrites(h, T0 - 30 * HOUR, { psid: 'PSID_BEN' });
      env.meta.sendAnswers.push({ status: 400, json: metaError(code, subcode, text) });
      await expect(h.channels.send(ana, { text: 'Sorry', agentId: 'agent-1' })).rejects.toMatchObject({
        code: 'permission_denied',
        graphCode: code,
      });
      expect((await h.channels.get('PAGE_1')).settings.humanAgent).toBe(true);
      await expect(h.channels.send(ben, { text: 'Sorry', agentId: 'agent-1' })).resolves.toEqual([
        expect.objectContaining({ delivery: 'sent', tag: 'HUMAN_AGENT' }),
      ]);
    },
  );

  it('a permission error on an untagged reply leaves the capability alone', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrote(h, T0 - HOUR);
    env.meta.sendAnswers.push({ status: 403, json: metaError(200, undefined, 'Requires pages_messaging') });
    await expect(h.channels.send(conversationId, { text: 'Hi' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    expect((await h.channels.get('PAGE_1')).settings.humanAgent).toBe(true);
  });
});

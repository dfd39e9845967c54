import { describe, expect, it } from 'vitest';
import type { Message } from '../../model.js';
import { isChecking } from '../../outcome.js';
import { testEvents } from '../../testing/events.js';
import { unrefTimer } from '../unrefTimer.js';
import { customerWrote, type Harness, harness, T0, useFakeMeta } from './fakeMeta.js';
import { metaError } from './graphStandin.js';

// Retrying a message whose outcome is unknown asks Meta first: the echo, then the Conversations
// API; it sends again only when Meta shows the message was not sent.

const HOUR = 60 * 60 * 1000;
const env = useFakeMeta();

async function timedOut(h: Harness, clientId: string, text: string) {
  const conversationId = await customerWrote(h, T0 - HOUR);
  env.meta.sendAnswers.push({ delayMs: 3000, json: { recipient_id: 'PSID_1', message_id: 'm_late' } });
  await expect(h.channels.send(conversationId, { text, clientId })).rejects.toMatchObject({
    code: 'outcome_unknown',
  });
  return conversationId;
}

/** Channels with real timers, so the echo wait really waits. */
function checking(h: Harness, echoWaitMs: number) {
  return h.make({ setTimer: unrefTimer, reconcile: { echoWaitMs, pollMs: 10 } });
}

function metaHas(messages: Array<{ id: string; text: string; from?: string; at?: number }>) {
  env.meta.history.conversations = [
    { id: 't_PSID_1', participants: { data: [{ id: 'PSID_1' }, { id: 'PAGE_1' }] } },
  ];
  env.meta.history.messages['t_PSID_1'] = messages.map((m) => ({
    id: m.id,
    created_time: new Date(m.at ?? T0).toISOString(),
    from: { id: m.from ?? 'PAGE_1' },
    to: { data: [{ id: m.from === 'PSID_1' ? 'PAGE_1' : 'PSID_1' }] },
    message: m.text,
  }));
}

function track(h: Harness, id: string) {
  const states: string[] = [];
  h.inbox.on('message:updated', ({ message }: { message: Message }) => {
    if (message.id === id) states.push(isChecking(message) ? 'checking' : message.delivery);
  });
  return states;
}

describe('retry of an unknown outcome', () => {
  it('waits for the echo: Meta had it, nothing is sent again', async () => {
    const h = await harness(env.standin);
    await timedOut(h, 'c-echo', 'Did it arrive?');
    const channels = checking(h, 2000);
    const states = track(h, 'c-echo');
    setTimeout(() => {
      void h.inbox.apply([
        testEvents.echo({
          pageId: 'PAGE_1',
          customerId: 'PSID_1',
          mid: 'm_late',
          metadata: 'c-echo',
          timestamp: T0 + 5,
        }),
      ]);
    }, 50);
    const retried = await channels.retry('c-echo');
    expect(retried).toMatchObject({ delivery: 'sent', mid: 'm_late' });
    expect(retried.failure).toBeUndefined();
    expect(states).toEqual(['checking', 'sent']);
    expect(env.meta.sent).toHaveLength(1);
  });

  it('without an echo, finds the message through the Conversations API and marks it sent', async () => {
    const h = await harness(env.standin);
    await timedOut(h, 'c-found', 'Your refund is on its way');
    metaHas([
      { id: 'm_found', text: 'Your refund is on its way', at: T0 + 1000 },
      { id: 'm_customer', text: 'Your refund is on its way', from: 'PSID_1', at: T0 + 2000 },
    ]);
    const states = track(h, 'c-found');
    const retried = await checking(h, 0).retry('c-found');
    expect(retried).toMatchObject({ delivery: 'sent', mid: 'm_found' });
    expect(states).toEqual(['checking', 'sent']);
    expect(env.meta.sent).toHaveLength(1);
    const lookups = env.standin.requests.filter((r) => r.method === 'GET' && r.path.includes('/'));
    expect(lookups.map((r) => r.path)).toEqual(['PAGE_1/conversations', 't_PSID_1/messages']);
    expect(lookups[0]!.query).toMatchObject({ user_id: 'PSID_1', platform: 'messenger' });
  });

  it('sends again, once, when Meta shows it was not sent', async () => {
    const h = await harness(env.standin);
    await timedOut(h, 'c-lost', 'Hello again');
    metaHas([{ id: 'm_other', text: 'Something else', at: T0 + 10 }]);
    const states = track(h, 'c-lost');
    const retried = await checking(h, 0).retry('c-lost');
    expect(retried).toMatchObject({ delivery: 'sent', mid: 'm_out_1' });
    expect(states).toEqual(['checking', 'pending', 'sent']);
    expect(env.meta.sent).toHaveLength(2);
  });

  it('never takes an earlier equal reply (its mid is another message’s) for the lost one', async () => {
    const h = await harness(env.standin);
    const conversationId = await timedOut(h, 'c-second', 'Thanks!');
    const [first] = await h.channels.send(conversationId, { text: 'Thanks!', clientId: 'c-first' });
    metaHas([{ id: first!.mid!, text: 'Thanks!', at: T0 + 10 }]);
    const retried = await checking(h, 0).retry('c-second');
    expect(retried.mid).not.toBe(first!.mid);
    expect(env.meta.sent).toHaveLength(3);
  });

  it('when Meta cannot be asked, stays outcome_unknown and sends nothing; force sends', async () => {
    const h = await harness(env.standin);
    await timedOut(h, 'c-unknown', 'Anyone?');
    env.meta.conversationsAnswers.push({
      status: 403,
      json: metaError(200, undefined, 'Requires pages_read_engagement'),
    });
    const channels = checking(h, 0);
    await expect(channels.retry('c-unknown')).rejects.toMatchObject({ code: 'permission_denied' });
    expect(await h.store.messages.get('c-unknown')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'outcome_unknown', retryable: true, graphCode: 200 },
    });
    expect(env.meta.sent).toHaveLength(1);
    expect(await channels.retry('c-unknown', { force: true })).toMatchObject({ delivery: 'sent' });
    expect(env.meta.sent).toHaveLength(2);
  });
});

describe('recovery at start', () => {
  it('createChannels marks old pending messages interrupted by default, and not when opted out', async () => {
    const h = await harness(env.standin);
    const conversationId = await customerWrote(h, T0 - HOUR);
    const record = (id: string) =>
      h.inbox.recordOutbound(conversationId, {
        id,
        text: id,
        attachments: [],
        author: { kind: 'agent' },
        messagingType: 'RESPONSE',
      });
    await record('old');
    h.clock.now = T0 + 3 * 60 * 1000;
    await record('recent'); // another live server may be sending this one
    h.make({ recoverPendingOnStart: false });
    expect((await h.store.messages.listPending()).map((m) => m.id)).toEqual(['old', 'recent']);
    const started = h.make({ recoverPendingOnStart: true });
    await started.idle();
    expect(await h.store.messages.get('old')).toMatchObject({
      delivery: 'failed',
      failure: { code: 'interrupted' },
    });
    expect((await h.store.messages.get('recent'))!.delivery).toBe('pending');
    // The second pass, once the age has passed, catches the rest.
    const pass = h.timers.find((t) => t.ms === 2 * 60 * 1000 && !t.cancelled)!;
    h.clock.now = T0 + 6 * 60 * 1000;
    pass.callback();
    await started.idle();
    expect((await h.store.messages.get('recent'))!.delivery).toBe('failed');
    started.close();
    expect(pass.cancelled).toBe(true);
  });
});

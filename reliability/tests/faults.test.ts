import { isPagedeskError, type Message } from '@pagedesk/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecorder } from '../src/recorder.js';
import { type Rig, startRig } from '../src/sendRig.js';

// Graph faults from the emulator through createChannels: every outbound message ends `sent` or
// `failed` with a typed reason; none is lost, none reaches the customer twice. A timeout after Meta
// received the send is reconciled by the echo (metadata = Pagedesk's message id) before `retry`.
// A restart between `pending` and `sent` leaves the message visible, never gone.

const rec = createRecorder('3-faults', 'Faults: Graph errors, unknown outcomes, restarts');
const SECRET = 'faults-app-secret-93e1';
// The Graph client's per-attempt timeout, and a latency beyond it: the emulator then accepts the send
// after the client gave up ("timeout after Meta received it"). Wide apart, so a busy CI machine does
// not turn ordinary calls into timeouts.
const CLIENT_TIMEOUT_MS = 1000;
const LATE_MS = 1800;
let rig: Rig;
/** Every message id a send or retry produced, to check the end state of all of them. */
const produced = new Set<string>();
const failureCodes = new Map<string, number>();
let refusedBeforeRecording = 0;

beforeAll(async () => {
  rig = await startRig({
    appSecret: SECRET,
    pageToken: 'EAAfaultsPageToken3001xyz',
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
});

afterAll(async () => {
  // The end state of every message, checked once more after all scenarios.
  const final = await Promise.all([...produced].map((id) => rig.message(id)));
  const lost = final.filter(
    (m) => !m || !['sent', 'delivered', 'read', 'failed'].includes(m.delivery),
  ).length;
  const duplicates = [...rig.acceptedById().values()].filter((n) => n > 1).length;
  rec.set('Messages sent', final.filter((m) => m && m.delivery !== 'failed').length);
  rec.set('Messages ended failed with a typed reason', final.filter((m) => m?.delivery === 'failed').length);
  rec.set('Messages lost', lost);
  rec.set('Duplicates sent to a customer', duplicates);
  rec.set('Sends refused before recording (typed error to the caller)', refusedBeforeRecording);
  rec.set('Failure reasons seen', [...failureCodes].map(([c, n]) => `${c}×${n}`).join(', '));
  rec.set('Graph calls made', rig.graphRequests.length);
  await rig.close();
  rec.flush();
});

async function send(conversationId: string, text: string): Promise<{ messages: Message[]; error?: unknown }> {
  const before = new Set(
    (await rig.store.messages.list(conversationId, { limit: 1000 })).items.map((m) => m.id),
  );
  try {
    const messages = await rig.channels.send(conversationId, { text });
    for (const m of messages) produced.add(m.id);
    return { messages };
  } catch (error) {
    expect(isPagedeskError(error), String(error)).toBe(true);
    const after = (await rig.store.messages.list(conversationId, { limit: 1000 })).items;
    const recorded = after.filter((m) => !before.has(m.id) && m.direction === 'outbound');
    for (const m of recorded) produced.add(m.id);
    if (recorded.length === 0) refusedBeforeRecording++;
    return { messages: recorded, error };
  }
}

/** The message ends sent (or later) or failed with a typed reason; never pending, never missing. */
async function expectSettled(id: string): Promise<Message> {
  const message = await rig.message(id);
  expect(message, `message ${id} is gone`).toBeDefined();
  expect(['sent', 'delivered', 'read', 'failed']).toContain(message!.delivery);
  if (message!.delivery === 'failed') {
    expect(typeof message!.failure?.code).toBe('string');
    expect(typeof message!.failure?.retryable).toBe('boolean');
    failureCodes.set(message!.failure!.code, (failureCodes.get(message!.failure!.code) ?? 0) + 1);
  }
  return message!;
}

function expectNoDuplicate() {
  for (const [id, n] of rig.acceptedById()) expect(n, `message ${id} was accepted ${n} times`).toBe(1);
}

describe('emulator fault matrix through createChannels', () => {
  it.each([
    ['transient 1200 (twice)', { transient1200: 2 }, 'sent'],
    ['HTTP 503 code 2 (twice)', { status5xx: 2 }, 'sent'],
    ['HTTP 503 code 2 beyond the retry limit', { status5xx: 5 }, 'failed'],
    [
      'rate limit 613 asking for a minute',
      { rateLimit: { count: 1, code: 613, retryAfterMinutes: 1 } },
      'failed',
    ],
    [
      'rate limit code 4 asking for a minute',
      { rateLimit: { count: 1, code: 4, retryAfterMinutes: 1 } },
      'failed',
    ],
    ['a timeout before Meta handled the call', { timeout: 1 }, 'failed'],
  ] as const)(
    '%s: sent once or failed with a typed reason, then retried once',
    async (name, faults, expected) => {
      const conversation = await rig.openConversation(`Customer ${name}`);
      rig.emulator.faults.set({ ...faults, scope: { path: '/messages' } });
      const { messages } = await send(conversation, `Reply under ${name}`);
      rig.emulator.faults.clear();
      expect(messages).toHaveLength(1);
      const message = await expectSettled(messages[0]!.id);
      expect(message.delivery === 'failed' ? 'failed' : 'sent').toBe(expected);
      rec.add('Faults injected');
      if (message.delivery === 'failed') {
        // Nothing reached Meta, so nothing echoes: the retry sends it, once.
        await rig.emulator.webhooks.idle();
        const retried = await rig.channels.retry(message.id);
        expect(retried.delivery).toBe('sent');
        rec.add('Retries after a failure');
      }
      expectNoDuplicate();
      rec.case(
        `${name}: ${message.delivery}${message.failure ? ` (${message.failure.code})` : ''}, then ${message.delivery === 'failed' ? 'retry → sent' : 'no retry needed'}`,
      );
    },
  );

  it('a timeout after Meta received the send is reconciled by the echo: retry does not resend', async () => {
    const conversation = await rig.openConversation('Customer unknown outcome');
    // The emulator waits longer than the client's 400 ms timeout, then accepts the send and echoes it.
    rig.emulator.faults.set({ latencyMs: LATE_MS, scope: { path: '/messages' } });
    const { messages, error } = await send(conversation, 'Did this reach you?');
    expect(error).toMatchObject({ code: 'outcome_unknown' });
    const id = messages[0]!.id;
    expect((await rig.message(id))!.failure?.code).toBe('outcome_unknown');
    rig.emulator.faults.clear();
    await rig.emulator.waitFor(() => rig.acceptedById().get(id), 5000);
    await rig.emulator.webhooks.idle();
    const reconciled = await expectSettled(id);
    expect(reconciled.delivery).toBe('sent');
    expect(reconciled.mid).toBe(rig.emulator.sent('3001').find((s) => s.metadata === id)!.mid);
    const retried = await rig.channels.retry(id);
    expect(retried.delivery).toBe('sent');
    expect(rig.acceptedById().get(id)).toBe(1);
    expectNoDuplicate();
    rec.add('Faults injected');
    rec.add('Unknown outcomes reconciled by echo');
    rec.case(
      `timeout after Meta accepted the send (latency ${LATE_MS} ms > client timeout ${CLIENT_TIMEOUT_MS} ms): failed outcome_unknown → echo with metadata → sent; retry() sends nothing`,
    );
  });

  it('a token revoked mid-run: later sends fail typed or are refused, the channel flips, nothing is lost', async () => {
    const conversation = await rig.openConversation('Customer revoked');
    const first = await send(conversation, 'Before the revocation');
    expect(first.messages[0]!.delivery).toBe('sent');
    rig.emulator.tokens.revoke('3001', 'password_changed');
    const second = await send(conversation, 'After the revocation');
    expect(second.error).toMatchObject({ name: 'TokenError' });
    await expectSettled(second.messages[0]!.id);
    expect((await rig.channels.get('3001')).status).not.toBe('active');
    const third = await send(conversation, 'While revoked');
    expect(third.error).toBeDefined();
    expect(isPagedeskError(third.error)).toBe(true);
    rec.add('Faults injected');
    // Reconnect (a new Page token), then the failed reply goes out once.
    rig.emulator.tokens.reissue('3001');
    await rig.channels.reauthorize('3001', rig.emulator.userToken);
    const retried = await rig.channels.retry(second.messages[0]!.id);
    expect(retried.delivery).toBe('sent');
    expectNoDuplicate();
    rec.case(
      'token revoked (190/460) mid-run: the send fails token_*, the channel leaves active, later sends are refused with a typed error; after reauthorize the retry sends once',
    );
  });

  it('random fault sequences over many sends: every message settles, none is sent twice', async () => {
    const conversations = [] as string[];
    for (let i = 0; i < 4; i++) conversations.push(await rig.openConversation(`Random customer ${i}`));
    const faultArb = fc.oneof(
      fc.constant({}),
      fc.record({ transient1200: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ status5xx: fc.integer({ min: 1, max: 4 }) }),
      fc.record({
        rateLimit: fc.record({
          count: fc.constant(1),
          code: fc.constantFrom(4, 17, 32, 613),
          retryAfterMinutes: fc.constant(1),
        }),
      }),
      fc.record({ timeout: fc.constant(1) }),
      fc.record({ latencyMs: fc.constant(LATE_MS) }),
    );
    const plan = fc.sample(fc.tuple(fc.nat(3), faultArb, fc.boolean()), { numRuns: 24, seed: 9_4001 });
    for (const [index, [which, faults, retryLater]] of plan.entries()) {
      const conversation = conversations[which]!;
      rig.emulator.faults.set({ ...faults, scope: { path: '/messages' } });
      const { messages } = await send(conversation, `Random reply ${index}`);
      rig.emulator.faults.clear();
      rec.add('Faults injected', Object.keys(faults).length ? 1 : 0);
      await rig.emulator.webhooks.idle();
      for (const m of messages) {
        const settled = await expectSettled(m.id);
        if (settled.delivery === 'failed' && retryLater) {
          // An unknown outcome may still be confirmed by a late echo: wait for the emulator to settle.
          if (settled.failure?.code === 'outcome_unknown')
            await new Promise((r) => setTimeout(r, LATE_MS - CLIENT_TIMEOUT_MS + 300));
          await rig.emulator.webhooks.idle();
          const retried = await rig.channels.retry(m.id);
          expect(retried.delivery).toBe('sent');
          rec.add('Retries after a failure');
        }
      }
      expectNoDuplicate();
    }
    rec.case(
      '24 sends over 4 conversations with random faults (1200, 503, rate limits 4/17/32/613, timeouts, latency beyond the client timeout), half retried',
    );
  });
});

/** Polls (bounded) until the conversation has a pending outbound message. */
async function pendingOf(conversationId: string, send: Promise<unknown>): Promise<Message> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const { items } = await rig.store.messages.list(conversationId, { limit: 100 });
    const found = items.find((m) => m.direction === 'outbound' && m.delivery === 'pending');
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `no pending message; the send ended with ${String(await Promise.race([send, 'nothing yet']))}`,
  );
}

describe('restart between pending and sent', () => {
  it('a send interrupted by a restart stays visible (failed interrupted), and is sent once on retry', async () => {
    const conversation = await rig.openConversation('Customer restart');
    const oldChannels = rig.channels;
    // The first process hangs in the Send API call (Meta never answers)...
    rig.emulator.faults.set({ timeout: 1, scope: { path: '/messages' } });
    const hanging = oldChannels
      .send(conversation, { text: 'Sent just before the crash' })
      .catch((e: unknown) => e);
    const pending = await pendingOf(conversation, hanging);
    expect(pending!.delivery).toBe('pending');
    produced.add(pending!.id);
    // ...and the process dies: a new one starts over the same store.
    oldChannels.close();
    const channels = rig.restart();
    const recovered = await channels.recoverPending();
    expect(recovered.map((m) => m.id)).toContain(pending!.id);
    const visible = await rig.message(pending!.id);
    expect(visible).toMatchObject({ delivery: 'failed', failure: { code: 'interrupted', retryable: true } });
    const listed = (await rig.store.messages.list(conversation, { limit: 100 })).items.map((m) => m.id);
    expect(listed).toContain(pending!.id);
    await hanging; // the dead process's call times out; it must not undo the recovery
    rig.emulator.faults.clear();
    const retried = await channels.retry(pending!.id);
    expect(retried.delivery).toBe('sent');
    expectNoDuplicate();
    rec.add('Restarts between pending and sent');
    rec.case(
      'restart while the Send API call hangs: recoverPending() marks it failed interrupted, it stays listed, retry sends it once',
    );
  });

  it('a restart after Meta accepted the send: the echo confirms it, and retry does not resend', async () => {
    const conversation = await rig.openConversation('Customer restart accepted');
    const oldChannels = rig.channels;
    rig.emulator.faults.set({ latencyMs: LATE_MS, scope: { path: '/messages' } });
    const inFlight = oldChannels
      .send(conversation, { text: 'Accepted while we restarted' })
      .catch((e: unknown) => e);
    const pending = await pendingOf(conversation, inFlight);
    produced.add(pending!.id);
    oldChannels.close();
    const channels = rig.restart();
    await channels.recoverPending();
    expect((await rig.message(pending!.id))!.delivery).toBe('failed');
    await inFlight;
    rig.emulator.faults.clear();
    await rig.emulator.waitFor(() => rig.acceptedById().get(pending!.id), 5000);
    await rig.emulator.webhooks.idle();
    expect((await rig.message(pending!.id))!.delivery).toBe('sent');
    await channels.retry(pending!.id);
    expect(rig.acceptedById().get(pending!.id)).toBe(1);
    rec.add('Restarts between pending and sent');
    rec.case(
      'restart while Meta is accepting the send: recovered as failed interrupted, the echo (metadata) turns it sent, retry sends nothing',
    );
  });
});

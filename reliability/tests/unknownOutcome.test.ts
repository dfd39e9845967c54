import { isChecking, type Message, type MessengerEvent } from '@pagedesk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecorder } from '../src/recorder.js';
import { type Rig, startRig } from '../src/sendRig.js';

// Retry before the echo. Meta accepted a part, the answer timed out, and the agent pressed Retry at
// once, before the echo came: the retry checks with Meta (the echo, then the Conversations API)
// and sends again only when Meta shows the message was not sent. The customer gets it exactly once.

const rec = createRecorder('8-unknown-outcomes', 'Unknown outcomes: retry before the echo');
const SECRET = 'unknown-outcome-secret-5d2a';
// The Graph client's per-attempt timeout, and a latency beyond it: the emulator takes the message
// after the client gave up. The echo wait (from the moment the outcome became unknown) outlasts it.
const CLIENT_TIMEOUT_MS = 1000;
const LATE_MS = 1800;
const ECHO_WAIT_MS = 1500;
let rig: Rig;
const produced = new Set<string>();
const checkingMs: number[] = [];

beforeAll(async () => {
  rig = await startRig({
    appSecret: SECRET,
    pageToken: 'EAAunknownOutcomePageToken77',
    timeoutMs: CLIENT_TIMEOUT_MS,
    channels: { reconcile: { echoWaitMs: ECHO_WAIT_MS, pollMs: 25 } },
  });
});

afterAll(async () => {
  const final = await Promise.all([...produced].map((id) => rig.message(id)));
  const received = [...produced].map((id) => rig.acceptedById().get(id) ?? 0);
  rec.set('Retries pressed before the echo', produced.size);
  rec.set('Customer received exactly once', received.filter((n) => n === 1).length);
  rec.set('Duplicates sent to a customer', received.filter((n) => n > 1).length);
  rec.set('Messages lost', received.filter((n) => n === 0).length + final.filter((m) => !m).length);
  rec.set('Messages sent', final.filter((m) => m && m.delivery !== 'failed').length);
  rec.set('Longest "checking" state', Math.max(0, ...checkingMs), 'ms');
  rec.set('Echo wait bound', ECHO_WAIT_MS, 'ms');
  await rig.close();
  rec.flush();
});

/** A send whose answer times out: the typed error, and the id of the recorded message. */
async function timedOutSend(conversationId: string, text: string): Promise<string> {
  const before = new Set(
    (await rig.store.messages.list(conversationId, { limit: 100 })).items.map((m) => m.id),
  );
  const error = await rig.channels.send(conversationId, { text }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'outcome_unknown' });
  const after = (await rig.store.messages.list(conversationId, { limit: 100 })).items;
  const recorded = after.find((m) => !before.has(m.id) && m.direction === 'outbound')!;
  expect(recorded).toMatchObject({ delivery: 'failed', failure: { code: 'outcome_unknown' } });
  produced.add(recorded.id);
  return recorded.id;
}

/** Presses Retry at once; returns the result and whether "checking" was shown meanwhile. */
async function retryNow(id: string): Promise<{ message: Message; sawChecking: boolean }> {
  let sawChecking = false;
  const off = rig.inbox.on('message:updated', ({ message }) => {
    if (message.id === id && isChecking(message)) sawChecking = true;
  });
  const started = performance.now();
  try {
    const message = await rig.channels.retry(id);
    checkingMs.push(Math.round(performance.now() - started));
    return { message, sawChecking };
  } finally {
    off();
  }
}

/** Holds echoes back until `release()`: the echo is late, past the wait bound. */
function holdEchoes() {
  const inbox = rig.inbox;
  const apply = inbox.apply.bind(inbox);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  inbox.apply = (events: ReadonlyArray<MessengerEvent>) =>
    events.some((e) => e.kind === 'echo') ? gate.then(() => apply(events)) : apply(events);
  return () => {
    release();
    inbox.apply = apply;
  };
}

describe('retry before the echo', () => {
  it('Meta accepted, the answer timed out, Retry at once: the echo settles it; sent once', async () => {
    const conversation = await rig.openConversation('Customer echo');
    rig.emulator.faults.set({ latencyMs: LATE_MS, scope: { path: '/messages' } });
    const id = await timedOutSend(conversation, 'Your parcel left the warehouse');
    rig.emulator.faults.clear();
    expect(rig.acceptedById().get(id)).toBeUndefined(); // Meta is still working on it
    const { message, sawChecking } = await retryNow(id);
    expect(sawChecking).toBe(true);
    expect(message.delivery).toBe('sent');
    expect(message.mid).toBe(rig.emulator.sent('3001').find((s) => s.metadata === id)!.mid);
    expect(rig.acceptedById().get(id)).toBe(1);
    rec.add('Settled by the echo');
    rec.case(
      `answer timed out (${CLIENT_TIMEOUT_MS} ms) while Meta took the message (${LATE_MS} ms); Retry pressed before the echo → "checking" → the echo arrives within ${ECHO_WAIT_MS} ms → sent, received once`,
    );
  });

  it('the echo is late too: the Conversations API shows the message; sent once, with Meta’s mid', async () => {
    const conversation = await rig.openConversation('Customer late echo');
    const release = holdEchoes();
    try {
      rig.emulator.faults.set({ latencyMs: LATE_MS, scope: { path: '/messages' } });
      const id = await timedOutSend(conversation, 'We refunded your order');
      rig.emulator.faults.clear();
      const { message, sawChecking } = await retryNow(id);
      expect(sawChecking).toBe(true);
      expect(message.delivery).toBe('sent');
      expect(message.mid).toBe(rig.emulator.sent('3001').find((s) => s.metadata === id)!.mid);
      expect(rig.acceptedById().get(id)).toBe(1);
      expect(rig.graphRequests.some((line) => line.includes('/conversations?'))).toBe(true);
    } finally {
      release();
    }
    await rig.emulator.webhooks.idle();
    rec.add('Settled by the Conversations API lookup');
    rec.case(
      `same, but the echo held back past the ${ECHO_WAIT_MS} ms bound: the Conversations API (user_id, then the thread's messages) shows the message → sent with Meta's mid, received once`,
    );
  });

  it('Meta never took it (the call hung): the check finds nothing and the retry sends it once', async () => {
    const conversation = await rig.openConversation('Customer lost');
    rig.emulator.faults.set({ timeout: 1, scope: { path: '/messages' } });
    const id = await timedOutSend(conversation, 'Is this the right address?');
    rig.emulator.faults.clear();
    const { message, sawChecking } = await retryNow(id);
    expect(sawChecking).toBe(true);
    expect(message.delivery).toBe('sent');
    expect(rig.acceptedById().get(id)).toBe(1);
    rec.add('Re-sent after Meta showed it was not sent');
    rec.case(
      'the call hung and Meta never took the message: Retry → "checking" → not in the thread → sent again, received once',
    );
  });
});

import { createInbox, memoryStore } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { createWebhook } from '@pagedesk/node-webhook';
import { afterAll, describe, expect, it } from 'vitest';
import { listen, messengerMessage, PAGE_ID } from '../src/harness.js';
import { createRecorder } from '../src/recorder.js';

// Found by the fuzzer (webhook.fuzz.test.ts), fixed in parseWebhook since: parseWebhook handed over
// events that the inbox's own validation refuses. With the documented wiring `onEvents: (events) => inbox.apply(events)`, one
// such event fails its whole batch with a 500 on every redelivery, which is what the node-webhook
// README promises never happens ("one event with a wrong field ... does not fail the batch: it is
// handed over as an `unknown` event ... and reported to onError"). Meta retries the batch for an hour
// and then unsubscribes the page.

const SECRET = 'contract-app-secret';
const NOW = Date.UTC(2026, 10, 5);
const rec = createRecorder('0-findings', 'Findings: bugs this suite found (now regression tests)');
afterAll(() => rec.flush());

async function deliverBatch(items: unknown[], changes?: unknown[]) {
  const store = memoryStore();
  const inbox = createInbox({ store });
  const reported: string[] = [];
  const webhook = createWebhook({
    appSecret: SECRET,
    verifyToken: 'v',
    onEvents: (events) => inbox.apply(events),
    onError: (error, context) => void reported.push(`${context.phase}: ${error.message}`),
  });
  const srv = await listen((req, res) => webhook.node(req, res));
  try {
    const body = JSON.stringify({
      object: 'page',
      entry: [{ id: PAGE_ID, time: NOW, messaging: items, ...(changes ? { changes } : {}) }],
    });
    const response = await fetch(`${srv.url}/webhook`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, SECRET) },
    });
    return { status: response.status, text: await response.text(), store, reported };
  } finally {
    await srv.close();
  }
}

describe('parser and inbox agree on what a valid event is', () => {
  it('a message item without a sender does not fail the batch', async () => {
    rec.case(
      'FIXED (commit ad1af77): a messaging item without `sender` used to become a `message` event with customerId null that Inbox.apply refused, failing the batch with a 500 on every redelivery; now an `unknown` event reported to onError',
    );
    const result = await deliverBatch([
      messengerMessage('psid-ok', 'm_ok', 'a valid message', NOW),
      { recipient: { id: PAGE_ID }, timestamp: NOW + 1, message: { mid: 'm_nosender', text: 'who am I' } },
    ]);
    expect(await result.store.messages.getByMid(PAGE_ID, 'm_ok')).toBeDefined();
    expect(result.reported.some((r) => r.startsWith('payload'))).toBe(true);
    expect(result.status).toBe(200);
  });

  it('a feed comment without `from` does not fail the batch', async () => {
    rec.case(
      'FIXED (commit ad1af77): a feed comment without `from` used to become a `comment` event with from.id "" that Inbox.apply refused; now an `unknown` event',
    );
    const result = await deliverBatch(
      [messengerMessage('psid-ok', 'm_ok2', 'a valid message', NOW)],
      [
        {
          field: 'feed',
          value: {
            item: 'comment',
            verb: 'add',
            comment_id: '1_9',
            post_id: '1_1',
            message: 'anonymous',
            created_time: NOW / 1000,
          },
        },
      ],
    );
    expect(await result.store.messages.getByMid(PAGE_ID, 'm_ok2')).toBeDefined();
    expect(result.status).toBe(200);
  });

  it('empty mids, sender ids and comment ids do not fail the batch', async () => {
    rec.case(
      `FIXED (commit ea984db): the 100,000-body fuzz run found items the parser emitted as events the inbox refuses (an empty mid, sender id or comment id, a time that is not a finite number, a comment action outside add/edit/remove), each failing its delivery with a 500 on every redelivery; the parser now runs the inbox's own check (core's validateEvent) on every event and keeps a failing one as \`unknown\``,
    );
    const result = await deliverBatch(
      [
        messengerMessage('psid-ok', 'm_ok4', 'a valid message', NOW),
        {
          sender: { id: 'psid-2' },
          recipient: { id: PAGE_ID },
          timestamp: NOW,
          message: { mid: '', text: 'x' },
        },
        {
          sender: { id: '' },
          recipient: { id: PAGE_ID },
          timestamp: NOW,
          message: { mid: 'm_x', text: 'x' },
        },
        {
          sender: { id: 'psid-3' },
          recipient: { id: PAGE_ID },
          timestamp: NOW,
          reaction: { mid: '', action: 'react', reaction: 'like' },
        },
      ],
      [
        {
          field: 'feed',
          value: {
            item: 'comment',
            verb: 'add',
            comment_id: '',
            post_id: '1_1',
            from: { id: 'u1' },
            created_time: NOW / 1000,
          },
        },
      ],
    );
    expect(result.status, result.text).toBe(200);
    expect(await result.store.messages.getByMid(PAGE_ID, 'm_ok4')).toBeDefined();
    expect(
      result.reported.filter((r) => r.startsWith('payload')),
      result.reported.join('\n'),
    ).toHaveLength(4);
  });

  it('the same batch without the broken item is accepted (the two tests above are about that item alone)', async () => {
    const result = await deliverBatch([messengerMessage('psid-ok', 'm_ok3', 'a valid message', NOW)]);
    expect(result.status).toBe(200);
    expect(await result.store.messages.getByMid(PAGE_ID, 'm_ok3')).toBeDefined();
  });
});

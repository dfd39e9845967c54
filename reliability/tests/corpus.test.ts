import { readFileSync } from 'node:fs';
import { createInbox, type MessengerEvent, memoryStore } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { createWebhook, type WebhookErrorContext } from '@pagedesk/node-webhook';
import { afterAll, describe, expect, it } from 'vitest';
import { listen } from '../src/harness.js';
import { createRecorder } from '../src/recorder.js';

// The real-world corpus (node-webhook's fixtures/real-world: bodies from public SDK test suites and
// helpdesk fixtures, each with its source and license) through the whole door: signed, POSTed over
// HTTP to createWebhook, applied to a real inbox. Every customer message and comment the manifest
// expects (written by hand from each payload) must be stored: none dropped for an odd attachment or an
// unknown field.

const SECRET = 'corpus-app-secret-7d1e';
const dir = new URL('../../packages/node-webhook/src/__tests__/fixtures/real-world/', import.meta.url);

interface Manifest {
  sources: Record<string, { repository: string; license: string }>;
  payloads: Array<{
    file: string;
    source: string;
    events: Array<{ kind: string; id?: string; customerId?: string | null }>;
  }>;
}

const manifest = JSON.parse(readFileSync(new URL('sources.json', dir), 'utf8')) as Manifest;
// What becomes a stored message: a customer's or the page's direct message, and a customer's new
// comment (the page's own comments, and edits or removals of comments never seen, change nothing).
const STORED_KINDS = new Set(['message', 'echo']);
const isStored = (e: { kind: string; id?: string; customerId?: string | null }) =>
  STORED_KINDS.has(e.kind) ||
  (e.kind === 'comment' && e.customerId != null && (e.id === undefined || e.id.includes(':add:')));

const rec = createRecorder('9-corpus', 'Real-world webhook corpus through the webhook and the inbox');
afterAll(() => rec.flush());

describe('real-world corpus', () => {
  it('answers 200 to every payload and stores every message and comment it holds', async () => {
    // Each payload is its own delivery from its own project (fixtures reuse the same mids on different
    // pages), so each lands in a fresh inbox.
    let store = memoryStore();
    let inbox = createInbox({ store });
    let handed: MessengerEvent[] = [];
    const reported: string[] = [];
    let landed = 0;
    let stored = 0;
    let events = 0;
    const webhook = createWebhook({
      appSecret: SECRET,
      verifyToken: 'corpus',
      // Payloads of different sources reuse ids: each is its own delivery, so dedupe is off here.
      dedupe: false,
      onEvents: async (events) => {
        handed.push(...events);
        await inbox.apply(events);
      },
      onError: (error, context: WebhookErrorContext) => {
        if (context.phase !== 'lenient' && context.phase !== 'payload') reported.push(error.message);
      },
    });
    const server = await listen(webhook.node);
    let expectedStored = 0;
    let answered200 = 0;
    try {
      for (const payload of manifest.payloads) {
        store = memoryStore();
        inbox = createInbox({ store });
        handed = [];
        const body = readFileSync(new URL(payload.file, dir), 'utf8');
        const response = await fetch(`${server.url}/webhook`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-hub-signature-256': signWebhookBody(body, SECRET),
          },
          body,
        });
        expect(response.status, payload.file).toBe(200);
        answered200++;
        expectedStored += payload.events.filter(isStored).length;
        events += handed.length;
        for (const event of handed) {
          if (!isStored(event.kind === 'comment' && event.action !== 'add' ? { kind: 'edit' } : event))
            continue;
          landed++;
          const mid = event.kind === 'comment' ? event.commentId : (event as { mid: string }).mid;
          if (await store.messages.getByMid(event.pageId, mid)) stored++;
          else reported.push(`${payload.file}: ${event.kind} ${mid} not stored`);
        }
      }
    } finally {
      await server.close();
    }
    expect(reported.join('\n')).toBe('');
    expect(landed).toBe(expectedStored);
    expect(stored).toBe(landed);
    rec.set('payloads', manifest.payloads.length);
    rec.set('independent public sources (beyond Meta’s pages)', Object.keys(manifest.sources).length - 1);
    rec.set('answered 200', answered200);
    rec.set('events handed to the inbox', events);
    rec.set('messages and comments expected by the manifest', expectedStored);
    rec.set('messages and comments stored', stored);
    rec.set('dropped', landed - stored);
    rec.case(
      `${manifest.payloads.length} payloads from ${Object.keys(manifest.sources).length} sources (${[
        ...new Set(Object.values(manifest.sources).map((s) => s.license)),
      ].join(', ')}), signed and POSTed over HTTP, applied to a memory-store inbox`,
    );
  });
});

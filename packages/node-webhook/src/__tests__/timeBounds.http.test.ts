import { createServer } from 'node:http';
import type { PagedeskError } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type CreateWebhookOptions, createWebhook, type WebhookErrorContext } from '../createWebhook.js';
import type { DedupeStore } from '../dedupe.js';
import { envelope, messenger } from './fixtures/payloads.js';
import { listen } from './helpers.js';

// Meta wants an answer within seconds: a stalled dedupe store or handler must not hold it up. Each
// test runs the webhook on node:http over 127.0.0.1 and times the answer.

const appSecret = 'test-app-secret';
const verifyToken = 'verify-me';
const never = () => new Promise<never>(() => {});
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function start(options: Partial<CreateWebhookOptions>) {
  const handed: string[][] = [];
  const errors: Array<{ code: string; phase: WebhookErrorContext['phase'] }> = [];
  const webhook = createWebhook({
    appSecret,
    verifyToken,
    onEvents: (events) => {
      handed.push(events.map((e) => e.id));
    },
    onError: (error: PagedeskError, context) => errors.push({ code: error.code, phase: context.phase }),
    ...options,
  });
  const server = await listen(createServer(webhook.node));
  closers.push(server.close);
  const post = async (items: unknown[]) => {
    const payload = JSON.stringify(envelope('page', items));
    const started = performance.now();
    const res = await fetch(`${server.url}/webhook`, {
      method: 'POST',
      body: payload,
      headers: { 'x-hub-signature-256': signWebhookBody(payload, appSecret) },
    });
    await res.text();
    return { status: res.status, ms: performance.now() - started };
  };
  return { handed, errors, post };
}

describe('time bounds of a delivery', () => {
  it('a stalled dedupe store is skipped after dedupeTimeoutMs for the whole batch (fail open)', async () => {
    const lookups: string[] = [];
    const stalled: DedupeStore = {
      seen: (id) => {
        lookups.push(id);
        return never();
      },
      mark: () => never(),
    };
    const h = await start({ dedupe: stalled, dedupeTimeoutMs: 100 });
    const answer = await h.post([messenger.text, messenger.read]);
    expect(answer.status).toBe(200);
    // One budget for the lookups and one for marking, not one per event.
    expect(answer.ms).toBeLessThan(1000);
    expect(lookups).toHaveLength(1);
    expect(h.handed.map((ids) => ids.length)).toEqual([2]);
    expect(h.errors).toEqual([
      { code: 'dedupe_timeout', phase: 'dedupe' },
      { code: 'dedupe_timeout', phase: 'dedupe' },
    ]);
  });

  it('a handler that does not settle within handlerTimeoutMs answers 503, and the retry is handed over', async () => {
    let calls = 0;
    const claims = new Set<string>();
    const released: string[] = [];
    const h = await start({
      handlerTimeoutMs: 150,
      dedupe: {
        seen: async (id) => {
          if (claims.has(id)) return true;
          claims.add(id);
          return false;
        },
        mark: async () => {},
        release: async (ids) => {
          for (const id of ids) {
            claims.delete(id);
            released.push(id);
          }
        },
      },
      onEvents: () => (++calls === 1 ? never() : undefined),
    });
    const first = await h.post([messenger.text]);
    expect(first.status).toBe(503);
    expect(first.ms).toBeLessThan(1000);
    expect(released).toHaveLength(1);
    expect(h.errors).toEqual([{ code: 'handler_timeout', phase: 'handler' }]);
    const retry = await h.post([messenger.text]);
    expect(retry.status).toBe(200);
    expect(calls).toBe(2);
  });

  it('retries arriving together on one server share the budget: each is answered in time', async () => {
    let calls = 0;
    // A budget wide enough that the three copies arrive within it even on a loaded machine.
    const h = await start({
      handlerTimeoutMs: 1000,
      dedupeTimeoutMs: 50,
      onEvents: () => {
        calls++;
        return never();
      },
    });
    const answers = await Promise.all([
      h.post([messenger.text]),
      h.post([messenger.text]),
      h.post([messenger.text]),
    ]);
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
    for (const answer of answers) expect(answer.ms).toBeLessThan(3000);
    // Each copy is handed over at most once (whether a copy joins the first hand-off or starts its own
    // depends on when its body finished arriving).
    expect(calls).toBeLessThanOrEqual(3);
    expect(calls).toBeGreaterThanOrEqual(1);
  });

  it('a handler that fails after its bound is still reported', async () => {
    let fail!: (error: Error) => void;
    const h = await start({
      handlerTimeoutMs: 50,
      onEvents: () =>
        new Promise((_, reject) => {
          fail = reject;
        }),
    });
    expect((await h.post([messenger.text])).status).toBe(503);
    fail(new Error('database gone'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.errors.map((e) => e.code)).toEqual(['handler_timeout', 'handler_failed']);
  });

  it('rejects bounds that are not positive integers', () => {
    expect(() => createWebhook({ appSecret, verifyToken, onEvents: () => {}, dedupeTimeoutMs: 0 })).toThrow(
      /dedupeTimeoutMs/,
    );
    expect(() =>
      createWebhook({ appSecret, verifyToken, onEvents: () => {}, handlerTimeoutMs: 1.5 }),
    ).toThrow(/handlerTimeoutMs/);
  });
});

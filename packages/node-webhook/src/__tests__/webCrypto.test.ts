import { isPagedeskErrorCode, type MessengerEvent, type PagedeskError } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebhookErrorContext } from '../createWebhook.js';
import { envelope, messenger } from './fixtures/payloads.js';

// The Web Crypto path, on Node with node:crypto hidden: `process.getBuiltinModule('node:crypto')` answers
// nothing, as on Next's edge runtime and Workers without nodejs_compat (workerd.test.ts runs the same
// on workerd itself). The modules are loaded afresh for each path.

const secret = 'app-secret-0123456789abcdef';
const oldSecret = 'old-secret';
const body = JSON.stringify(envelope('page', [messenger.text]));
const sign = (payload: string | Uint8Array, key = secret, algorithm: 'sha256' | 'sha1' = 'sha256') =>
  signWebhookBody(payload, key, algorithm);

type NodeModuleProcess = typeof process & { getBuiltinModule(id: string): unknown };

async function load(hideNodeCrypto: boolean) {
  vi.resetModules();
  if (hideNodeCrypto) {
    const proc = process as NodeModuleProcess;
    const real = proc.getBuiltinModule.bind(proc);
    vi.spyOn(proc, 'getBuiltinModule').mockImplementation((id: string) =>
      id === 'node:crypto' || id === 'crypto' ? undefined : real(id),
    );
  }
  const signature = await import('../signature.js');
  const { createWebhook } = await import('../createWebhook.js');
  const runtime = await import('../runtimeCrypto.js');
  return { ...signature, createWebhook, runtime };
}

afterEach(() => {
  vi.resetModules();
});

describe.each([
  ['node:crypto', false],
  ['Web Crypto (node:crypto hidden)', true],
])('verifySignatureAsync on %s', (_name, hidden) => {
  it('uses the expected implementation', async () => {
    const { runtime } = await load(hidden);
    expect(runtime.nodeCrypto === undefined).toBe(hidden);
  });

  it('accepts the exact bytes as Buffer, Uint8Array or string, and any secret of a rotation', async () => {
    const { verifySignatureAsync } = await load(hidden);
    const bytes = new TextEncoder().encode(body);
    expect(await verifySignatureAsync(body, sign(body), secret)).toBe(true);
    expect(await verifySignatureAsync(bytes, sign(body), secret)).toBe(true);
    expect(await verifySignatureAsync(Buffer.from(body), sign(body), secret)).toBe(true);
    // A Buffer that is a slice of a larger pool: only its own bytes count.
    const pooled = Buffer.from(`xx${body}yy`).subarray(2, 2 + Buffer.byteLength(body));
    expect(await verifySignatureAsync(pooled, sign(body), secret)).toBe(true);
    expect(await verifySignatureAsync(body, sign(body, oldSecret), [secret, oldSecret])).toBe(true);
  });

  it('refuses a wrong, altered, malformed, missing or (by default) sha1 signature', async () => {
    const { verifySignatureAsync, assertSignatureAsync, SignatureError } = {
      ...(await load(hidden)),
      ...(await import('../errors.js')),
    };
    expect(await verifySignatureAsync(body, sign(body, 'other'), secret)).toBe(false);
    expect(await verifySignatureAsync(`${body} `, sign(body), secret)).toBe(false);
    expect(await verifySignatureAsync(body, sign(body).toUpperCase(), secret)).toBe(false);
    expect(await verifySignatureAsync(body, null, secret)).toBe(false);
    expect(await verifySignatureAsync(body, sign(body, secret, 'sha1'), secret)).toBe(false);
    expect(await verifySignatureAsync(body, sign(body, secret, 'sha1'), secret, { legacySha1: true })).toBe(
      true,
    );
    const rejection = await assertSignatureAsync(body, sign(body, 'other'), secret).catch((e) => e);
    expect(rejection).toBeInstanceOf(SignatureError);
    expect((rejection as InstanceType<typeof SignatureError>).reason).toBe('mismatch');
  });
});

describe('without node:crypto', () => {
  it('the synchronous calls say which runtime they need instead of answering false', async () => {
    const { verifySignature, assertSignature } = await load(true);
    for (const call of [
      () => verifySignature(body, sign(body), secret),
      () => assertSignature(body, sign(body), secret),
    ]) {
      let thrown: unknown;
      try {
        call();
      } catch (error) {
        thrown = error;
      }
      expect(isPagedeskErrorCode(thrown, 'unsupported_runtime')).toBe(true);
      expect((thrown as Error).message).toMatch(/node:crypto/);
    }
  });

  it('createWebhook().fetch verifies, answers the handshake and hands the events over', async () => {
    const { createWebhook } = await load(true);
    const calls: MessengerEvent[][] = [];
    const errors: WebhookErrorContext['phase'][] = [];
    const webhook = createWebhook({
      appSecret: [secret, oldSecret],
      verifyToken: 'token',
      onEvents: (events) => calls.push(events),
      onError: (_error, context) => errors.push(context.phase),
    });
    const post = (signature: string) =>
      webhook.fetch(
        new Request('https://example.test/webhook', {
          method: 'POST',
          body,
          headers: { 'x-hub-signature-256': signature },
        }),
      );
    expect((await post(sign(body, oldSecret))).status).toBe(200);
    expect(calls.map((events) => events.map((e) => e.kind))).toEqual([['message']]);
    expect((await post(sign(body, 'other'))).status).toBe(401);
    expect(errors).toEqual(['signature']);
    const handshake = await webhook.fetch(
      new Request('https://example.test/webhook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=token'),
    );
    expect([handshake.status, await handshake.text()]).toEqual([200, '42']);
    const wrongToken = await webhook.fetch(
      new Request('https://example.test/webhook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=tokem'),
    );
    expect(wrongToken.status).toBe(403);
  });
});

describe('createWebhook answers 401 for a wrong signature only', () => {
  const signed = () =>
    new Request('https://example.test/webhook', {
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': sign(body) },
    });

  async function webhookWithErrors(hidden: boolean) {
    const { createWebhook } = await load(hidden);
    const errors: Array<{ error: PagedeskError; phase: WebhookErrorContext['phase'] }> = [];
    const calls: MessengerEvent[][] = [];
    const webhook = createWebhook({
      appSecret: secret,
      verifyToken: 'token',
      onEvents: (events) => calls.push(events),
      onError: (error, { phase }) => errors.push({ error, phase }),
    });
    return { webhook, errors, calls };
  }

  it('a failing node:crypto answers 500 in phase internal, and the retry is handed over', async () => {
    const { webhook, errors, calls } = await webhookWithErrors(false);
    const nodeCrypto = (process as NodeModuleProcess).getBuiltinModule('node:crypto') as {
      createHmac: typeof import('node:crypto').createHmac;
    };
    const hmac = vi.spyOn(nodeCrypto, 'createHmac').mockImplementationOnce(() => {
      throw new Error('OpenSSL went away');
    });
    const res = await webhook.fetch(signed());
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: { code: 'internal', retryable: true } });
    expect(errors.map((e) => [e.phase, e.error.message])).toEqual([['internal', 'OpenSSL went away']]);
    hmac.mockRestore();
    expect((await webhook.fetch(signed())).status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('a failing Web Crypto key import answers 500 in phase internal, and is retried next time', async () => {
    const { webhook, errors, calls } = await webhookWithErrors(true);
    const importKey = vi
      .spyOn(crypto.subtle, 'importKey')
      .mockRejectedValueOnce(new DOMException('HMAC is not supported', 'NotSupportedError'));
    const res = await webhook.fetch(signed());
    expect(res.status).toBe(500);
    expect(errors.map((e) => e.phase)).toEqual(['internal']);
    expect(errors[0]?.error.message).toMatch(/HMAC is not supported/);
    importKey.mockRestore();
    expect((await webhook.fetch(signed())).status).toBe(200);
    expect(calls).toHaveLength(1);
  });
});

import { createHmac } from 'node:crypto';

// @pagedesk/core/signing: Meta's two signatures, written once for every test, emulator and replay tool.
// Node only (node:crypto) and free of test runners, so a published emulator can sign at runtime;
// '@pagedesk/core/testing' re-exports both. Verification (timing-safe, several secrets) stays in
// @pagedesk/node-webhook.

/**
 * The signature header value Meta sends with a webhook delivery: `sha256=<hex HMAC-SHA256 of the raw
 * body with the app secret>` (`X-Hub-Signature-256`), or with `'sha1'` the legacy `X-Hub-Signature`.
 * For hosts' tests of their webhook endpoint, emulators and replaying stored deliveries.
 *
 * @example
 * const body = JSON.stringify(payload);
 * await fetch(url, { method: 'POST', body, headers: { 'x-hub-signature-256': signWebhookBody(body, 'test-secret') } });
 * @param body - The exact raw bytes (or string, as UTF-8) that are POSTed.
 * @param appSecret - The app secret.
 * @param algorithm - `sha256` (default) or the legacy `sha1`.
 * @returns The header value, prefixed with the algorithm.
 */
export function signWebhookBody(
  body: string | Uint8Array,
  appSecret: string,
  algorithm: 'sha256' | 'sha1' = 'sha256',
): string {
  return `${algorithm}=${createHmac(algorithm, appSecret).update(body).digest('hex')}`;
}

/**
 * A `signed_request` as Meta POSTs it to the Deauthorize and Data Deletion callbacks:
 * `<base64url HMAC-SHA256 of the payload part>.<base64url JSON payload>`.
 *
 * @example
 * const body = new URLSearchParams({
 *   signed_request: signSignedRequest({ algorithm: 'HMAC-SHA256', user_id: '1', issued_at: 1 }, secret),
 * });
 * @param payload - The JSON payload (`algorithm`, `user_id`, `issued_at`, ...).
 * @param appSecret - The app secret.
 * @returns The `signed_request` value.
 */
export function signSignedRequest(payload: Record<string, unknown>, appSecret: string): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${createHmac('sha256', appSecret).update(encoded).digest('base64url')}.${encoded}`;
}

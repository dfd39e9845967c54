import { createHmac } from 'node:crypto';

/**
 * The `X-Hub-Signature-256` header value Meta would send for `body`: `sha256=<hex HMAC of the raw
 * body with the app secret>`. For hosts' tests of their webhook endpoint.
 *
 * @example
 * const body = JSON.stringify(payload);
 * await fetch(url, { method: 'POST', body, headers: { 'x-hub-signature-256': signWebhookBody(body, 'test-secret') } });
 */
export function signWebhookBody(body: string | Uint8Array, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

import { PagedeskError, ValidationError } from '@pagedesk/core';

/**
 * A webhook body that is not what Meta sends: not JSON, an unknown `object`, or a known event with a
 * wrong field. `issues[0].path` names the first wrong field, e.g. `entry[0].messaging[0].message.mid`.
 */
export class WebhookPayloadError extends ValidationError {
  constructor(issues: ReadonlyArray<{ path: string; message: string }>, options?: { cause?: unknown }) {
    super('webhook payload', issues, options);
    this.name = 'WebhookPayloadError';
  }
}

/**
 * A webhook or signed_request whose signature is missing, malformed or does not match any app secret.
 * The message says which header and why; it never contains a secret or the expected signature.
 */
export class SignatureError extends PagedeskError {
  /** `X-Hub-Signature-256`, `X-Hub-Signature` or `signed_request`. */
  readonly header: string;
  /** `missing`, `malformed`, `mismatch` or `unsupported_algorithm`. */
  readonly reason: 'missing' | 'malformed' | 'mismatch' | 'unsupported_algorithm';
  /** The message without the header name. */
  readonly detail: string;
  constructor(header: string, reason: SignatureError['reason'], detail: string) {
    super('invalid_signature', `${header}: ${detail}`);
    this.name = 'SignatureError';
    this.header = header;
    this.reason = reason;
    this.detail = detail;
  }
}

/**
 * An event that was handed over although part of its content had an unknown or legacy shape: an
 * attachment kept as a generic `unknown` attachment, an optional field of another type dropped. Not a
 * failure of the delivery (the webhook still answers 200): `createWebhook` reports it to `onError`
 * with phase `lenient`, once per event. `issues[].path` names each field, e.g.
 * `entry[0].messaging[0].message.attachments[0].payload`.
 */
export class WebhookContentError extends PagedeskError {
  /** Each field read past, by its path in the body. */
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  /** The id of the event that still landed. */
  readonly eventId: string;
  constructor(issues: ReadonlyArray<{ path: string; message: string }>, eventId: string) {
    const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    super('unexpected_content', `Webhook content read leniently (event ${eventId}): ${detail}`);
    this.name = 'WebhookContentError';
    this.issues = issues;
    this.eventId = eventId;
  }
}

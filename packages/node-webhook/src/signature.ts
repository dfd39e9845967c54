import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from './errors.js';

/** Options of {@link verifySignature} and {@link assertSignature}. */
export interface VerifySignatureOptions {
  /** Also accept the legacy `X-Hub-Signature: sha1=<hex>` header. Off by default: SHA-1 is weaker. */
  legacySha1?: boolean;
}

/** The raw body as received: Buffer, Uint8Array or the exact string (hashed as UTF-8). */
export type RawBody = Buffer | Uint8Array | string;

// Meta signs with lowercase hex (platform.md §1.3); anything else did not come from Meta as sent.
const HEX = /^[0-9a-f]+$/;

function secretsOf(appSecret: string | readonly string[]): readonly string[] {
  return typeof appSecret === 'string' ? [appSecret] : appSecret;
}

/**
 * Checks Meta's webhook signature and throws a {@link SignatureError} saying why it failed.
 *
 * The header is `sha256=<64 hex digits>` (`X-Hub-Signature-256`), or `sha1=<40 hex digits>`
 * (`X-Hub-Signature`) when `legacySha1` is on. The HMAC runs once per app secret over the exact raw
 * bytes and is compared in constant time; a missing, duplicated (`a, b`), truncated or non-hex header is
 * rejected before any HMAC, and so is an upper-cased prefix or digest (Meta sends lowercase).
 * Several secrets are tried in turn so a secret can be rotated without losing deliveries.
 *
 * @example
 * assertSignature(rawBody, req.headers['x-hub-signature-256'], [newSecret, oldSecret]);
 * @throws SignatureError
 */
export function assertSignature(
  rawBody: RawBody,
  header: string | null | undefined,
  appSecret: string | readonly string[],
  options: VerifySignatureOptions = {},
): void {
  signingSecretIndex(rawBody, header, secretsOf(appSecret), options);
}

/**
 * {@link assertSignature} that also says which secret signed: its index in `secrets`, so a webhook
 * serving several Meta apps knows the app a delivery came from.
 *
 * @throws SignatureError
 */
export function signingSecretIndex(
  rawBody: RawBody,
  header: string | null | undefined,
  secrets: readonly string[],
  options: VerifySignatureOptions = {},
): number {
  if (header === undefined || header === null || header === '') {
    throw new SignatureError('X-Hub-Signature-256', 'missing', 'the signature header is missing');
  }
  const eq = header.indexOf('=');
  const prefix = eq === -1 ? '' : header.slice(0, eq);
  let algorithm: 'sha256' | 'sha1';
  let name: string;
  let hexLength: number;
  if (prefix === 'sha256') {
    algorithm = 'sha256';
    name = 'X-Hub-Signature-256';
    hexLength = 64;
  } else if (prefix === 'sha1') {
    name = 'X-Hub-Signature';
    if (!options.legacySha1) {
      throw new SignatureError(
        name,
        'unsupported_algorithm',
        'sha1 signatures are refused unless legacySha1 is enabled; send X-Hub-Signature-256',
      );
    }
    algorithm = 'sha1';
    hexLength = 40;
  } else {
    throw new SignatureError('X-Hub-Signature-256', 'malformed', 'expected "sha256=<hex digest>"');
  }
  const hex = header.slice(eq + 1);
  if (hex.length !== hexLength || !HEX.test(hex)) {
    throw new SignatureError(
      name,
      'malformed',
      `expected ${hexLength} lowercase hex digits after "${prefix}="`,
    );
  }
  const expected = Buffer.from(hex, 'hex');
  for (let i = 0; i < secrets.length; i++) {
    const actual = createHmac(algorithm, secrets[i] as string)
      .update(rawBody)
      .digest();
    if (timingSafeEqual(actual, expected)) return i;
  }
  throw new SignatureError(
    name,
    'mismatch',
    `the signature matches none of the ${secrets.length} configured app secret(s); the body was altered, ` +
      'or the app secret is wrong or was rotated',
  );
}

/**
 * True when `header` is a valid Meta signature of `rawBody` for one of the app secrets.
 * Same rules as {@link assertSignature}, as a boolean.
 *
 * @example
 * if (!verifySignature(rawBody, request.headers.get('x-hub-signature-256'), process.env.APP_SECRET!)) {
 *   return new Response('bad signature', { status: 401 });
 * }
 */
export function verifySignature(
  rawBody: RawBody,
  header: string | null | undefined,
  appSecret: string | readonly string[],
  options: VerifySignatureOptions = {},
): boolean {
  try {
    assertSignature(rawBody, header, appSecret, options);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signs a body as Meta does (`sha256=<hex>`): for tests, emulators and replaying stored deliveries.
 *
 * @example
 * fetch(url, { method: 'POST', body, headers: { 'x-hub-signature-256': signBody(body, appSecret) } });
 */
export function signBody(
  rawBody: RawBody,
  appSecret: string,
  algorithm: 'sha256' | 'sha1' = 'sha256',
): string {
  return `${algorithm}=${createHmac(algorithm, appSecret).update(rawBody).digest('hex')}`;
}

import { SignatureError } from './errors.js';
import { hexBytes, nodeCrypto, requireNodeCrypto, utf8 } from './runtimeCrypto.js';

/** Options of {@link verifySignature} and {@link assertSignature}. */
export interface VerifySignatureOptions {
  /** Also accept the legacy `X-Hub-Signature: sha1=<hex>` header. Off by default: SHA-1 is weaker. */
  legacySha1?: boolean;
}

/** The raw body as received: Buffer, Uint8Array or the exact string (hashed as UTF-8). */
export type RawBody = Buffer | Uint8Array | string;

// Meta signs with lowercase hex (docs/meta-platform.md); anything else did not come from Meta as sent.
const HEX = /^[0-9a-f]+$/;

function secretsOf(appSecret: string | readonly string[]): readonly string[] {
  return typeof appSecret === 'string' ? [appSecret] : appSecret;
}

interface SignatureHeader {
  algorithm: 'sha256' | 'sha1';
  /** The header name, for messages. */
  name: string;
  /** The digest Meta sent. */
  expected: Uint8Array<ArrayBuffer>;
}

// The header rules, shared by the node:crypto and the Web Crypto paths; throws before any HMAC.
function parseHeader(header: string | null | undefined, options: VerifySignatureOptions): SignatureHeader {
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
  return { algorithm, name, expected: hexBytes(hex) };
}

const mismatch = (name: string, count: number) =>
  new SignatureError(
    name,
    'mismatch',
    `the signature matches none of the ${count} configured app secret(s); the body was altered, ` +
      'or the app secret is wrong or was rotated',
  );

/**
 * Checks Meta's webhook signature and throws a {@link SignatureError} saying why it failed.
 *
 * The header is `sha256=<64 hex digits>` (`X-Hub-Signature-256`), or `sha1=<40 hex digits>`
 * (`X-Hub-Signature`) when `legacySha1` is on. The HMAC runs once per app secret over the exact raw
 * bytes and is compared in constant time; a missing, duplicated (`a, b`), truncated or non-hex header is
 * rejected before any HMAC, and so is an upper-cased prefix or digest (Meta sends lowercase).
 * Several secrets are tried in turn so a secret can be rotated without losing deliveries.
 *
 * Synchronous, on `node:crypto` (Node, Bun, Deno, Workers with `nodejs_compat`). Where the runtime has
 * Web Crypto only (Next's edge runtime, Workers without `nodejs_compat`), use
 * {@link assertSignatureAsync}; this one throws a `PagedeskError` with code `unsupported_runtime` there.
 *
 * @example
 * assertSignature(rawBody, req.headers['x-hub-signature-256'], [newSecret, oldSecret]);
 * @throws SignatureError when the signature is missing, malformed or wrong.
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
 * serving several Meta apps knows the app a delivery came from. Synchronous, on node:crypto.
 *
 * @throws SignatureError when the signature is missing, malformed or wrong.
 */
export function signingSecretIndex(
  rawBody: RawBody,
  header: string | null | undefined,
  secrets: readonly string[],
  options: VerifySignatureOptions = {},
): number {
  const { algorithm, name, expected } = parseHeader(header, options);
  const crypto = requireNodeCrypto('assertSignature', 'use assertSignatureAsync (Web Crypto)');
  for (let i = 0; i < secrets.length; i++) {
    const actual = crypto
      .createHmac(algorithm, secrets[i] as string)
      .update(rawBody)
      .digest();
    if (crypto.timingSafeEqual(actual, expected)) return i;
  }
  throw mismatch(name, secrets.length);
}

/**
 * Checks a body against a header and answers the index of the secret that signed it: at once on
 * node:crypto, as a promise on Web Crypto; throws or rejects with a SignatureError.
 */
export type SignatureCheck = (
  rawBody: RawBody,
  header: string | null | undefined,
) => number | Promise<number>;

/**
 * The signature check for a fixed set of secrets: synchronous on node:crypto (no promise per delivery),
 * else on Web Crypto's `crypto.subtle`, whose HMAC `verify` compares in constant time, with each secret
 * imported once as a non-extractable key.
 */
export function signatureCheck(
  appSecret: string | readonly string[],
  options: VerifySignatureOptions = {},
): SignatureCheck {
  const secrets = [...secretsOf(appSecret)];
  if (nodeCrypto) return (rawBody, header) => signingSecretIndex(rawBody, header, secrets, options);
  const keys = new Map<SignatureHeader['algorithm'], Promise<CryptoKey[]>>();
  const keysFor = (algorithm: SignatureHeader['algorithm']) => {
    let pending = keys.get(algorithm);
    if (!pending) {
      const hash = algorithm === 'sha256' ? 'SHA-256' : 'SHA-1';
      pending = Promise.all(
        secrets.map((secret) =>
          crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash }, false, ['verify']),
        ),
      );
      // A failed import is retried on the next delivery rather than cached.
      pending.catch(() => keys.delete(algorithm));
      keys.set(algorithm, pending);
    }
    return pending;
  };
  return async (rawBody, header) => {
    const { algorithm, name, expected } = parseHeader(header, options);
    // Bodies are never SharedArrayBuffer-backed (the cast narrows the type for Web Crypto's signature).
    const data = typeof rawBody === 'string' ? utf8(rawBody) : (rawBody as Uint8Array<ArrayBuffer>);
    const keys = await keysFor(algorithm);
    for (let i = 0; i < keys.length; i++) {
      if (await crypto.subtle.verify('HMAC', keys[i] as CryptoKey, expected, data)) return i;
    }
    throw mismatch(name, secrets.length);
  };
}

/**
 * {@link assertSignature} on any runtime: node:crypto where present, else Web Crypto (`crypto.subtle`),
 * so Next's edge runtime, Cloudflare Workers, Deno and Bun all verify Meta's signature.
 *
 * @example
 * await assertSignatureAsync(new Uint8Array(await request.arrayBuffer()), request.headers.get('x-hub-signature-256'), appSecret);
 * @throws SignatureError (as a rejection) when the signature is missing, malformed or wrong.
 */
export async function assertSignatureAsync(
  rawBody: RawBody,
  header: string | null | undefined,
  appSecret: string | readonly string[],
  options: VerifySignatureOptions = {},
): Promise<void> {
  await signatureCheck(appSecret, options)(rawBody, header);
}

/**
 * True when `header` is a valid Meta signature of `rawBody` for one of the app secrets.
 * Same rules as {@link assertSignature}, as a boolean; synchronous, on node:crypto (see
 * {@link verifySignatureAsync} for Web Crypto runtimes).
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
  } catch (error) {
    // Only a wrong signature is `false`: a runtime without node:crypto must fail loudly, not look like an attack.
    if (error instanceof SignatureError) return false;
    throw error;
  }
}

/**
 * {@link verifySignature} on any runtime (Web Crypto where node:crypto is absent): resolves true when
 * `header` is a valid Meta signature of `rawBody` for one of the app secrets.
 *
 * @example
 * const body = new Uint8Array(await request.arrayBuffer());
 * if (!(await verifySignatureAsync(body, request.headers.get('x-hub-signature-256'), env.APP_SECRET))) {
 *   return new Response('bad signature', { status: 401 });
 * }
 */
export async function verifySignatureAsync(
  rawBody: RawBody,
  header: string | null | undefined,
  appSecret: string | readonly string[],
  options: VerifySignatureOptions = {},
): Promise<boolean> {
  try {
    await assertSignatureAsync(rawBody, header, appSecret, options);
    return true;
  } catch (error) {
    if (error instanceof SignatureError) return false;
    throw error;
  }
}

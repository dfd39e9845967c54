import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { parseOrThrow } from '../parseOrThrow.js';
import { LoginStateError } from './loginErrors.js';

// The OAuth `state` parameter, stateless: a random nonce, an expiry and a digest of the host's session
// id, signed with HMAC-SHA256. The host keeps nothing server-side; a state forged, tampered with,
// expired or carried into another browser session is refused (RFC 6749 §10.12, Meta's manual login
// flow guide: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow).
// `consumeLoginState` adds the one thing a stateless value cannot prove: that it was not used before.
// A state captured from a redirect (browser history, a proxy log) is refused on its second use even
// within its lifetime; the used nonces are kept only until their state would have expired anyway.

const VERSION = 'v1';
const DEFAULT_TTL_MS = 10 * 60_000;

const secretSchema = z.union([
  z.string().check(z.minLength(32, 'expected at least 32 characters')),
  z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length >= 32, {
    message: 'expected a string of at least 32 characters or at least 32 bytes',
  }),
]);
const createSchema = z.object({
  secret: secretSchema,
  session: z.string().check(z.minLength(1, 'expected the host session id')),
  ttlMs: z.optional(z.number().check(z.positive('expected a positive number of ms'))),
  now: z.optional(z.number()),
});
const verifySchema = z.object({
  secret: secretSchema,
  session: z.string().check(z.minLength(1, 'expected the host session id')),
  now: z.optional(z.number()),
});
const payloadSchema = z.object({ n: z.string(), e: z.number(), s: z.string() });

/** Options of {@link createLoginState}. */
export interface LoginStateOptions {
  /** A server secret of at least 32 characters or bytes (not the Meta app secret). */
  secret: string | Uint8Array;
  /** The host's session id for this browser: a state only verifies in the same session. */
  session: string;
  /** How long the dialog may stay open; default 10 minutes. */
  ttlMs?: number;
  /** Clock, epoch ms; default `Date.now()`. */
  now?: number;
}

/** Options of {@link verifyLoginState}. */
export interface VerifyLoginStateOptions {
  secret: string | Uint8Array;
  session: string;
  now?: number;
}

function mac(secret: string | Uint8Array, text: string): Buffer {
  return createHmac('sha256', secret).update(text).digest();
}

function sessionDigest(secret: string | Uint8Array, session: string): string {
  return mac(secret, `session\0${session}`).subarray(0, 16).toString('base64url');
}

/**
 * Creates the `state` to put in a login dialog URL: signed, time-limited and bound to the host's
 * session, so the redirect can prove it answers a login this browser started.
 *
 * @example
 * const state = createLoginState({ secret: process.env.LOGIN_STATE_SECRET!, session: req.session.id });
 * res.redirect(fb.authorizeUrl({ state }));
 * @param options - the server secret, the session id and optionally the lifetime
 * @returns an opaque URL-safe string
 */
export function createLoginState(options: LoginStateOptions): string {
  const { secret, session, ttlMs, now } = parseOrThrow(createSchema, options, 'login state options');
  const payload = Buffer.from(
    JSON.stringify({
      n: randomBytes(16).toString('base64url'),
      e: (now ?? Date.now()) + (ttlMs ?? DEFAULT_TTL_MS),
      s: sessionDigest(secret, session),
    }),
  ).toString('base64url');
  return `${VERSION}.${payload}.${mac(secret, `${VERSION}.${payload}`).toString('base64url')}`;
}

/**
 * Checks a `state` that came back on the login redirect. Throws {@link LoginStateError} with
 * `reason` `malformed`, `forged` (bad signature), `session_mismatch` (issued to another session)
 * or `expired`. The comparison of signatures is constant-time.
 *
 * @example
 * const { code, state } = fb.handleRedirect(req.url);
 * verifyLoginState(state, { secret: process.env.LOGIN_STATE_SECRET!, session: req.session.id });
 * @param state - the `state` query parameter of the redirect
 * @param options - the same secret and the current session id
 * @returns when the state expires (epoch ms) and its nonce (for {@link consumeLoginState})
 */
export function verifyLoginState(
  state: string,
  options: VerifyLoginStateOptions,
): { expiresAt: number; nonce: string } {
  const { secret, session, now } = parseOrThrow(verifySchema, options, 'login state options');
  const parts = typeof state === 'string' ? state.split('.') : [];
  if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2])
    throw new LoginStateError('malformed', 'The login state is not one Pagedesk created');
  const expected = mac(secret, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new LoginStateError(
      'forged',
      'The login state signature does not match: it was not issued by this host',
    );
  let payload: z.infer<typeof payloadSchema>;
  try {
    payload = parseOrThrow(
      payloadSchema,
      JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
      'login state',
    );
  } catch {
    throw new LoginStateError('malformed', 'The login state payload cannot be read');
  }
  const digest = Buffer.from(sessionDigest(secret, session));
  const bound = Buffer.from(payload.s);
  if (digest.length !== bound.length || !timingSafeEqual(digest, bound))
    throw new LoginStateError('session_mismatch', 'The login state was issued to another session');
  if ((now ?? Date.now()) >= payload.e)
    throw new LoginStateError('expired', 'The login state expired: start the login again');
  return { expiresAt: payload.e, nonce: payload.n };
}

/**
 * Where used login states are remembered. `markUsed` records a nonce until `expiresAt` and answers
 * false when it was recorded already; a host with several servers backs it with shared storage
 * (e.g. Redis `SET key 1 NX PXAT expiresAt`), so a state works once across all of them.
 */
export interface UsedLoginStates {
  markUsed(nonce: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * Used login states in this process's memory (one server), forgotten once they expire.
 *
 * @example
 * const usedStates = memoryUsedLoginStates();
 * await consumeLoginState(state, { secret, session: req.session.id, used: usedStates });
 */
export function memoryUsedLoginStates(options: { now?: () => number } = {}): UsedLoginStates {
  const now = options.now ?? Date.now;
  const used = new Map<string, number>();
  return {
    markUsed(nonce, expiresAt) {
      const at = now();
      // Expired ones can never verify again: dropping them keeps the map as small as the live states.
      for (const [key, until] of used) if (until <= at) used.delete(key);
      if (used.has(nonce)) return false;
      used.set(nonce, expiresAt);
      return true;
    },
  };
}

/**
 * {@link verifyLoginState}, then marks the state used: a second redirect with the same state is refused
 * with `LoginStateError` reason `replayed`, even before it expires.
 *
 * @example
 * const { code, state } = fb.handleRedirect(req.url);
 * await consumeLoginState(state, { secret, session: req.session.id, used: usedStates });
 * @param state - the `state` query parameter of the redirect
 * @param options - the secret and session of {@link verifyLoginState} and where used states are kept
 * @returns when the state expires (epoch ms)
 */
export async function consumeLoginState(
  state: string,
  options: VerifyLoginStateOptions & { used: UsedLoginStates },
): Promise<{ expiresAt: number }> {
  const { used, ...verify } = options;
  const { expiresAt, nonce } = verifyLoginState(state, verify);
  if (!(await used.markUsed(nonce, expiresAt)))
    throw new LoginStateError('replayed', 'The login state was used already: start the login again');
  return { expiresAt };
}

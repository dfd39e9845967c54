import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { PagedeskError, ValidationError } from '../errors.js';
import { parseOrThrow } from '../parseOrThrow.js';
import type { ChannelCredentials, Store } from '../store.js';

// Access tokens at rest, encrypted with AES-256-GCM (NIST SP 800-38D) by a wrapper around any Store,
// so every engine gets it without a migration: the envelope travels in `accessToken`, the one field
// every store keeps. Each record has its own random 12-byte nonce; the key id is stored with the
// ciphertext so several keys can be live during a rotation; the channel id is associated data, so a
// ciphertext copied onto another channel does not decrypt.

const PREFIX = 'pdenc1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ROTATION_CONCURRENCY = 16;

/** One encryption key: 32 bytes, or their base64 text. */
export interface CredentialsKey {
  /** A short name stored with each ciphertext (letters, digits, `_`, `-`), e.g. `2026-06`. */
  id: string;
  key: Uint8Array | string;
}

/** Options of {@link encryptCredentials}. */
export interface EncryptCredentialsOptions {
  /** The first key encrypts every write; every key decrypts. Put the new key first to rotate. */
  keys: readonly CredentialsKey[];
}

/** A store whose credentials are encrypted at rest, with the rotation helper. */
export type EncryptedCredentialsStore<TStore extends Store> = TStore & {
  /**
   * Rewrites every stored credential under the first key: records under an older key, and plaintext
   * records written before encryption was turned on. Returns how many records it rewrote. Records
   * of every channel in `channels.list()` are visited; one that cannot be decrypted is left as it is
   * and, once all others are done, reported by a `ReencryptIncompleteError`.
   */
  reencrypt(): Promise<number>;
};

/** Why stored credentials could not be read. */
export type CredentialsDecryptionFailure = 'missing_key' | 'failed' | 'malformed';

/**
 * Stored credentials cannot be decrypted: their key id is not among the configured keys, the key
 * with that id is not the one that encrypted them, or the ciphertext was altered. Names the key id
 * and the channel, never the token.
 */
export class CredentialsDecryptionError extends PagedeskError {
  readonly reason: CredentialsDecryptionFailure;
  readonly keyId: string | undefined;
  readonly channelId: string;
  constructor(reason: CredentialsDecryptionFailure, channelId: string, keyId?: string) {
    const detail =
      reason === 'missing_key'
        ? `key "${keyId}" is not among the configured keys`
        : reason === 'failed'
          ? `decryption with key "${keyId}" failed (a different key under that id, or altered ciphertext)`
          : 'the stored envelope is malformed';
    super(
      `credentials_${reason}`,
      `Credentials of channel ${JSON.stringify(channelId)} cannot be read: ${detail}`,
    );
    this.name = 'CredentialsDecryptionError';
    this.reason = reason;
    this.keyId = keyId;
    this.channelId = channelId;
  }
}

/**
 * `reencrypt()` rewrote every record it could read, but some could not be decrypted (they stay as
 * they were): `failures` names each channel and why; `rewritten` counts the records it did rewrite.
 */
export class ReencryptIncompleteError extends PagedeskError {
  readonly rewritten: number;
  readonly failures: ReadonlyArray<{
    channelId: string;
    reason: CredentialsDecryptionFailure;
    keyId?: string;
  }>;
  constructor(rewritten: number, failures: readonly CredentialsDecryptionError[]) {
    super(
      'credentials_reencrypt_incomplete',
      `Re-encrypted ${rewritten} credentials; ${failures.length} could not be read: ${failures
        .slice(0, 10)
        .map((f) => `${f.channelId} (${f.reason}${f.keyId ? `, key "${f.keyId}"` : ''})`)
        .join(', ')}${failures.length > 10 ? ', …' : ''}`,
    );
    this.name = 'ReencryptIncompleteError';
    this.rewritten = rewritten;
    this.failures = failures.map((f) => ({
      channelId: f.channelId,
      reason: f.reason,
      ...(f.keyId === undefined ? {} : { keyId: f.keyId }),
    }));
  }
}

const keyIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1–64 letters, digits, _ or -'));
const keyBytesSchema = z
  .pipe(
    z.union([
      z.custom<Uint8Array>((value) => value instanceof Uint8Array, {
        message: 'expected bytes or base64 text',
      }),
      z.string().check(z.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64 text')),
    ]),
    z.transform((value) => (typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(value))),
  )
  .check(z.refine((bytes) => bytes.length === 32, 'expected 32 bytes (AES-256)'));
const optionsSchema = z.object({
  keys: z.array(z.object({ id: keyIdSchema, key: keyBytesSchema })).check(
    z.minLength(1, 'expected at least one key'),
    z.refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'key ids must be unique'),
  ),
});
const credentialsSchema = z.looseObject({
  accessToken: z.string().check(z.minLength(1, 'expected a non-empty string')),
  connectedByUserId: z.optional(z.string()),
  pageId: z.optional(z.string()),
});

function associatedData(channelId: string, keyId: string): Buffer {
  return Buffer.from(`pagedesk/credentials/${PREFIX}/${keyId}/${channelId}`);
}

/**
 * Wraps a store so `credentials.put/get` keep AES-256-GCM ciphertext instead of the token: a random
 * 12-byte nonce per record, the key id beside the ciphertext, the channel id as associated data. The
 * first key writes and every key reads, so a rotation is: put the new key first, deploy, call
 * `reencrypt()`, then drop the old key. Records written in plaintext before encryption was turned on
 * are still read, and `reencrypt()` encrypts them. A record that cannot be decrypted fails with
 * {@link CredentialsDecryptionError}.
 *
 * @example
 * const store = encryptCredentials(postgresStore({ connectionString }), {
 *   keys: [{ id: '2026-06', key: process.env.PAGEDESK_CREDENTIALS_KEY! }], // 32 bytes, base64
 * });
 * @param store - any Store (memory, PostgreSQL, your own)
 * @param options - the keys, newest first
 * @returns the same store with encrypted credentials and `reencrypt()`
 */
export function encryptCredentials<TStore extends Store>(
  store: TStore,
  options: EncryptCredentialsOptions,
): EncryptedCredentialsStore<TStore> {
  const parsed = parseOrThrow(optionsSchema, options, 'encryptCredentials options');
  const keys = new Map(parsed.keys.map((k) => [k.id, k.key]));
  const writer = parsed.keys[0]!;
  const inner = store.credentials;

  function seal(channelId: string, credentials: ChannelCredentials): ChannelCredentials {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', writer.key, nonce);
    cipher.setAAD(associatedData(channelId, writer.id));
    const body = Buffer.concat([
      cipher.update(JSON.stringify(credentials), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      accessToken: [PREFIX, writer.id, nonce.toString('base64url'), body.toString('base64url')].join('.'),
    };
  }

  function keyIdOf(stored: ChannelCredentials): string | undefined {
    return stored.accessToken.startsWith(`${PREFIX}.`) ? stored.accessToken.split('.')[1] : undefined;
  }

  function open(channelId: string, stored: ChannelCredentials): ChannelCredentials {
    if (!stored.accessToken.startsWith(`${PREFIX}.`)) return stored; // written before encryption
    const [, keyId, nonceText, bodyText, extra] = stored.accessToken.split('.');
    if (!keyId || !nonceText || !bodyText || extra !== undefined)
      throw new CredentialsDecryptionError('malformed', channelId, keyId);
    const key = keys.get(keyId);
    if (!key) throw new CredentialsDecryptionError('missing_key', channelId, keyId);
    const nonce = Buffer.from(nonceText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length <= TAG_BYTES)
      throw new CredentialsDecryptionError('malformed', channelId, keyId);
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(associatedData(channelId, keyId));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      plain = Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new CredentialsDecryptionError('failed', channelId, keyId);
    }
    let value: unknown;
    try {
      value = JSON.parse(plain);
    } catch {
      throw new CredentialsDecryptionError('malformed', channelId, keyId);
    }
    const result = credentialsSchema.safeParse(value);
    if (!result.success) throw new CredentialsDecryptionError('malformed', channelId, keyId);
    return result.data as ChannelCredentials;
  }

  async function rotate(channelId: string): Promise<boolean> {
    const stored = await inner.get(channelId);
    if (!stored || keyIdOf(stored) === writer.id) return false;
    const sealed = seal(channelId, open(channelId, stored));
    // A put that landed meanwhile already used the first key: never overwrite it with the older value.
    const again = await inner.get(channelId);
    if (again?.accessToken !== stored.accessToken) return false;
    await inner.put(channelId, sealed);
    return true;
  }

  return {
    ...store,
    credentials: {
      ...inner,
      async get(channelId) {
        const stored = await inner.get(channelId);
        return stored === undefined ? undefined : open(channelId, stored);
      },
      async put(channelId, credentials) {
        if (typeof channelId !== 'string' || channelId === '')
          throw new ValidationError('credentials', [
            { path: 'channelId', message: 'expected a non-empty string' },
          ]);
        const checked = parseOrThrow(credentialsSchema, credentials, 'credentials');
        await inner.put(channelId, seal(channelId, checked as ChannelCredentials));
      },
    },
    async reencrypt() {
      const ids = (await store.channels.list()).map((c) => c.id);
      let rewritten = 0;
      let next = 0;
      const failures: CredentialsDecryptionError[] = [];
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          const work = () => rotate(id);
          try {
            if (await (store.atomic ? store.atomic(work, id) : work())) rewritten++;
          } catch (error) {
            if (!(error instanceof CredentialsDecryptionError)) throw error;
            failures.push(error);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(ROTATION_CONCURRENCY, ids.length) }, worker));
      if (failures.length > 0) throw new ReencryptIncompleteError(rewritten, failures);
      return rewritten;
    },
  };
}

import { createHmac } from 'node:crypto';
import { isPagedeskErrorCode } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { describe, expect, it } from 'vitest';
import { SignatureError } from '../errors.js';
import { assertSignature, signingSecretIndex, verifySignature } from '../signature.js';

const secret = 'app-secret-0123456789abcdef';
const body = Buffer.from('{"object":"page","entry":[{"id":"1","time":1,"messaging":[]}]}');
const sha256 = (b: Buffer | string, key = secret) => signWebhookBody(b, key);
const sha1 = (b: Buffer | string, key = secret) => signWebhookBody(b, key, 'sha1');

function rejection(
  header: string | undefined | null,
  options: Parameters<typeof assertSignature>[3] = {},
  secrets: string | string[] = secret,
) {
  try {
    assertSignature(body, header, secrets, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureError);
    expect(isPagedeskErrorCode(error, 'invalid_signature')).toBe(true);
    expect((error as Error).message).not.toContain(secret);
    return error as SignatureError;
  }
  throw new Error('expected a SignatureError');
}

describe('verifySignature', () => {
  it('accepts Meta’s sha256 header over the exact bytes (Buffer, Uint8Array, string)', () => {
    const header = sha256(body);
    expect(verifySignature(body, header, secret)).toBe(true);
    expect(verifySignature(new Uint8Array(body), header, secret)).toBe(true);
    expect(verifySignature(body.toString('utf8'), header, secret)).toBe(true);
    expect(signWebhookBody(body, secret)).toBe(header);
  });

  it('rejects a body that differs by one byte, or re-serialised JSON', () => {
    const escaped = Buffer.from('{"text":"\\u00e4"}');
    const header = sha256(escaped);
    expect(verifySignature(escaped, header, secret)).toBe(true);
    expect(verifySignature(JSON.stringify(JSON.parse(escaped.toString())), header, secret)).toBe(false);
    const altered = Buffer.from(body);
    altered[5] = (altered[5] as number) ^ 1;
    expect(verifySignature(altered, sha256(body), secret)).toBe(false);
  });

  it('rejects upper-cased digits or prefix: Meta signs with lowercase hex', () => {
    const header = sha256(body);
    expect(verifySignature(body, `sha256=${header.slice(7).toUpperCase()}`, secret)).toBe(false);
    expect(verifySignature(body, `SHA256=${header.slice(7)}`, secret)).toBe(false);
    expect(verifySignature(body, header, secret)).toBe(true);
  });

  it('tries every secret during a rotation', () => {
    expect(verifySignature(body, sha256(body, 'old-secret'), ['new-secret', 'old-secret'])).toBe(true);
    expect(verifySignature(body, sha256(body, 'new-secret'), ['new-secret', 'old-secret'])).toBe(true);
    expect(verifySignature(body, sha256(body, 'other'), ['new-secret', 'old-secret'])).toBe(false);
    expect(rejection(sha256(body, 'other'), {}, ['a', 'b']).message).toContain(
      'none of the 2 configured app secret(s)',
    );
  });

  it('refuses sha1 unless the host opts in', () => {
    const header = sha1(body);
    expect(verifySignature(body, header, secret)).toBe(false);
    expect(rejection(header)).toMatchObject({ reason: 'unsupported_algorithm', header: 'X-Hub-Signature' });
    expect(verifySignature(body, header, secret, { legacySha1: true })).toBe(true);
    expect(verifySignature(body, sha1(body, 'wrong'), secret, { legacySha1: true })).toBe(false);
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['null', null, 'missing'],
    ['empty', '', 'missing'],
    ['no prefix', createHmac('sha256', secret).update(body).digest('hex'), 'malformed'],
    ['other algorithm', `md5=${'a'.repeat(32)}`, 'malformed'],
    ['truncated', sha256(body).slice(0, -2), 'malformed'],
    ['too long', `${sha256(body)}00`, 'malformed'],
    ['non-hex', `sha256=${'z'.repeat(64)}`, 'malformed'],
    ['duplicated header joined by a comma', `${sha256(body)}, ${sha256(body)}`, 'malformed'],
    ['prefix only', 'sha256=', 'malformed'],
    ['sha1 length under sha256', `sha256=${'a'.repeat(40)}`, 'malformed'],
    ['wrong digest', `sha256=${'0'.repeat(64)}`, 'mismatch'],
  ] as const)('rejects %s', (_, header, reason) => {
    expect(verifySignature(body, header, secret)).toBe(false);
    expect(rejection(header).reason).toBe(reason);
  });

  it('never puts the secret or the expected digest in the message', () => {
    const expected = sha256(body).slice(7);
    const e = rejection(`sha256=${'0'.repeat(64)}`);
    expect(e.message).not.toContain(expected);
    expect(e.message).not.toContain(secret);
  });
});

describe('signingSecretIndex', () => {
  it('names the secret that signed, and throws the same errors as assertSignature', () => {
    const secrets = ['app-a-secret', 'app-b-new', 'app-b-old'];
    expect(signingSecretIndex(body, sha256(body, 'app-a-secret'), secrets)).toBe(0);
    expect(signingSecretIndex(body, sha256(body, 'app-b-old'), secrets)).toBe(2);
    expect(() => signingSecretIndex(body, sha256(body, 'nobody'), secrets)).toThrow(/none of the 3/);
    expect(() => signingSecretIndex(body, 'sha256=zz', secrets)).toThrow(SignatureError);
  });
});

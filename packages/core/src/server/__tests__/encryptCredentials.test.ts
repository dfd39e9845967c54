import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPagedeskErrorCode, ValidationError } from '../../errors.js';
import { memoryStore } from '../../memoryStore.js';
import { testEntities } from '../../testing/entities.js';
import { describeStoreContract } from '../../testing/storeContract.js';
import { CredentialsDecryptionError, encryptCredentials } from '../encryptCredentials.js';

// Encryption at rest over the memory store: what reaches the inner store, every way a read can fail,
// rotation and plaintext records from before encryption. The PostgreSQL run is in store-postgres.

const TOKEN = 'EAAG-page-token-that-must-never-be-stored-in-clear';
const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32).toString('base64') };

async function failureOf(promise: Promise<unknown>): Promise<CredentialsDecryptionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CredentialsDecryptionError);
  expect((error as Error).message).not.toContain(TOKEN);
  return error as CredentialsDecryptionError;
}

describe('encryptCredentials', () => {
  it('stores AES-256-GCM ciphertext under the first key, a fresh nonce each time, and reads it back', async () => {
    const inner = memoryStore();
    const store = encryptCredentials(inner, { keys: [k1] });
    await store.credentials.put('A', { accessToken: TOKEN, pageId: 'P' });
    const first = (await inner.credentials.get('A'))!.accessToken;
    expect(first).toMatch(/^pdenc1\.k1\.[\w-]{16}\.[\w-]+$/);
    expect(first).not.toContain(TOKEN);
    await store.credentials.put('A', { accessToken: TOKEN, pageId: 'P' });
    expect((await inner.credentials.get('A'))!.accessToken).not.toBe(first);
    expect(await store.credentials.get('A')).toEqual({ accessToken: TOKEN, pageId: 'P' });
    expect(await store.credentials.get('missing')).toBeUndefined();
    // Everything else passes through to the wrapped store.
    await store.channels.put(testEntities.channel({ id: 'A' }));
    expect((await inner.channels.get('A'))?.id).toBe('A');
  });

  it('refuses tampered ciphertext, a wrong key, a missing key and a record moved to another channel', async () => {
    const inner = memoryStore();
    await encryptCredentials(inner, { keys: [k1] }).credentials.put('A', { accessToken: TOKEN });
    const sealed = (await inner.credentials.get('A'))!.accessToken;

    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.at(-1)}`;
    await inner.credentials.put('T', { accessToken: flipped });
    const tampered = await failureOf(encryptCredentials(inner, { keys: [k1] }).credentials.get('T'));
    expect(tampered).toMatchObject({ reason: 'failed', keyId: 'k1', channelId: 'T' });

    const wrong = await failureOf(
      encryptCredentials(inner, { keys: [{ id: 'k1', key: randomBytes(32) }] }).credentials.get('A'),
    );
    expect(wrong.reason).toBe('failed');
    expect(wrong.message).toContain('"k1"');

    const missing = await failureOf(encryptCredentials(inner, { keys: [k2] }).credentials.get('A'));
    expect(missing).toMatchObject({ reason: 'missing_key', keyId: 'k1', code: 'credentials_missing_key' });

    await inner.credentials.put('B', { accessToken: sealed });
    expect((await failureOf(encryptCredentials(inner, { keys: [k1] }).credentials.get('B'))).reason).toBe(
      'failed',
    );
    await inner.credentials.put('M', { accessToken: 'pdenc1.k1.short' });
    expect((await failureOf(encryptCredentials(inner, { keys: [k1] }).credentials.get('M'))).reason).toBe(
      'malformed',
    );
  });

  it('rotates: the first key writes, all keys read, reencrypt() moves every record and plaintext ones too', async () => {
    const inner = memoryStore();
    const before = encryptCredentials(inner, { keys: [k1] });
    for (const id of ['A', 'B', 'C']) {
      await inner.channels.put(testEntities.channel({ id }));
      if (id !== 'C') await before.credentials.put(id, { accessToken: `${TOKEN}-${id}` });
    }
    // Written before encryption was turned on.
    await inner.credentials.put('C', { accessToken: `${TOKEN}-C` });

    const during = encryptCredentials(inner, { keys: [k2, k1] });
    expect((await during.credentials.get('A'))?.accessToken).toBe(`${TOKEN}-A`);
    expect((await during.credentials.get('C'))?.accessToken).toBe(`${TOKEN}-C`);
    expect(await during.reencrypt()).toBe(3);
    expect(await during.reencrypt()).toBe(0);

    const after = encryptCredentials(inner, { keys: [k2] });
    for (const id of ['A', 'B', 'C']) {
      expect((await inner.credentials.get(id))!.accessToken).toMatch(/^pdenc1\.k2\./);
      expect((await after.credentials.get(id))?.accessToken).toBe(`${TOKEN}-${id}`);
    }
  });

  it('validates keys and input, naming what is wrong', () => {
    const bad = (keys: unknown) => () =>
      encryptCredentials(memoryStore(), { keys } as Parameters<typeof encryptCredentials>[1]);
    expect(bad([])).toThrow(/at least one key/);
    expect(bad([{ id: 'k', key: randomBytes(16) }])).toThrow(/keys\[0\]\.key: expected 32 bytes/);
    expect(bad([{ id: 'k.1', key: randomBytes(32) }])).toThrow(/keys\[0\]\.id/);
    expect(bad([k1, { ...k1 }])).toThrow(/unique/);
    expect(bad([{ id: 'k', key: 'not base64!' }])).toThrow(ValidationError);
    const store = encryptCredentials(memoryStore(), { keys: [k1] });
    return expect(
      store.credentials.put('A', { accessToken: 1 } as unknown as { accessToken: string }),
    ).rejects.toSatisfy((e: unknown) => isPagedeskErrorCode(e, 'invalid_input'));
  });
});

// The wrapped store is still a Store: the whole contract passes through it.
describeStoreContract('encryptCredentials(memoryStore())', () =>
  encryptCredentials(memoryStore(), { keys: [k1] }),
);

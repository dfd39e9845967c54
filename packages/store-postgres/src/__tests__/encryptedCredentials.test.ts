import { randomBytes } from 'node:crypto';
import { memoryStore } from '@pagedesk/core';
import {
  CredentialsDecryptionError,
  encryptCredentials,
  ReencryptIncompleteError,
} from '@pagedesk/core/server';
import { testEntities } from '@pagedesk/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresStore, postgresStore } from '../index.js';
import { dropSchema, freshSchema, testPool } from './database.js';

// encryptCredentials over real PostgreSQL: what the credentials table holds, tampering in the
// database, and a key rotation of 10,000 records.

const pool = testPool(20);
const schema = freshSchema('encrypted');
let store: PostgresStore;
const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const COUNT = 10_000;

beforeAll(async () => {
  store = postgresStore({ pool, schema });
  await store.migrate();
});

afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('encryptCredentials over postgresStore', () => {
  it('keeps only ciphertext in the table and refuses a row altered in the database', async () => {
    const encrypted = encryptCredentials(store, { keys: [k1] });
    await store.channels.put(testEntities.channel({ id: 'P1' }));
    await encrypted.credentials.put('P1', { accessToken: 'EAAG-secret-page-token', pageId: 'F1' });
    const { rows } = await pool.query(`SELECT data FROM "${schema}".credentials WHERE channel_id = 'P1'`);
    expect(JSON.stringify(rows[0].data)).not.toContain('EAAG-secret-page-token');
    expect(await encrypted.credentials.get('P1')).toEqual({
      accessToken: 'EAAG-secret-page-token',
      pageId: 'F1',
    });
    // Flip one character inside the sealed body (not the last one, whose low bits base64 may ignore).
    await pool.query(
      `UPDATE "${schema}".credentials
         SET data = jsonb_set(data, '{accessToken}', to_jsonb(overlay(data->>'accessToken' PLACING
           CASE WHEN substr(data->>'accessToken', length(data->>'accessToken') - 8, 1) = 'A' THEN 'B' ELSE 'A' END
           FROM length(data->>'accessToken') - 8 FOR 1)))
       WHERE channel_id = 'P1'`,
    );
    await expect(encrypted.credentials.get('P1')).rejects.toBeInstanceOf(CredentialsDecryptionError);
  });

  it(`rotates ${COUNT.toLocaleString('en')} records to a new key`, { timeout: 180_000 }, async () => {
    // Seed in bulk: channel rows by SQL, credentials sealed under k1 (in memory) then inserted at once.
    const template = testEntities.channel({ id: 'X' });
    await pool.query(
      `INSERT INTO "${schema}".channels (id, data)
       SELECT 'R' || i, jsonb_set($1::jsonb, '{id}', to_jsonb('R' || i)) FROM generate_series(1, ${COUNT}) AS i`,
      [JSON.stringify(template)],
    );
    const staging = memoryStore();
    const sealer = encryptCredentials(staging, { keys: [k1] });
    const ids = Array.from({ length: COUNT }, (_, i) => `R${i + 1}`);
    for (const id of ids) await sealer.credentials.put(id, { accessToken: `token-${id}` });
    const sealed = await Promise.all(
      ids.map(async (id) => JSON.stringify(await staging.credentials.get(id))),
    );
    await pool.query(
      `INSERT INTO "${schema}".credentials (channel_id, data) SELECT * FROM unnest($1::text[], $2::jsonb[])`,
      [ids, sealed],
    );

    const rotating = encryptCredentials(store, { keys: [k2, k1] });
    const started = performance.now();
    const outcome = await rotating.reencrypt().catch((error: unknown) => error);
    const seconds = (performance.now() - started) / 1000;
    // Printed for the report; the assertions are on the outcome, not the speed.
    process.stdout.write(`reencrypt: ${COUNT} records in ${seconds.toFixed(1)} s\n`);
    // P1, altered in the database by the previous test, is left as it is and named.
    expect(outcome).toBeInstanceOf(ReencryptIncompleteError);
    expect(outcome).toMatchObject({
      rewritten: COUNT,
      failures: [{ channelId: 'P1', reason: 'failed', keyId: 'k1' }],
    });

    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".credentials WHERE data->>'accessToken' NOT LIKE 'pdenc1.k2.%'`,
    );
    expect(rows[0].n).toBe(1);
    const only2 = encryptCredentials(store, { keys: [k2] });
    for (const id of ['R1', 'R5000', `R${COUNT}`])
      expect((await only2.credentials.get(id))?.accessToken).toBe(`token-${id}`);
  });
});

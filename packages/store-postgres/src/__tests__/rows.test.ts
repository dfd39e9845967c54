import { isPagedeskErrorCode, ValidationError } from '@pagedesk/core';
import { testEntities } from '@pagedesk/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptRowError, postgresStore } from '../index.js';
import { dropSchema, freshSchema, testPool } from './database.js';

// Both boundaries of a row: what a caller puts is validated before it reaches the database, and what
// a row holds is validated when read, so a bad row fails where it is read, naming its table and id.

const pool = testPool(4);
const schema = freshSchema('rows');
const store = postgresStore({ pool, schema });
const { conversation, message, channel } = testEntities;

beforeAll(() => store.migrate());
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('rows read back', () => {
  it('throws a CorruptRowError naming the table, the id and the wrong field', async () => {
    await store.conversations.put(conversation({ id: 'bad' }));
    await pool.query(
      `UPDATE "${schema}".conversations SET data = jsonb_set(data, '{status}', '"archived"') WHERE id = 'bad'`,
    );
    const failure = await store.conversations.get('bad').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CorruptRowError);
    expect(failure).toMatchObject({ code: 'corrupt_row', table: 'conversations', id: 'bad' });
    expect((failure as CorruptRowError).issues.map((i) => i.path)).toEqual(['status']);
    // Lists fail the same way rather than hand out a bad entity.
    await expect(store.conversations.list({})).rejects.toBeInstanceOf(CorruptRowError);
  });

  it('names a nested field of a corrupt message', async () => {
    await store.messages.put(message({ id: 'm-bad', attachments: [{ kind: 'image', url: 'u' }] }));
    await pool.query(
      `UPDATE "${schema}".messages SET data = jsonb_set(data, '{attachments,0,kind}', '"hologram"') WHERE id = 'm-bad'`,
    );
    const failure = await store.messages.get('m-bad').catch((e: unknown) => e);
    expect(failure).toMatchObject({ table: 'messages', id: 'm-bad' });
    expect((failure as CorruptRowError).issues.map((i) => i.path)).toEqual(['attachments[0].kind']);
  });
});

describe('writes', () => {
  it('refuses an invalid entity with a ValidationError before touching the database', async () => {
    const failure = await store.channels
      .put({ ...channel({ id: 'X' }), status: 'sleeping' } as never)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).issues.map((i) => i.path)).toEqual(['status']);
    expect(await store.channels.get('X')).toBeUndefined();
    await expect(store.credentials.put('', { accessToken: 't' })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.credentials.put('X', {} as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.events.add('')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.messages.list('conv_1', { before: 'nonsense' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(store.conversations.list({ cursor: 'nonsense' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('matches search text literally: % and _ are not wildcards', async () => {
    await store.conversations.put(conversation({ id: 'pct', preview: '100% sure' }));
    await store.conversations.put(conversation({ id: 'plain', preview: '1000 sure' }));
    const ids = async (search: string) => (await store.conversations.list({ search })).items.map((c) => c.id);
    expect(await ids('0% s')).toEqual(['pct']);
    expect(await ids('1_0')).toEqual([]);
  });

  it('turns a database refusal into a typed error: a mid already used on the channel', async () => {
    await store.messages.put(message({ id: 'first', mid: 'mid.same' }));
    const failure = await store.messages
      .put(message({ id: 'second', mid: 'mid.same' }))
      .catch((e: unknown) => e);
    expect(isPagedeskErrorCode(failure, 'store_failed')).toBe(true);
    expect(failure).toMatchObject({ retryable: false });
    expect((failure as Error).message).toContain('messages_channel_mid');
  });
});

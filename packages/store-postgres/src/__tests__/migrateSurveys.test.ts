import { testEntities } from '@pagedesk/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../index.js';
import { migrateSchema } from '../migrate.js';
import { migrations } from '../migrations.js';
import { dropSchema, freshSchema, testPool } from './database.js';

// Migration 7 (survey scores): a conversation answered before it gets its score columns from the
// jsonb, and conversations written after it carry them on every put.

const pool = testPool(3);
const schema = freshSchema('surveymigrate');
const s = `"${schema}"`;
const answer = { type: 'csat' as const, score: 4, questionId: 'q1', answeredAt: 50, text: 'Good' };

beforeAll(async () => {
  const upTo5 = migrations.filter((m) => m.version <= 5);
  expect((await migrateSchema(pool, schema, upTo5)).version).toBe(5);
  // Written by a store at version 5: the columns do not exist yet, only the jsonb holds the answer.
  const c = testEntities.conversation({
    id: 'old',
    channelId: 'PAGE_A',
    organizationId: 'org_a',
    survey: answer,
  });
  await pool.query(
    `INSERT INTO ${s}.conversations (id, channel_id, platform, customer_id, source, post_id, status,
       assignee_id, unread_count, preview, last_message_at, created_at, data, organization_id)
     VALUES ($1, $2, $3, $4, $5, null, $6, null, 0, null, $7, $8, $9, 'org_a')`,
    [
      c.id,
      c.channelId,
      c.platform,
      c.customerId,
      c.source,
      c.status,
      c.lastMessageAt,
      c.createdAt,
      JSON.stringify(c),
    ],
  );
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('migration 7 (survey scores)', () => {
  const store = postgresStore({ pool, schema });

  it('backfills the columns from the stored answer, and writes them on every put', async () => {
    expect((await store.migrate()).version).toBe(migrations.at(-1)?.version);
    await store.conversations.put(
      testEntities.conversation({
        id: 'new',
        channelId: 'PAGE_A',
        organizationId: 'org_a',
        survey: { ...answer, type: 'nps', score: 9 },
      }),
    );
    await store.conversations.put(testEntities.conversation({ id: 'unrated', channelId: 'PAGE_A' }));
    const { rows } = await pool.query(
      `SELECT id, survey_type, survey_score FROM ${s}.conversations ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'new', survey_type: 'nps', survey_score: 9 },
      { id: 'old', survey_type: 'csat', survey_score: 4 },
      { id: 'unrated', survey_type: null, survey_score: null },
    ]);
    expect((await store.conversations.get('old'))?.survey).toEqual(answer);
  });
});

import { testEntities } from '@pagedesk/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../index.js';
import { migrateSchema } from '../migrate.js';
import { migrations } from '../migrations.js';
import { dropSchema, freshSchema, testPool } from './database.js';

// Migration 3 on a database that already holds an inbox: rows written at version 2 (with the SQL the
// store ran then, which knew no organisation column) get their channel's organisation.

const pool = testPool(3);
const schema = freshSchema('orgmigrate');
const s = `"${schema}"`;
const { channel, customer, conversation, message } = testEntities;

async function writeAtVersion2(): Promise<void> {
  const json = JSON.stringify;
  const channels = [
    channel({ id: 'PAGE_A', organizationId: 'org_a' }),
    channel({ id: 'PAGE_B', organizationId: 'org_b' }),
    channel({ id: 'PAGE_N' }),
  ];
  for (const ch of channels) {
    await pool.query(`INSERT INTO ${s}.channels (id, data) VALUES ($1, $2)`, [ch.id, json(ch)]);
    const cu = customer({ channelId: ch.id, psid: 'PSID_SAME' });
    await pool.query(
      `INSERT INTO ${s}.customers (id, channel_id, name, username, data) VALUES ($1, $2, $3, $4, $5)`,
      [cu.id, cu.channelId, cu.name, null, json(cu)],
    );
    for (const [n, status, assignee] of [
      [1, 'open', null],
      [2, 'resolved', 'agent-1'],
    ] as const) {
      const c = conversation({
        id: `${ch.id}-${n}`,
        channelId: ch.id,
        customerId: cu.id,
        status,
        assigneeId: assignee,
        lastMessageAt: 100 - n,
      });
      await pool.query(
        `INSERT INTO ${s}.conversations (id, channel_id, platform, customer_id, source, post_id, status,
           assignee_id, unread_count, preview, last_message_at, created_at, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          c.id,
          c.channelId,
          c.platform,
          c.customerId,
          c.source,
          null,
          c.status,
          c.assigneeId,
          0,
          null,
          c.lastMessageAt,
          c.createdAt,
          json(c),
        ],
      );
      const m = message({ id: `${c.id}-m`, conversationId: c.id, channelId: ch.id, mid: `mid.${n}` });
      await pool.query(
        `INSERT INTO ${s}.messages (id, conversation_id, channel_id, mid, direction, delivery, created_at, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [m.id, m.conversationId, m.channelId, m.mid, m.direction, m.delivery, m.createdAt, json(m)],
      );
    }
  }
}

beforeAll(async () => {
  const upTo2 = migrations.filter((m) => m.version <= 2);
  expect(await migrateSchema(pool, schema, upTo2)).toEqual({ applied: [1, 2], version: 2 });
  await writeAtVersion2();
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('migration 3 (organisations) on data written at version 2', () => {
  const store = postgresStore({ pool, schema });

  it('applies on top of version 2 and backfills every row from its channel', async () => {
    // 3 and every later migration (personas, numbered after it).
    const later = migrations.filter((m) => m.version >= 3).map((m) => m.version);
    expect(await store.migrate()).toEqual({ applied: later, version: later.at(-1) });
    expect(later[0]).toBe(3);
    const { rows } = await pool.query(
      `SELECT 'channels' AS t, id, organization_id FROM ${s}.channels
       UNION ALL SELECT 'customers', id, organization_id FROM ${s}.customers
       UNION ALL SELECT 'conversations', id, organization_id FROM ${s}.conversations ORDER BY 1, 2`,
    );
    expect(rows.map((r) => `${r.t} ${r.id} ${r.organization_id}`)).toEqual([
      'channels PAGE_A org_a',
      'channels PAGE_B org_b',
      'channels PAGE_N ',
      'conversations PAGE_A-1 org_a',
      'conversations PAGE_A-2 org_a',
      'conversations PAGE_B-1 org_b',
      'conversations PAGE_B-2 org_b',
      'conversations PAGE_N-1 ',
      'conversations PAGE_N-2 ',
      'customers PAGE_A:PSID_SAME org_a',
      'customers PAGE_B:PSID_SAME org_b',
      'customers PAGE_N:PSID_SAME ',
    ]);
  });

  it('reads the backfilled rows with their organisation, and filters by it', async () => {
    expect((await store.conversations.get('PAGE_B-1'))?.organizationId).toBe('org_b');
    expect((await store.customers.get('PAGE_A:PSID_SAME'))?.organizationId).toBe('org_a');
    expect(await store.conversations.get('PAGE_N-1')).not.toHaveProperty('organizationId');
    const ids = async (query: Parameters<typeof store.conversations.list>[0]) =>
      (await store.conversations.list(query)).items.map((c) => c.id);
    expect(await ids({ organizationId: 'org_a' })).toEqual(['PAGE_A-1', 'PAGE_A-2']);
    expect(await ids({ organizationId: 'org_b', status: 'open', assigneeId: null })).toEqual(['PAGE_B-1']);
    expect(await ids({ organizationId: null, assigneeId: 'agent-1' })).toEqual(['PAGE_N-2']);
    expect(await ids({ organizationId: 'org_a', search: 'ana' })).toEqual(['PAGE_A-1', 'PAGE_A-2']);
    expect((await store.channels.list({ organizationId: null })).map((c) => c.id)).toEqual(['PAGE_N']);
    // Messages were not touched.
    expect((await store.messages.getByMid('PAGE_A', 'mid.1'))?.id).toBe('PAGE_A-1-m');
  });

  it('purges a backfilled channel like any other', async () => {
    expect(await store.channels.purge('PAGE_A')).toEqual({
      channelId: 'PAGE_A',
      channel: true,
      conversations: 2,
      messages: 2,
      customers: 1,
      credentials: false,
      waiting: 0,
    });
    expect((await store.conversations.list({})).items.map((c) => c.channelId).sort()).toEqual([
      'PAGE_B',
      'PAGE_B',
      'PAGE_N',
      'PAGE_N',
    ]);
  });
});

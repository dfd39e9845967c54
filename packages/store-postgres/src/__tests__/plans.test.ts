import type { ConversationQuery } from '@pagedesk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkSql } from '../bulk.js';
import { postgresStore } from '../index.js';
import { pruneSql } from '../prune.js';
import { conversationListSql, messageListSql } from '../queries.js';
import { dropSchema, freshSchema, testPool } from './database.js';
import { seed } from './seed.js';

// The inbox's queries on a seeded table, as the planner runs them: each must be an index scan on the
// index made for it, never a sequential scan of conversations or messages.

const pool = testPool(2);
const schema = freshSchema('plans');
const store = postgresStore({ pool, schema });

beforeAll(async () => {
  await store.migrate();
  await seed(pool, schema, { conversations: 20_000, messages: 100_000 });
}, 60_000);
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function planOf(text: string, values: unknown[]): Promise<PlanNode[]> {
  const { rows } = await pool.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
  return nodes((rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan);
}

function expectIndex(plan: PlanNode[], index: string): void {
  const scans = plan.filter((n) => n['Relation Name'] !== undefined);
  expect(scans.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])).toEqual([]);
  expect(plan.map((n) => n['Index Name'] ?? n['Node Type'])).toContain(index);
}

describe('query plans on 20,000 conversations and 100,000 messages', () => {
  const cases: Array<[string, ConversationQuery, string]> = [
    ['no filter', {}, 'conversations_activity'],
    ['by channel', { channelId: 'PAGE_3' }, 'conversations_channel_activity'],
    ['next page', { cursor: `${1_767_225_600_000 + 10_000_000}:conv_00010000` }, 'conversations_activity'],
  ];
  // Every inbox filter of one organisation, and of none (a single-tenant host: organizationId null).
  for (const organizationId of ['org_3', null]) {
    const org = { organizationId };
    const label = organizationId ?? 'no organisation';
    cases.push(
      [`${label}`, org, 'conversations_org_activity'],
      [`${label}, by channel`, { ...org, channelId: 'PAGE_3' }, 'conversations_channel_activity'],
      [
        `${label}, some channels`,
        { ...org, channelIds: ['PAGE_3', 'PAGE_49', 'PAGE_3'], status: 'open' },
        'conversations_channel_activity',
      ],
      [
        `${label}, by status and assignee`,
        { ...org, status: 'open', assigneeId: 'agent-5' },
        'conversations_org_status_assignee_activity',
      ],
      [
        `${label}, open and unassigned`,
        { ...org, status: 'open', assigneeId: null },
        'conversations_org_status_unassigned_activity',
      ],
      [`${label}, unassigned`, { ...org, assigneeId: null }, 'conversations_org_unassigned_activity'],
      [`${label}, by assignee`, { ...org, assigneeId: 'agent-5' }, 'conversations_org_assignee_activity'],
      [`${label}, unread`, { ...org, unread: true }, 'conversations_org_unread_activity'],
      [`${label}, search`, { ...org, search: 'message 12' }, 'conversations_org_activity'],
      [
        `${label}, next page`,
        { ...org, cursor: `${1_767_225_600_000 + 10_000_000}:conv_00010000` },
        'conversations_org_activity',
      ],
    );
  }
  // A customer's thread (the earlier conversations above the open one) reads that customer's rows only.
  cases.push([
    "one customer's thread",
    { organizationId: 'org_3', channelIds: ['PAGE_3'], channelId: 'PAGE_3', customerId: 'PAGE_3:PSID_153' },
    'conversations_latest',
  ]);
  for (const [label, query, index] of cases) {
    it(`conversations.list ${label} uses ${index}`, async () => {
      const { text, values } = conversationListSql(schema, query);
      expectIndex(await planOf(text, values), index);
    });
  }

  it('pages one organisation to its end without reaching another (every row of it, once)', async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await store.conversations.list({
        organizationId: 'org_3',
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const c of result.items) {
        expect(c.organizationId).toBe('org_3');
        seen.add(c.id);
      }
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".conversations WHERE organization_id = 'org_3'`,
    );
    expect(seen.size).toBe(rows[0].n);
    expect(seen.size).toBeGreaterThan(300);
    const none = await store.conversations.list({ organizationId: null, limit: 100 });
    expect(none.items.every((c) => c.organizationId === undefined && c.channelId === 'PAGE_49')).toBe(true);
  });

  it("purge finds a channel's rows through indexes (EXPLAIN only: nothing is deleted)", async () => {
    const s = `"${schema}"`;
    const plan = (text: string) => planOf(text, ['PAGE_3']);
    expectIndex(await plan(`DELETE FROM ${s}.customers WHERE channel_id = $1`), 'customers_channel');
    expectIndex(
      await plan(`DELETE FROM ${s}.conversations WHERE channel_id = $1`),
      'conversations_channel_activity',
    );
    expectIndex(
      await plan(
        `DELETE FROM ${s}.messages WHERE conversation_id = ANY(ARRAY(SELECT id FROM ${s}.conversations WHERE channel_id = $1))`,
      ),
      'messages_conversation_order',
    );
    expectIndex(
      await plan(`DELETE FROM ${s}.messages WHERE channel_id = $1 AND mid IS NOT NULL`),
      'messages_channel_mid',
    );
  });

  it('search reads message bodies through messages_text_trgm, not every message', async () => {
    const { text, values } = conversationListSql(schema, { organizationId: 'org_3', search: 'hello 4242' });
    expectIndex(await planOf(text, values), 'messages_text_trgm');
    // Message 4242 belongs to conversation 4243 (seed.ts), of PAGE_43; its preview says "Message 4243".
    const page = await store.conversations.list({ organizationId: 'org_43', search: 'hello 4242' });
    expect(page.items.map((c) => c.id)).toEqual(['conv_00004243']);
  });

  it('prune finds the oldest processed events and waiting effects through their age indexes (EXPLAIN only)', async () => {
    const s = `"${schema}"`;
    // A day of processed ids, one a second; prune runs often, so each run removes the oldest few.
    const day = 86_400;
    await pool.query(
      `INSERT INTO ${s}.processed_events (id, processed_at)` +
        ` SELECT 'event.' || g, now() - make_interval(secs => ${day} - g) FROM generate_series(1, ${day}) g`,
    );
    await pool.query(
      `INSERT INTO ${s}.waiting_effects (channel_id, mid, data, added_at)` +
        ` SELECT 'PAGE_3', 'mid.w' || g, '{"type":"unsend"}', now() - make_interval(secs => ${day} - g)` +
        ` FROM generate_series(1, ${day}) g`,
    );
    await pool.query(`ANALYZE ${s}.processed_events, ${s}.waiting_effects`);
    const cutoff = new Date(Date.now() - (day - 600) * 1000);
    const sql = pruneSql(s);
    expectIndex(await planOf(sql.events, [cutoff]), 'processed_events_age');
    expectIndex(await planOf(sql.waiting, [cutoff]), 'waiting_effects_age');
  });

  it('the plans return what they should: an unassigned open page, newest first', async () => {
    const page = await store.conversations.list({ status: 'open', assigneeId: null, limit: 5 });
    expect(page.items).toHaveLength(5);
    for (const c of page.items) expect(c).toMatchObject({ status: 'open', assigneeId: null });
    const times = page.items.map((c) => c.lastMessageAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('messages.list (newest page and before a cursor) uses messages_conversation_order', async () => {
    const newest = messageListSql(schema, 'conv_00000042', {});
    expectIndex(await planOf(newest.text, newest.values), 'messages_conversation_order');
    const page = await store.messages.list('conv_00000042', { limit: 3 });
    expect(page.nextCursor).not.toBeNull();
    const before = messageListSql(schema, 'conv_00000042', { before: page.nextCursor! });
    expectIndex(await planOf(before.text, before.values), 'messages_conversation_order');
  });

  it("a unit's bulk reads probe their indexes, one range per key", async () => {
    const sql = bulkSql(`"${schema}"`);
    // 100 customers of a delivery, some without a conversation yet.
    const customers = Array.from(
      { length: 100 },
      (_, i) => `PAGE_3:PSID_${i % 2 === 0 ? 50 * i + 3 : `new_${i}`}`,
    );
    const latest = await planOf(sql.conversationsLatest, ['PAGE_3', customers, 'message']);
    expectIndex(latest, 'conversations_latest');
    // Each customer's newest row alone: a LIMIT per customer, no sort of all their conversations.
    expect(latest.map((n) => n['Node Type'])).toContain('Limit');
    expect(latest.map((n) => n['Node Type'])).not.toContain('Sort');
    const found = await store.conversations.findLatestMany!({
      channelId: 'PAGE_3',
      customerIds: customers,
      source: 'message',
    });
    expect(found.size).toBe(50);
    expect(found.get('PAGE_3:PSID_3')?.id).toBe('conv_00000003');
    expectIndex(await planOf(sql.customersGet, [customers]), 'customers_pkey');
    expectIndex(await planOf(sql.messagesByMid, ['PAGE_3', ['mid.2', 'mid.52']]), 'messages_channel_mid');
    expectIndex(await planOf(sql.eventsHas, [['e1', 'e2']]), 'processed_events_pkey');
    expectIndex(await planOf(sql.waitingTake, ['PAGE_3', ['mid.2']]), 'waiting_effects_pkey');
  });

  it('getByMid, listPending and findLatest use their indexes', async () => {
    const s = `"${schema}"`;
    expectIndex(
      await planOf(`SELECT id, data FROM ${s}.messages WHERE channel_id = $1 AND mid = $2`, [
        'PAGE_3',
        'mid.77',
      ]),
      'messages_channel_mid',
    );
    expectIndex(
      await planOf(
        `SELECT id, data FROM ${s}.messages WHERE delivery = 'pending' ORDER BY created_at, id LIMIT $1`,
        [100],
      ),
      'messages_pending',
    );
    expectIndex(
      await planOf(
        `SELECT id, data FROM ${s}.conversations WHERE channel_id = $1 AND customer_id = $2 AND source = $3 ORDER BY created_at DESC, id DESC LIMIT 1`,
        ['PAGE_3', 'PAGE_3:PSID_3', 'message'],
      ),
      'conversations_latest',
    );
    expect((await store.messages.listPending(1000)).length).toBe(200);
    expect((await store.messages.getByMid('PAGE_3', 'mid.2'))?.id).toBe('msg_000000002');
  });
});

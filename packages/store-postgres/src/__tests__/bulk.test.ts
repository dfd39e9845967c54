import { type Customer, createInbox } from '@pagedesk/core';
import { testEntities, testEvents } from '@pagedesk/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../index.js';
import { dropSchema, freshSchema, testPool } from './database.js';

// A bulk write sends its rows as one jsonb array (bulk.ts): every column must come out of it exactly as
// a single put writes it, including the values JSON and SQL text treat specially.

const pool = testPool(4);
const schema = freshSchema('bulk');
const store = postgresStore({ pool, schema });
const { customer, conversation, message } = testEntities;

beforeAll(() => store.migrate());
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

const withoutName = ({ name: _, ...rest }: Customer): Customer => rest;
const awkward = "Quote \" backslash \\ brace {x} comma, NULL \u00e9\u{1f600} 'single'";
const at = 1_767_225_600_000.125;

/** Every column of `table` but `data`, and `data` as text, per id (ids in `ids`). */
async function columns(table: string, ids: string[]): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT to_jsonb(t) - 'data' AS cols, data FROM "${schema}".${table} t WHERE id = ANY($1::text[]) ORDER BY id`,
    [ids],
  );
  return rows.map((r: { cols: Record<string, unknown>; data: unknown }) => ({
    ...r.cols,
    id: String(r.cols.id).replace(/^(single|many)_/, ''),
    data: { ...(r.data as object), id: '' },
  }));
}

describe('bulk writes', () => {
  it('putMany writes every column as put does (text, nulls, fractional times, organisations, surveys)', async () => {
    const customers = (p: string) => [
      customer({ id: `${p}_a`, name: awkward, username: 'null' }),
      withoutName(customer({ id: `${p}_b`, organizationId: 'org_1' })),
    ];
    const conversations = (p: string) => [
      conversation({
        id: `${p}_a`,
        preview: awkward,
        lastMessageAt: at,
        createdAt: at - 0.5,
        unreadCount: 3,
      }),
      conversation({
        id: `${p}_b`,
        organizationId: 'org_1',
        assigneeId: 'agent "1"',
        source: 'comment',
        comment: { postId: 'POST_\\1', commentId: 'c1', privateReplySentAt: null },
        survey: { type: 'csat', score: 4, questionId: 'q1', answeredAt: at },
      }),
    ];
    const messages = (p: string) => [
      message({ id: `${p}_a`, text: awkward, mid: `${p}.mid.1`, createdAt: at }),
      message({
        id: `${p}_b`,
        text: '',
        direction: 'outbound',
        delivery: 'pending',
        author: { kind: 'agent' },
      }),
    ];
    for (const c of customers('single')) await store.customers.put(c);
    for (const c of conversations('single')) await store.conversations.put(c);
    for (const m of messages('single')) await store.messages.put(m);
    await store.customers.putMany!(customers('many'));
    await store.conversations.putMany!(conversations('many'));
    await store.messages.putMany!(messages('many'));
    for (const [table, make] of [
      ['customers', customers],
      ['conversations', conversations],
      ['messages', messages],
    ] as const) {
      const single = await columns(
        table,
        make('single').map((e) => e.id),
      );
      const many = await columns(
        table,
        make('many').map((e) => e.id),
      );
      expect(single).toHaveLength(2);
      expect(JSON.stringify(many).replaceAll('many', 'single')).toBe(JSON.stringify(single));
    }
    expect((await store.conversations.get('many_a'))?.lastMessageAt).toBe(at);
    expect((await store.messages.get('many_a'))?.text).toBe(awkward);
  });
});

describe('NUL characters', () => {
  // PostgreSQL keeps no NUL in text or jsonb: without the replacement a customer's message holding one
  // failed its delivery on every retry (the webhook answered 500 until Meta gave up on the page).
  const nul = 'a\u0000b';
  const kept = 'a\ufffdb';
  // Written out by a person: a backslash, then "u0000". JSON escapes the backslash; it stays as it is.
  const literal = 'C:\\u0000\\\\u0000';

  it('stores each as U+FFFD, in columns and in the entity, by put and putMany alike', async () => {
    await store.customers.put(customer({ id: 'nul_single', name: nul }));
    await store.customers.putMany!([customer({ id: 'nul_many', name: nul })]);
    await store.conversations.put(conversation({ id: 'nul_single', preview: `${nul} ${literal}` }));
    await store.messages.putMany!([
      message({ id: 'nul_many', mid: 'mid.nul', text: `${nul}\u0000${literal}` }),
    ]);
    expect((await store.customers.get('nul_single'))?.name).toBe(kept);
    expect((await store.customers.get('nul_many'))?.name).toBe(kept);
    const { rows } = await pool.query(`SELECT name FROM "${schema}".customers WHERE id = 'nul_many'`);
    expect(rows[0].name).toBe(kept);
    expect((await store.conversations.get('nul_single'))?.preview).toBe(`${kept} ${literal}`);
    expect((await store.messages.get('nul_many'))?.text).toBe(`${kept}\ufffd${literal}`);
  });

  it("applies a customer's message that holds one, as every other", async () => {
    const inbox = createInbox({ store });
    const errors: unknown[] = [];
    inbox.on('error', (error) => errors.push(error));
    await inbox.apply([
      testEvents.message({ pageId: 'PAGE_NUL', customerId: 'PSID_NUL', mid: 'mid.nul.2', text: nul }),
    ]);
    expect(errors).toEqual([]);
    const conversation = await store.conversations.findLatest({
      channelId: 'PAGE_NUL',
      customerId: 'PAGE_NUL:PSID_NUL',
      source: 'message',
    });
    expect(conversation?.preview).toBe(kept);
    // An edit delivered before its message waits in waiting_effects (one row, its own parameter).
    await inbox.apply([
      testEvents.edit({ pageId: 'PAGE_NUL', customerId: 'PSID_NUL', mid: 'mid.nul.3', text: nul }),
    ]);
    await inbox.apply([
      testEvents.message({ pageId: 'PAGE_NUL', customerId: 'PSID_NUL', mid: 'mid.nul.3', text: 'before' }),
    ]);
    expect(errors).toEqual([]);
    const edited = await store.messages.getByMid('PAGE_NUL', 'mid.nul.3');
    expect(edited?.text).toBe(kept);
  });
});

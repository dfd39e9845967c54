import {
  type Conversation,
  type Customer,
  conversationSchema,
  customerSchema,
  type Message,
  type MessageEffect,
  messageEffectSchema,
  messageSchema,
  parseOrThrow,
  type SafeParser,
  type Store,
} from '@pagedesk/core';
import { z } from 'zod';
import type { Executor } from './executor.js';
import { parseRow } from './rows.js';
import { storableJson } from './sql.js';

// The rows each entity is written as, and the store's bulk methods: one statement per call whatever the
// number of items, so each text is prepared once per connection. The inbox applies a delivery's events
// of one channel in one transaction with these: a fixed number of round trips per batch instead of
// about ten per event. A bulk write sends its rows as one jsonb array of row arrays: one JSON.stringify
// in Node and one jsonb parse in the backend, where unnest of one array per column cost pg's array
// encoding (escaping every JSON text) and the backend's array parsing before its jsonb parsing.

/** The `organization_id` column's value: '' for none, so a single-tenant query is an equality too. */
export function organizationKey(organizationId: string | null | undefined): string {
  return organizationId ?? '';
}

const idList = z.array(z.string().min(1, 'expected a non-empty string'));

// The `data` column's value is the validated entity itself: pg serialises an object as JSON for a single
// row's parameter, and JSON.stringify embeds it in a bulk write's array.

/** A customer's column values, in the order of `tables.customers`. */
export function customerRow(customer: Customer): unknown[] {
  const c = parseOrThrow(customerSchema, customer, 'customer');
  return [c.id, c.channelId, organizationKey(c.organizationId), c.name ?? null, c.username ?? null, c];
}

export function conversationRow(conversation: Conversation): unknown[] {
  const c = parseOrThrow(conversationSchema, conversation, 'conversation');
  return [
    c.id,
    c.channelId,
    c.platform,
    c.customerId,
    c.source,
    c.comment?.postId ?? null,
    c.status,
    c.assigneeId,
    c.unreadCount,
    c.preview ?? null,
    c.lastMessageAt,
    c.createdAt,
    c,
    organizationKey(c.organizationId),
    c.survey?.type ?? null,
    c.survey?.score ?? null,
  ];
}

export function messageRow(message: Message): unknown[] {
  const m = parseOrThrow(messageSchema, message, 'message');
  return [m.id, m.conversationId, m.channelId, m.mid ?? null, m.direction, m.delivery, m.createdAt, m];
}

interface Table {
  name: string;
  /** Column names and their PostgreSQL types, in row order; the first is the key. */
  columns: ReadonlyArray<readonly [string, string]>;
}

export const tables = {
  customers: {
    name: 'customers',
    columns: [
      ['id', 'text'],
      ['channel_id', 'text'],
      ['organization_id', 'text'],
      ['name', 'text'],
      ['username', 'text'],
      ['data', 'jsonb'],
    ],
  },
  conversations: {
    name: 'conversations',
    columns: [
      ['id', 'text'],
      ['channel_id', 'text'],
      ['platform', 'text'],
      ['customer_id', 'text'],
      ['source', 'text'],
      ['post_id', 'text'],
      ['status', 'text'],
      ['assignee_id', 'text'],
      ['unread_count', 'float8'],
      ['preview', 'text'],
      ['last_message_at', 'float8'],
      ['created_at', 'float8'],
      ['data', 'jsonb'],
      ['organization_id', 'text'],
      ['survey_type', 'text'],
      ['survey_score', 'float8'],
    ],
  },
  messages: {
    name: 'messages',
    columns: [
      ['id', 'text'],
      ['conversation_id', 'text'],
      ['channel_id', 'text'],
      ['mid', 'text'],
      ['direction', 'text'],
      ['delivery', 'text'],
      ['created_at', 'float8'],
      ['data', 'jsonb'],
    ],
  },
} satisfies Record<string, Table>;

/** A column's value in a bulk write's row `r` (a jsonb array): text, a number cast, or the jsonb itself. */
function element(type: string, i: number): string {
  if (type === 'jsonb') return `r->${i}`;
  if (type === 'text') return `r->>${i}`;
  return `(r->>${i})::${type}`;
}

/**
 * `INSERT … ON CONFLICT (id) DO UPDATE` of one row (`$1…$n`), or of many (`$1`: a jsonb array of rows,
 * each an array of the column values in order).
 */
export function upsertSql(schema: string, table: Table, many: boolean): string {
  const names = table.columns.map(([name]) => name);
  const source = many
    ? `SELECT ${table.columns.map(([, type], i) => element(type, i)).join(', ')} FROM jsonb_array_elements($1::jsonb) r`
    : `VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`;
  return (
    `INSERT INTO ${schema}.${table.name} (${names.join(', ')}) ${source}` +
    ` ON CONFLICT (id) DO UPDATE SET ${names
      .slice(1)
      .map((n) => `${n} = EXCLUDED.${n}`)
      .join(', ')}`
  );
}

/** The rows of `items` as one JSON array of row arrays; the last item of an id wins (one upsert per row). */
function rowsOf<T extends { id: string }>(items: readonly T[], row: (item: T) => unknown[]): string {
  const byId = new Map<string, unknown[]>();
  for (const item of items) {
    const values = row(item);
    byId.delete(values[0] as string);
    byId.set(values[0] as string, values);
  }
  return storableJson(JSON.stringify([...byId.values()]));
}

interface Row {
  id: string;
  data: unknown;
}

/** The statements of the bulk methods, on the quoted schema `s` (exported for the plan tests). */
export function bulkSql(s: string) {
  return {
    customersGet: `SELECT id, data FROM ${s}.customers WHERE id = ANY($1::text[])`,
    customersPut: upsertSql(s, tables.customers, true),
    // Each customer's newest row on its own (a LIMIT 1 range of conversations_latest per customer):
    // DISTINCT ON over ANY(...) read and sorted every conversation the customers ever had.
    conversationsLatest:
      `SELECT k.id AS key, c.id, c.data FROM unnest($2::text[]) AS k(id) CROSS JOIN LATERAL` +
      ` (SELECT id, data FROM ${s}.conversations WHERE channel_id = $1 AND customer_id = k.id AND source = $3` +
      ' ORDER BY created_at DESC, id DESC LIMIT 1) c',
    conversationsPut: upsertSql(s, tables.conversations, true),
    messagesByMid: `SELECT mid AS key, id, data FROM ${s}.messages WHERE channel_id = $1 AND mid = ANY($2::text[])`,
    messagesPut: upsertSql(s, tables.messages, true),
    eventsHas: `SELECT id FROM ${s}.processed_events WHERE id = ANY($1::text[])`,
    eventsAdd: `INSERT INTO ${s}.processed_events (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
    waitingTake:
      `DELETE FROM ${s}.waiting_effects WHERE channel_id = $1 AND mid = ANY($2::text[])` +
      ' RETURNING mid AS key, seq::text AS id, data',
  };
}

/** The bulk methods of the store, on `query` (which joins the caller's unit). */
export function postgresBulk(query: Executor['query'], s: string) {
  const sql = bulkSql(s);

  async function keyed<T>(
    text: string,
    values: unknown[],
    parse: SafeParser<T>,
    table: string,
  ): Promise<Map<string, T>> {
    const rows = await query<Row & { key: string }>(text, values);
    return new Map(rows.map((row) => [row.key, parseRow(parse, table, row)]));
  }
  async function putMany<T extends { id: string }>(
    text: string,
    items: readonly T[],
    row: (item: T) => unknown[],
  ) {
    if (items.length === 0) return;
    await query(text, [rowsOf(items, row)]);
  }
  const ids = (list: readonly string[], what: string) => parseOrThrow(idList, list, what);

  return {
    customers: {
      async getMany(list: readonly string[]): Promise<ReadonlyMap<string, Customer>> {
        if (list.length === 0) return new Map();
        const rows = await query<Row>(sql.customersGet, [ids(list, 'customer ids')]);
        return new Map(rows.map((row) => [row.id, parseRow(customerSchema, 'customers', row)]));
      },
      putMany: (items: readonly Customer[]) => putMany(sql.customersPut, items, customerRow),
    },
    conversations: {
      findLatestMany({
        channelId,
        customerIds,
        source,
      }: Parameters<NonNullable<Store['conversations']['findLatestMany']>>[0]) {
        if (customerIds.length === 0) return Promise.resolve(new Map<string, Conversation>());
        return keyed(
          sql.conversationsLatest,
          [channelId, ids(customerIds, 'customer ids'), source],
          conversationSchema,
          'conversations',
        );
      },
      putMany: (items: readonly Conversation[]) => putMany(sql.conversationsPut, items, conversationRow),
    },
    messages: {
      getByMids(channelId: string, mids: readonly string[]): Promise<ReadonlyMap<string, Message>> {
        if (mids.length === 0) return Promise.resolve(new Map());
        return keyed(sql.messagesByMid, [channelId, ids(mids, 'mids')], messageSchema, 'messages');
      },
      putMany: (items: readonly Message[]) => putMany(sql.messagesPut, items, messageRow),
    },
    events: {
      async hasMany(list: readonly string[]): Promise<ReadonlySet<string>> {
        if (list.length === 0) return new Set();
        const rows = await query<{ id: string }>(sql.eventsHas, [ids(list, 'event ids')]);
        return new Set(rows.map((row) => row.id));
      },
      async addMany(list: readonly string[]): Promise<void> {
        if (list.length === 0) return;
        await query(sql.eventsAdd, [ids(list, 'event ids')]);
      },
    },
    async takeWaiting(
      channelId: string,
      mids: readonly string[],
    ): Promise<ReadonlyMap<string, MessageEffect[]>> {
      const taken = new Map<string, MessageEffect[]>();
      if (mids.length === 0) return taken;
      const rows = await query<Row & { key: string }>(sql.waitingTake, [channelId, ids(mids, 'mids')]);
      // RETURNING has no order: the identity column holds the order they were added in.
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      for (const row of rows) {
        const effect = parseRow(messageEffectSchema, 'waiting_effects', row);
        const list = taken.get(row.key);
        if (list) list.push(effect);
        else taken.set(row.key, [effect]);
      }
      return taken;
    },
  };
}

import {
  type ChannelCredentials,
  type ChannelPurgeReport,
  type Conversation,
  channelSchema,
  conversationSchema,
  customerSchema,
  DELIVERY_RANK,
  type DeliveryState,
  encodeCursor,
  type Message,
  messageEffectSchema,
  messageSchema,
  type Paged,
  parseOrThrow,
  type SafeParser,
  type Store,
  ValidationError,
} from '@pagedesk/core';
import { Pool } from 'pg';
import { z } from 'zod';
import {
  conversationRow,
  customerRow,
  messageRow,
  organizationKey,
  postgresBulk,
  tables,
  upsertSql,
} from './bulk.js';
import { createExecutor } from './executor.js';
import { postgresLease } from './lease.js';
import { type MigrateResult, migrateSchema } from './migrate.js';
import { DEFAULT_STATEMENT_TIMEOUT_MS, type PostgresStoreOptions, parseOptions } from './options.js';
import { postgresPersonas } from './personas.js';
import { postgresPrune } from './prune.js';
import { conversationListSql, messageListSql } from './queries.js';
import { parseRow } from './rows.js';
import { quoteIdent } from './sql.js';
import { postgresTemplates } from './templates.js';

/** A `Store` on PostgreSQL, with units (`atomic`), migrations and its pool's lifetime. */
export interface PostgresStore extends Store {
  /**
   * Runs `work` in one transaction under advisory locks: its writes commit together or not at all (the
   * error is rethrown as it was). No other unit of the same `scope` runs meanwhile on any server
   * sharing the schema; a unit without a scope excludes every other unit. Store calls inside `work`
   * join it; a nested `atomic` joins the outer unit.
   */
  atomic<T>(work: () => Promise<T>, scope?: string): Promise<T>;
  /** Deletes processed event ids and waiting effects recorded before `olderThan`, in bounded batches. */
  prune: NonNullable<Store['prune']>;
  /** A session advisory lock per name, released by PostgreSQL when its holder's connection ends. */
  lease: NonNullable<Store['lease']>;
  /** What waits for a message, in the database: whichever server stores the message applies it. */
  waiting: NonNullable<Store['waiting']>;
  /** Persona ids per page and agent, shared by every server. */
  personas: NonNullable<Store['personas']>;
  /** Reply templates per organisation, shared by every server. */
  templates: NonNullable<Store['templates']>;
  /** Creates or upgrades the tables; safe to call from several servers at once, a no-op when up to date. */
  migrate(): Promise<MigrateResult>;
  /** Ends the pool when the store created it (`connectionString`); a host's pool is left open. */
  close(): Promise<void>;
  /** The PostgreSQL schema the tables live in. */
  readonly schema: string;
  /** The pool queries run on (the host's, or the one the store created). */
  readonly pool: Pool;
}

const credentialsSchema = z.object({
  accessToken: z.string(),
  connectedByUserId: z.string().optional(),
  pageId: z.string().optional(),
});
const nonEmpty = z.string().min(1, 'expected a non-empty string');
const channelFilterSchema = z.object({ organizationId: z.string().min(1).nullable().optional() });

const pendingLimitSchema = z.number().refine(Number.isFinite, 'expected a finite number');

interface Row {
  id: string;
  data: unknown;
}

const unsettled: DeliveryState[] = ['pending', 'sent', 'delivered'];

/**
 * A `Store` on PostgreSQL, so several servers can share one inbox. Entities are kept as JSONB beside
 * the typed columns the inbox queries need (indexed for each list filter and keyset-paged); every
 * write is an upsert by id, every row read back is validated. Call `await store.migrate()` once at
 * start-up: the store never changes the schema by itself, and a read before it throws
 * `StoreNotMigratedError`. Passes the store contract suite of `@pagedesk/core/testing`.
 *
 * @param options `{ pool }` to use the host's `pg.Pool` (never ended by the store), or
 *   `{ connectionString, max? }` for a pool the store owns; `schema` names the PostgreSQL schema
 *   (`pagedesk` by default).
 * @returns The store, with `atomic`, `migrate` and `close`.
 * @example
 * import { createInbox } from '@pagedesk/core';
 * import { postgresStore } from '@pagedesk/store-postgres';
 *
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL! });
 * await store.migrate();
 * const inbox = createInbox({ store });
 * // on shutdown
 * await store.close();
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const parsed = parseOptions(options);
  const schema = parsed.schema ?? 'pagedesk';
  const owned = 'connectionString' in parsed;
  const statementTimeoutMs = parsed.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const pool: Pool = owned
    ? new Pool({
        connectionString: parsed.connectionString,
        ...(parsed.max === undefined ? {} : { max: parsed.max }),
        ...(statementTimeoutMs > 0
          ? { statement_timeout: statementTimeoutMs, connectionTimeoutMillis: statementTimeoutMs }
          : {}),
      })
    : parsed.pool;
  if (owned) {
    // An idle client's connection dropping emits 'error' on the pool, which would crash the process
    // unhandled; the next query on it fails with a typed, retryable error instead. A checked-out client
    // emits it on itself when its server goes away between two queries (a restart sends an error
    // first, then closes): every client keeps a listener for its whole life, whoever holds it, and its
    // next query fails the same way.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
  }
  const { query, atomic } = createExecutor(pool, schema, statementTimeoutMs);
  const s = quoteIdent(schema);
  const bulk = postgresBulk(query, s);
  let closed = false;

  const sql = {
    channelGet: `SELECT id, data FROM ${s}.channels WHERE id = $1`,
    channelList: `SELECT id, data FROM ${s}.channels ORDER BY id`,
    channelListOrg: `SELECT id, data FROM ${s}.channels WHERE organization_id = $1 ORDER BY organization_id, id`,
    channelPut:
      `INSERT INTO ${s}.channels (id, organization_id, data) VALUES ($1, $2, $3)` +
      ' ON CONFLICT (id) DO UPDATE SET organization_id = EXCLUDED.organization_id, data = EXCLUDED.data',
    credentialsGet: `SELECT channel_id AS id, data FROM ${s}.credentials WHERE channel_id = $1`,
    credentialsPut: `INSERT INTO ${s}.credentials (channel_id, data) VALUES ($1, $2) ON CONFLICT (channel_id) DO UPDATE SET data = EXCLUDED.data`,
    credentialsDelete: `DELETE FROM ${s}.credentials WHERE channel_id = $1`,
    customerGet: `SELECT id, data FROM ${s}.customers WHERE id = $1`,
    customerPut: upsertSql(s, tables.customers, false),
    conversationGet: `SELECT id, data FROM ${s}.conversations WHERE id = $1`,
    conversationLatest:
      `SELECT id, data FROM ${s}.conversations WHERE channel_id = $1 AND customer_id = $2 AND source = $3` +
      ' ORDER BY created_at DESC, id DESC LIMIT 1',
    conversationLatestOfPost:
      `SELECT id, data FROM ${s}.conversations WHERE channel_id = $1 AND customer_id = $2 AND source = $3` +
      ' AND post_id = $4 ORDER BY created_at DESC, id DESC LIMIT 1',
    conversationPut: upsertSql(s, tables.conversations, false),
    messageGet: `SELECT id, data FROM ${s}.messages WHERE id = $1`,
    messageByMid: `SELECT id, data FROM ${s}.messages WHERE channel_id = $1 AND mid = $2`,
    messageBehind:
      `SELECT id, data FROM ${s}.messages WHERE conversation_id = $1 AND created_at <= $2` +
      ` AND direction <> 'inbound' AND delivery IN ('pending', 'sent', 'delivered') AND delivery = ANY($3::text[])` +
      ' ORDER BY created_at, id',
    messagePending: `SELECT id, data FROM ${s}.messages WHERE delivery = 'pending' ORDER BY created_at, id LIMIT $1`,
    messagePut: upsertSql(s, tables.messages, false),
    eventHas: `SELECT 1 AS found FROM ${s}.processed_events WHERE id = $1`,
    eventAdd: `INSERT INTO ${s}.processed_events (id) VALUES ($1) ON CONFLICT DO NOTHING`,
    // An effect whose message never comes (a reaction to a message from before Pagedesk) must not stay
    // forever: each add drops what has waited a week, in the same statement.
    waitingAdd:
      `WITH expired AS (DELETE FROM ${s}.waiting_effects WHERE added_at < now() - interval '7 days')` +
      ` INSERT INTO ${s}.waiting_effects (channel_id, mid, data) VALUES ($1, $2, $3)`,
    waitingTake: `DELETE FROM ${s}.waiting_effects WHERE channel_id = $1 AND mid = $2 RETURNING seq::text AS id, data`,
    waitingRaise:
      `INSERT INTO ${s}.receipt_watermarks AS w (channel_id, psid, delivered, read) VALUES ($1, $2, $3, $4)` +
      ' ON CONFLICT (channel_id, psid) DO UPDATE SET delivered = GREATEST(w.delivered, EXCLUDED.delivered),' +
      ' read = GREATEST(w.read, EXCLUDED.read)',
    waitingMarks: `SELECT delivered, read FROM ${s}.receipt_watermarks WHERE channel_id = $1 AND psid = $2`,
    // Purge: messages through their conversations (messages_conversation_order; the ids as an array so
    // the planner probes the index rather than hashing the whole table), then any left by mid
    // (messages_channel_mid); every other table by its channel_id index or key.
    purgeMessages:
      `WITH gone AS (DELETE FROM ${s}.messages WHERE conversation_id =` +
      ` ANY(ARRAY(SELECT id FROM ${s}.conversations WHERE channel_id = $1)) RETURNING 1)` +
      ' SELECT count(*)::int AS n FROM gone',
    purgeMessagesByMid:
      `WITH gone AS (DELETE FROM ${s}.messages WHERE channel_id = $1 AND mid IS NOT NULL RETURNING 1)` +
      ' SELECT count(*)::int AS n FROM gone',
    purgeConversations: `WITH gone AS (DELETE FROM ${s}.conversations WHERE channel_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    purgeCustomers: `WITH gone AS (DELETE FROM ${s}.customers WHERE channel_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    purgeWaiting:
      `WITH effects AS (DELETE FROM ${s}.waiting_effects WHERE channel_id = $1 RETURNING 1),` +
      ` marks AS (DELETE FROM ${s}.receipt_watermarks WHERE channel_id = $1 RETURNING 1)` +
      ' SELECT (SELECT count(*) FROM effects)::int + (SELECT count(*) FROM marks)::int AS n',
    purgeCredentials: `WITH gone AS (DELETE FROM ${s}.credentials WHERE channel_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    purgeChannel: `WITH gone AS (DELETE FROM ${s}.channels WHERE id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
  };

  const count = async (text: string, channelId: string) =>
    (await query<{ n: number }>(text, [channelId]))[0]?.n ?? 0;

  async function purgeChannel(channelId: string): Promise<ChannelPurgeReport> {
    const messages =
      (await count(sql.purgeMessages, channelId)) + (await count(sql.purgeMessagesByMid, channelId));
    return {
      channelId,
      conversations: await count(sql.purgeConversations, channelId),
      messages,
      customers: await count(sql.purgeCustomers, channelId),
      credentials: (await count(sql.purgeCredentials, channelId)) > 0,
      waiting: await count(sql.purgeWaiting, channelId),
      channel: (await count(sql.purgeChannel, channelId)) > 0,
    };
  }

  async function one<T>(text: string, values: unknown[], parse: SafeParser<T>, table: string) {
    const row = (await query<Row>(text, values))[0];
    return row === undefined ? undefined : parseRow(parse, table, row);
  }
  async function many<T>(text: string, values: unknown[], parse: SafeParser<T>, table: string) {
    const rows = await query<Row>(text, values);
    return rows.map((row) => parseRow(parse, table, row));
  }

  return {
    schema,
    pool,
    atomic,
    async migrate() {
      return migrateSchema(pool, schema);
    },
    async close() {
      if (!owned || closed) return;
      closed = true;
      await pool.end();
    },
    channels: {
      get: (id) => one(sql.channelGet, [id], channelSchema, 'channels'),
      list(filter = {}) {
        const { organizationId } = parseOrThrow(channelFilterSchema, filter ?? {}, 'channel filter');
        return organizationId === undefined
          ? many(sql.channelList, [], channelSchema, 'channels')
          : many(sql.channelListOrg, [organizationKey(organizationId)], channelSchema, 'channels');
      },
      async put(channel) {
        const value = parseOrThrow(channelSchema, channel, 'channel');
        await query(sql.channelPut, [value.id, organizationKey(value.organizationId), value]);
      },
      purge(channelId) {
        parseOrThrow(nonEmpty, channelId, 'purge channelId');
        return atomic(() => purgeChannel(channelId), channelId);
      },
    },
    credentials: {
      get: (channelId) =>
        one(sql.credentialsGet, [channelId], credentialsSchema, 'credentials') as Promise<
          ChannelCredentials | undefined
        >,
      async put(channelId, credentials) {
        parseOrThrow(nonEmpty, channelId, 'credentials channelId');
        const value = parseOrThrow(credentialsSchema, credentials, 'credentials');
        await query(sql.credentialsPut, [channelId, value]);
      },
      async delete(channelId) {
        await query(sql.credentialsDelete, [channelId]);
      },
    },
    customers: {
      get: (id) => one(sql.customerGet, [id], customerSchema, 'customers'),
      async put(customer) {
        await query(sql.customerPut, customerRow(customer));
      },
      ...bulk.customers,
    },
    conversations: {
      get: (id) => one(sql.conversationGet, [id], conversationSchema, 'conversations'),
      findLatest({ channelId, customerId, source, postId }) {
        return postId === undefined
          ? one(sql.conversationLatest, [channelId, customerId, source], conversationSchema, 'conversations')
          : one(
              sql.conversationLatestOfPost,
              [channelId, customerId, source, postId],
              conversationSchema,
              'conversations',
            );
      },
      async list(q): Promise<Paged<Conversation>> {
        const { text, values, limit } = conversationListSql(schema, q);
        const rows = await many(text, values, conversationSchema, 'conversations');
        return pageOf(rows, limit, (c) => c.lastMessageAt);
      },
      async put(conversation) {
        await query(sql.conversationPut, conversationRow(conversation));
      },
      ...bulk.conversations,
    },
    messages: {
      get: (id) => one(sql.messageGet, [id], messageSchema, 'messages'),
      getByMid: (channelId, mid) => one(sql.messageByMid, [channelId, mid], messageSchema, 'messages'),
      async list(conversationId, q = {}): Promise<Paged<Message>> {
        const { text, values, limit } = messageListSql(schema, conversationId, q);
        const rows = await many(text, values, messageSchema, 'messages');
        return pageOf(rows, limit, (m) => m.createdAt);
      },
      async listBehind(conversationId, upTo, state) {
        const states = unsettled.filter((d) => DELIVERY_RANK[d] < DELIVERY_RANK[state]);
        if (states.length === 0) return [];
        return many(sql.messageBehind, [conversationId, upTo, states], messageSchema, 'messages');
      },
      async listPending(limit = 100) {
        const n = Math.max(0, Math.floor(parseOrThrow(pendingLimitSchema, limit, 'listPending limit')));
        if (n === 0) return [];
        return many(sql.messagePending, [n], messageSchema, 'messages');
      },
      async put(message) {
        await query(sql.messagePut, messageRow(message));
      },
      ...bulk.messages,
    },
    events: {
      async has(id) {
        return (await query(sql.eventHas, [id])).length > 0;
      },
      async add(id) {
        if (typeof id !== 'string' || id === '') {
          throw new ValidationError('event id', [{ path: 'id', message: 'expected a non-empty string' }]);
        }
        await query(sql.eventAdd, [id]);
      },
      ...bulk.events,
    },
    personas: postgresPersonas(query, s),
    templates: postgresTemplates(query, s),
    prune: postgresPrune(query, s),
    // Per schema: servers of another Pagedesk sharing the database elect their own leader.
    lease: (name) => postgresLease(pool, `${schema}:${name}`),
    waiting: {
      async add(channelId, mid, effect) {
        requireKey('message effect', { channelId, mid });
        const value = parseOrThrow(messageEffectSchema, effect, 'message effect');
        await query(sql.waitingAdd, [channelId, mid, value]);
      },
      async take(channelId, mid) {
        requireKey('message effect', { channelId, mid });
        const rows = await query<Row>(sql.waitingTake, [channelId, mid]);
        // RETURNING has no order: the identity column holds the order they were added in.
        rows.sort((a, b) => Number(a.id) - Number(b.id));
        return rows.map((row) => parseRow(messageEffectSchema, 'waiting_effects', row));
      },
      takeMany: bulk.takeWaiting,
      async raise(channelId, psid, state, watermark) {
        requireKey('receipt watermark', { channelId, psid });
        if ((state !== 'delivered' && state !== 'read') || !Number.isFinite(watermark)) {
          throw new ValidationError('receipt watermark', [
            { path: 'state, watermark', message: "expected 'delivered' or 'read' and a finite number" },
          ]);
        }
        await query(sql.waitingRaise, [channelId, psid, watermark, state === 'read' ? watermark : -Infinity]);
      },
      async watermarks(channelId, psid) {
        requireKey('receipt watermark', { channelId, psid });
        const row = (
          await query<{ delivered: number; read: number }>(sql.waitingMarks, [channelId, psid])
        )[0];
        return row && { delivered: row.delivered, read: row.read };
      },
    },
  };
}

/**
 * A page from `limit + 1` rows (the queries read one more to know whether a page follows); the cursor
 * is the time and id of the page's last item.
 */
function pageOf<T extends { id: string }>(rows: T[], limit: number, timeOf: (item: T) => number): Paged<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(timeOf(last), last.id) : null };
}

/** Throws a ValidationError naming each of `keys` that is not a non-empty string. */
function requireKey(what: string, keys: Record<string, unknown>): void {
  const issues = Object.entries(keys)
    .filter(([, value]) => typeof value !== 'string' || value === '')
    .map(([path]) => ({ path, message: 'expected a non-empty string' }));
  if (issues.length > 0) throw new ValidationError(what, issues);
}

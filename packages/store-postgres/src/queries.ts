import {
  type ConversationQuery,
  decodeCursor,
  type MessageQuery,
  parseOrThrow,
  searchTerm,
} from '@pagedesk/core';
import { z } from 'zod';
import { likePattern, quoteIdent } from './sql.js';

// The two list queries, built from a validated query object. Placeholders carry every value; only
// the validated schema name and fixed column names are part of the text, so the set of distinct
// texts is small (one per combination of filters) and each is prepared once per connection.

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

const limitSchema = z
  .number()
  .int('expected an integer of at least 1')
  .min(1, 'expected an integer of at least 1');

const conversationQuerySchema = z.object({
  organizationId: z.string().min(1, 'expected a non-empty string').nullable().optional(),
  channelId: z.string().optional(),
  channelIds: z.array(z.string()).readonly().optional(),
  platform: z.enum(['messenger', 'instagram']).optional(),
  customerId: z.string().optional(),
  source: z.enum(['message', 'comment']).optional(),
  status: z.enum(['open', 'resolved']).optional(),
  assigneeId: z.string().nullable().optional(),
  unread: z.boolean().optional(),
  search: z.string().optional(),
  cursor: z.string().optional(),
  limit: limitSchema.optional(),
});

const messageQuerySchema = z.object({ before: z.string().optional(), limit: limitSchema.optional() });

/** A query ready for `pg`: its text, values, and the page size (the query asks for one row more). */
export interface ListSql {
  text: string;
  values: unknown[];
  limit: number;
}

/** The SQL of `conversations.list`: filters, keyset cursor, newest activity first then id. */
export function conversationListSql(schema: string, query: ConversationQuery): ListSql {
  const q = parseOrThrow(conversationQuerySchema, query ?? {}, 'query');
  const s = quoteIdent(schema);
  const limit = Math.min(q.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  // '' is the column's "no organisation" (see migration 3): an equality either way, so the index holds.
  if (q.organizationId !== undefined) where.push(`c.organization_id = ${param(q.organizationId ?? '')}`);
  if (q.channelId !== undefined) where.push(`c.channel_id = ${param(q.channelId)}`);
  if (q.platform !== undefined) where.push(`c.platform = ${param(q.platform)}`);
  if (q.customerId !== undefined) where.push(`c.customer_id = ${param(q.customerId)}`);
  if (q.source !== undefined) where.push(`c.source = ${param(q.source)}`);
  if (q.status !== undefined) where.push(`c.status = ${param(q.status)}`);
  if (q.assigneeId === null) where.push('c.assignee_id IS NULL');
  else if (q.assigneeId !== undefined) where.push(`c.assignee_id = ${param(q.assigneeId)}`);
  // Written as the partial index's predicate so the planner can use it.
  if (q.unread === true) where.push('c.unread_count > 0');
  else if (q.unread === false) where.push('c.unread_count <= 0');
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor, 'cursor');
    const t = param(after.time);
    // Mixed directions (time descending, id ascending) rule out a row comparison: bound the time so
    // the index range starts at the cursor, and filter the ties on id.
    where.push(
      `c.last_message_at <= ${t} AND (c.last_message_at < ${t} OR c.id > ${param(after.id)}::text COLLATE "C")`,
    );
  }
  const search = searchTerm(q.search);
  if (search) {
    const p = param(likePattern(search));
    // Within one organisation the customers' side reads only that organisation's customers.
    const ofOrg =
      q.organizationId === undefined ? '' : ` AND cu.organization_id = ${param(q.organizationId ?? '')}`;
    // Message bodies (core's bodiesMatch): an IN the planner hashes once, from messages_text_trgm.
    where.push(
      `(c.preview ILIKE ${p} OR EXISTS (SELECT 1 FROM ${s}.customers cu WHERE cu.id = c.customer_id${ofOrg} AND (cu.name ILIKE ${p} OR cu.username ILIKE ${p}))` +
        ` OR c.id IN (SELECT m.conversation_id FROM ${s}.messages m WHERE m.data->>'text' ILIKE ${p}))`,
    );
  }
  const order = 'ORDER BY c.last_message_at DESC, c.id ASC';
  if (q.channelIds !== undefined) {
    // A set of channels: each channel's first page on its own ordered index range (a lateral scan of
    // conversations_channel_activity per channel), then the best of those few pages. ANY(...) over
    // one index would read every row of the chosen channels and sort them; an empty set reads nothing.
    const channels = param([...new Set(q.channelIds)]);
    const n = param(limit + 1);
    where.unshift('c.channel_id = ch.id');
    const text =
      `SELECT x.id, x.data FROM unnest(${channels}::text[]) AS ch(id) CROSS JOIN LATERAL` +
      ` (SELECT c.id, c.data, c.last_message_at FROM ${s}.conversations c WHERE ${where.join(' AND ')} ${order} LIMIT ${n}) x` +
      ` ORDER BY x.last_message_at DESC, x.id ASC LIMIT ${n}`;
    return { text, values, limit };
  }
  const text =
    `SELECT c.id, c.data FROM ${s}.conversations c` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ${order} LIMIT ${param(limit + 1)}`;
  return { text, values, limit };
}

/** The SQL of `messages.list`: one conversation, newest first, before a cursor. */
export function messageListSql(schema: string, conversationId: string, query: MessageQuery): ListSql {
  const q = parseOrThrow(messageQuerySchema, query ?? {}, 'query');
  const s = quoteIdent(schema);
  const limit = Math.min(q.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  if (q.before === undefined) {
    return {
      text: `SELECT id, data FROM ${s}.messages WHERE conversation_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      values: [conversationId, limit + 1],
      limit,
    };
  }
  const before = decodeCursor(q.before, 'before');
  return {
    text:
      `SELECT id, data FROM ${s}.messages WHERE conversation_id = $1` +
      ` AND (created_at, id) < ($2::double precision, $3::text COLLATE "C")` +
      ' ORDER BY created_at DESC, id DESC LIMIT $4',
    values: [conversationId, before.time, before.id, limit + 1],
    limit,
  };
}

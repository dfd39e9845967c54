import type { Pool } from 'pg';

// Set-based seeding for the plan tests and the benchmark (bench/src/postgresSeed.ts builds the same
// entities in JavaScript for the memory store): generate_series builds valid entities (the same JSON the
// store writes) and their typed columns in a few statements, then ANALYZE gives the planner real
// statistics. 50 channels: 49 in an organisation of their own (PAGE_7 in org_7) and PAGE_49 without one; 23 agents; one conversation in 20 open (most are resolved), one in 7
// unassigned, one in 10 unread; messages spread evenly over the conversations, one in 500 an outbound one still pending.

const T0 = 1_767_225_600_000;

export async function seed(
  pool: Pool,
  schema: string,
  size: { conversations: number; messages: number },
): Promise<void> {
  const s = `"${schema}"`;
  const n = size.conversations;
  // The organisation of page p: org_p, but none for PAGE_49 ('' in the column, no key in the JSON).
  const org = (page: string) => `CASE WHEN ${page} < 49 THEN 'org_' || ${page} ELSE '' END`;
  const orgKey = (column: string) =>
    `CASE WHEN ${column} = '' THEN '{}'::jsonb ELSE jsonb_build_object('organizationId', ${column}) END`;
  await pool.query(
    `INSERT INTO ${s}.customers (id, channel_id, organization_id, name, username, data)
     SELECT cid, ch, org, 'Customer ' || g, 'user' || g, jsonb_build_object(
       'id', cid, 'channelId', ch, 'platform', 'messenger', 'psid', 'PSID_' || g, 'name', 'Customer ' || g,
       'username', 'user' || g, 'profileStatus', 'unknown', 'createdAt', ${T0}) || ${orgKey('org')}
     FROM (SELECT g, 'PAGE_' || (g % 50) AS ch, 'PAGE_' || (g % 50) || ':PSID_' || g AS cid,
             ${org('(g % 50)')} AS org
           FROM generate_series(1, $1::int) g) x`,
    [n],
  );
  await pool.query(
    `INSERT INTO ${s}.conversations (id, channel_id, organization_id, platform, customer_id, source, post_id,
       status, assignee_id, unread_count, preview, last_message_at, created_at, data)
     SELECT id, ch, org, 'messenger', cid, 'message', NULL, status, assignee, unread, preview, lma, created,
       jsonb_build_object('id', id, 'channelId', ch, 'platform', 'messenger', 'customerId', cid,
         'source', 'message', 'status', status, 'assigneeId', assignee, 'unreadCount', unread,
         'lastInboundAt', lma, 'lastOutboundAt', NULL, 'lastMessageAt', lma, 'preview', preview,
         'createdAt', created, 'updatedAt', lma,
         'resolvedAt', CASE WHEN status = 'resolved' THEN lma END) || ${orgKey('org')}
     FROM (SELECT 'conv_' || lpad(g::text, 8, '0') AS id, 'PAGE_' || (g % 50) AS ch, ${org('(g % 50)')} AS org,
             'PAGE_' || (g % 50) || ':PSID_' || g AS cid,
             CASE WHEN g % 20 = 0 THEN 'open' ELSE 'resolved' END AS status,
             CASE WHEN g % 7 = 0 THEN NULL ELSE 'agent-' || (g % 23) END AS assignee,
             CASE WHEN g % 10 = 0 THEN 2 ELSE 0 END AS unread,
             'Message ' || g AS preview,
             (${T0} + g::bigint * 1000 + (g::bigint * 7919) % 100000)::double precision AS lma,
             (${T0} + g::bigint * 1000)::double precision AS created
           FROM generate_series(1, $1::int) g) x`,
    [n],
  );
  await pool.query(
    `INSERT INTO ${s}.messages (id, conversation_id, channel_id, mid, direction, delivery, created_at, data)
     SELECT id, conv, ch, mid, dir, delivery, created,
       jsonb_build_object('id', id, 'conversationId', conv, 'channelId', ch, 'direction', dir, 'mid', mid,
         'text', 'Hello ' || g, 'attachments', '[]'::jsonb, 'reactions', '[]'::jsonb, 'delivery', delivery,
         'author', jsonb_build_object('kind', CASE WHEN dir = 'inbound' THEN 'customer' ELSE 'agent' END),
         'createdAt', created, 'updatedAt', created)
     FROM (SELECT g, 'msg_' || lpad(g::text, 9, '0') AS id,
             'conv_' || lpad((1 + g % $1::int)::text, 8, '0') AS conv,
             'PAGE_' || ((1 + g % $1::int) % 50) AS ch, 'mid.' || g AS mid,
             CASE WHEN g % 500 = 0 THEN 'outbound' ELSE 'inbound' END AS dir,
             CASE WHEN g % 500 = 0 THEN 'pending' ELSE 'delivered' END AS delivery,
             (${T0} + g::bigint * 10)::double precision AS created
           FROM generate_series(1, $2::int) g) x`,
    [n, size.messages],
  );
  // VACUUM as well: a fresh visibility map lets the planner pick index-only scans, as in production.
  await pool.query(`VACUUM ANALYZE ${s}.customers, ${s}.conversations, ${s}.messages`);
}

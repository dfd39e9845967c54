// The schema, as an ordered list of versions. Never edit a released migration: append a new one.
// Each runs in its own transaction with `search_path` set to the store's schema, so the SQL names
// tables without a schema. Times are epoch milliseconds in double precision (exact for integers up to
// 2^53, and the model allows fractions); ids use the "C" collation so ORDER BY id is the same code-unit
// order as memoryStore's string comparison, whatever the database's locale.

/** One step of the schema. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration of the store, oldest first. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'inbox tables',
    sql: `
CREATE TABLE channels (
  id text COLLATE "C" PRIMARY KEY,
  data jsonb NOT NULL
);

CREATE TABLE credentials (
  channel_id text COLLATE "C" PRIMARY KEY,
  data jsonb NOT NULL
);

CREATE TABLE customers (
  id text COLLATE "C" PRIMARY KEY,
  channel_id text COLLATE "C" NOT NULL,
  name text,
  username text,
  data jsonb NOT NULL
);

CREATE TABLE conversations (
  id text COLLATE "C" PRIMARY KEY,
  channel_id text COLLATE "C" NOT NULL,
  platform text NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  source text NOT NULL,
  post_id text COLLATE "C",
  status text NOT NULL,
  assignee_id text COLLATE "C",
  unread_count double precision NOT NULL,
  preview text,
  last_message_at double precision NOT NULL,
  created_at double precision NOT NULL,
  data jsonb NOT NULL
);
-- The inbox list: newest activity first, then id, keyset-paged; one index per common filter so a
-- page is an index range scan that stops after limit + 1 rows.
CREATE INDEX conversations_activity ON conversations (last_message_at DESC, id);
CREATE INDEX conversations_channel_activity ON conversations (channel_id, last_message_at DESC, id);
CREATE INDEX conversations_status_assignee_activity
  ON conversations (status, assignee_id, last_message_at DESC, id);
CREATE INDEX conversations_assignee_activity ON conversations (assignee_id, last_message_at DESC, id);
-- IS NULL is no equality for the planner: the leading assignee_id column would not count as fixed and
-- the index would lose its order, so the unassigned queue gets partial indexes of its own.
CREATE INDEX conversations_status_unassigned_activity ON conversations (status, last_message_at DESC, id)
  WHERE assignee_id IS NULL;
CREATE INDEX conversations_unassigned_activity ON conversations (last_message_at DESC, id)
  WHERE assignee_id IS NULL;
CREATE INDEX conversations_unread_activity ON conversations (last_message_at DESC, id)
  WHERE unread_count > 0;
-- findLatest: a customer's newest conversation per channel and source (post_id filtered on the few rows).
CREATE INDEX conversations_latest ON conversations (channel_id, customer_id, source, created_at DESC, id DESC);

CREATE TABLE messages (
  id text COLLATE "C" PRIMARY KEY,
  conversation_id text COLLATE "C" NOT NULL,
  channel_id text COLLATE "C" NOT NULL,
  mid text COLLATE "C",
  direction text NOT NULL,
  delivery text NOT NULL,
  created_at double precision NOT NULL,
  data jsonb NOT NULL
);
-- A conversation's messages in order (list newest first, before cursors) and its unsettled outbound
-- ones (listBehind); the pending ones across the store (listPending).
CREATE INDEX messages_conversation_order ON messages (conversation_id, created_at, id);
CREATE UNIQUE INDEX messages_channel_mid ON messages (channel_id, mid) WHERE mid IS NOT NULL;
CREATE INDEX messages_unsettled ON messages (conversation_id, created_at, id)
  WHERE direction <> 'inbound' AND delivery IN ('pending', 'sent', 'delivered');
CREATE INDEX messages_pending ON messages (created_at, id) WHERE delivery = 'pending';

CREATE TABLE processed_events (
  id text COLLATE "C" PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    name: 'what waits for a message',
    sql: `
CREATE TABLE waiting_effects (
  channel_id text COLLATE "C" NOT NULL,
  mid text COLLATE "C" NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  data jsonb NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, mid, seq)
);
CREATE INDEX waiting_effects_age ON waiting_effects (added_at);

CREATE TABLE receipt_watermarks (
  channel_id text COLLATE "C" NOT NULL,
  psid text COLLATE "C" NOT NULL,
  delivered double precision NOT NULL,
  read double precision NOT NULL,
  PRIMARY KEY (channel_id, psid)
);
`,
  },
  // Version 3 is the organisations migration (tenancy); personas were numbered after it.
  {
    version: 4,
    name: 'personas per page and agent',
    sql: `
CREATE TABLE personas (
  channel_id text COLLATE "C" NOT NULL,
  agent_id text COLLATE "C" NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (channel_id, agent_id)
);
`,
  },
];

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
  {
    version: 3,
    name: 'organisations',
    sql: `
-- Every row reached through a channel belongs to the channel's organisation. '' stands for "none" (a
-- single-tenant host): an equality fixes the leading index column where IS NULL would not, so the
-- per-organisation indexes below also serve the single-tenant inbox.
ALTER TABLE channels ADD COLUMN organization_id text COLLATE "C" NOT NULL DEFAULT '';
UPDATE channels SET organization_id = data->>'organizationId' WHERE data ? 'organizationId';
CREATE INDEX channels_organization ON channels (organization_id, id);

-- Rows stored before this version get the organisation of their channel, in the column and in the
-- entity itself (what reads return).
ALTER TABLE customers ADD COLUMN organization_id text COLLATE "C" NOT NULL DEFAULT '';
UPDATE customers cu
  SET organization_id = ch.organization_id, data = cu.data || jsonb_build_object('organizationId', ch.organization_id)
  FROM channels ch WHERE ch.id = cu.channel_id AND ch.organization_id <> '';
-- Purging a channel finds its customers; a search within one organisation reads only its customers.
CREATE INDEX customers_channel ON customers (channel_id);
CREATE INDEX customers_organization ON customers (organization_id);

ALTER TABLE conversations ADD COLUMN organization_id text COLLATE "C" NOT NULL DEFAULT '';
UPDATE conversations c
  SET organization_id = ch.organization_id, data = c.data || jsonb_build_object('organizationId', ch.organization_id)
  FROM channels ch WHERE ch.id = c.channel_id AND ch.organization_id <> '';

-- The inbox list per organisation: each filter's index now leads with the organisation, so a page of
-- one organisation is an index range scan that never reads another's rows. The global versions go (a
-- query without organisation still runs, on conversations_activity): keeping both would double the
-- index writes of every new message.
DROP INDEX conversations_status_assignee_activity;
DROP INDEX conversations_assignee_activity;
DROP INDEX conversations_status_unassigned_activity;
DROP INDEX conversations_unassigned_activity;
DROP INDEX conversations_unread_activity;
CREATE INDEX conversations_org_activity ON conversations (organization_id, last_message_at DESC, id);
CREATE INDEX conversations_org_status_assignee_activity
  ON conversations (organization_id, status, assignee_id, last_message_at DESC, id);
CREATE INDEX conversations_org_assignee_activity
  ON conversations (organization_id, assignee_id, last_message_at DESC, id);
CREATE INDEX conversations_org_status_unassigned_activity
  ON conversations (organization_id, status, last_message_at DESC, id) WHERE assignee_id IS NULL;
CREATE INDEX conversations_org_unassigned_activity
  ON conversations (organization_id, last_message_at DESC, id) WHERE assignee_id IS NULL;
CREATE INDEX conversations_org_unread_activity
  ON conversations (organization_id, last_message_at DESC, id) WHERE unread_count > 0;
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
  {
    version: 5,
    name: 'reply templates',
    sql: `
-- Reply templates per organisation ('' for none, as in version 3); an organisation's list is read
-- whole, by name.
CREATE TABLE reply_templates (
  id text COLLATE "C" PRIMARY KEY,
  organization_id text COLLATE "C" NOT NULL,
  name text NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX reply_templates_organization ON reply_templates (organization_id, (lower(name)) COLLATE "C", id);
`,
  },
  {
    version: 6,
    name: 'message body search',
    sql: `
-- The inbox search matches message bodies (ILIKE '%term%'): a trigram GIN index answers that without
-- reading every message. pg_trgm is one extension per database, so it goes to public (a schema no
-- store drops) unless some schema already has it; the lock makes stores migrating at once take turns.
-- Where the extension cannot be created (no contrib package, no privilege) the search still works,
-- unindexed; an administrator can run CREATE EXTENSION pg_trgm and CREATE INDEX as below later.
DO $do$
DECLARE
  trgm name;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('pagedesk.pg_trgm', 0));
  SELECT extnamespace::regnamespace::name INTO trgm FROM pg_extension WHERE extname = 'pg_trgm';
  IF trgm IS NULL THEN
    BEGIN
      CREATE EXTENSION pg_trgm SCHEMA public;
      trgm := 'public';
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'pg_trgm is unavailable (%): message search runs without an index', SQLERRM;
      RETURN;
    END;
  END IF;
  EXECUTE format('CREATE INDEX messages_text_trgm ON messages USING gin ((data->>%L) %I.gin_trgm_ops)', 'text', trgm);
END
$do$;
`,
  },
  {
    version: 7,
    name: 'satisfaction survey scores',
    sql: `
-- A conversation's newest survey answer (conversation.survey, from messaging_feedback) as columns, so
-- a host can report CSAT / NPS per organisation in SQL; the jsonb keeps the whole answer. Rows stored
-- before this version get theirs from the jsonb.
ALTER TABLE conversations ADD COLUMN survey_type text, ADD COLUMN survey_score double precision;
UPDATE conversations SET survey_type = data->'survey'->>'type', survey_score = (data->'survey'->>'score')::double precision
  WHERE data ? 'survey';
CREATE INDEX conversations_org_survey ON conversations (organization_id, survey_type, survey_score)
  WHERE survey_score IS NOT NULL;
`,
  },
  {
    version: 8,
    name: 'processed events by age',
    sql: `
-- prune({ olderThan }) deletes the oldest processed event ids in batches; without this index each batch
-- scans the whole table, which grows by every event the inbox applies.
CREATE INDEX processed_events_age ON processed_events (processed_at);
`,
  },
];

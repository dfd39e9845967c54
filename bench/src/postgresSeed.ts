import type { Conversation, Customer, Message, Store } from '@pagedesk/core';
import { type PostgresStore, postgresStore } from '@pagedesk/store-postgres';
import { seed } from '../../packages/store-postgres/src/__tests__/seed.js';

// The benchmark's data set, twice from one definition: set-based SQL (generate_series, server-side)
// for PostgreSQL, and the same entities built in JavaScript for the memoryStore baseline. The bench
// checks that both stores answer its queries identically before it measures anything.
//
// 50 channels, 23 agents; one conversation in 20 open, one in 7 unassigned, one in 10 unread; the
// messages spread evenly over the conversations (message g belongs to conversation 1 + g mod N); one
// in 500 an outbound message still pending.

export const T0 = 1_767_225_600_000;
export const CHANNELS = 50;
export const AGENTS = 23;

export interface SeedSize {
  conversations: number;
  messages: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const channelOf = (g: number) => `PAGE_${g % CHANNELS}`;
/** As the SQL seed: page p in organisation org_p, but PAGE_49 in none (a single-tenant row). */
export const organizationOfPage = (page: number) => (page < CHANNELS - 1 ? `org_${page}` : null);
const orgOf = (g: number): { organizationId?: string } => {
  const organizationId = organizationOfPage(g % CHANNELS);
  return organizationId === null ? {} : { organizationId };
};
const lastMessageAt = (g: number) => T0 + g * 1000 + ((g * 7919) % 100_000);

export function conversationId(g: number): string {
  return `conv_${pad(g, 8)}`;
}

function customerAt(g: number): Customer {
  return {
    id: `${channelOf(g)}:PSID_${g}`,
    channelId: channelOf(g),
    ...orgOf(g),
    platform: 'messenger',
    psid: `PSID_${g}`,
    name: `Customer ${g}`,
    username: `user${g}`,
    profileStatus: 'unknown',
    createdAt: T0,
  };
}

function conversationAt(g: number): Conversation {
  const status = g % 20 === 0 ? 'open' : 'resolved';
  const lma = lastMessageAt(g);
  return {
    id: conversationId(g),
    channelId: channelOf(g),
    ...orgOf(g),
    platform: 'messenger',
    customerId: `${channelOf(g)}:PSID_${g}`,
    source: 'message',
    status,
    assigneeId: g % 7 === 0 ? null : `agent-${g % AGENTS}`,
    unreadCount: g % 10 === 0 ? 2 : 0,
    lastInboundAt: lma,
    lastOutboundAt: null,
    lastMessageAt: lma,
    preview: `Message ${g}`,
    createdAt: T0 + g * 1000,
    updatedAt: lma,
    resolvedAt: status === 'resolved' ? lma : null,
  };
}

function messageAt(g: number, conversations: number): Message {
  const k = 1 + (g % conversations);
  const outbound = g % 500 === 0;
  const createdAt = T0 + g * 10;
  return {
    id: `msg_${pad(g, 9)}`,
    conversationId: conversationId(k),
    channelId: channelOf(k),
    direction: outbound ? 'outbound' : 'inbound',
    mid: `mid.${g}`,
    text: `Hello ${g}`,
    attachments: [],
    reactions: [],
    delivery: outbound ? 'pending' : 'delivered',
    author: { kind: outbound ? 'agent' : 'customer' },
    createdAt,
    updatedAt: createdAt,
  };
}

/** Fills a memoryStore (or any Store) with the data set through its own `put`s, in creation order. */
export async function seedStore(store: Store, size: SeedSize): Promise<void> {
  for (let g = 1; g <= size.conversations; g++) {
    await store.customers.put(customerAt(g));
    await store.conversations.put(conversationAt(g));
  }
  for (let g = 1; g <= size.messages; g++) await store.messages.put(messageAt(g, size.conversations));
}

/**
 * Fills the PostgreSQL store's (migrated, empty) tables with the same data set, set-based: the
 * store's plan tests seed with the same function, so the two cannot drift apart. On a pool of its
 * own: the seed's statements run longer than the store's statement timeout allows, as a migration's would.
 */
export async function seedPostgres(store: PostgresStore, url: string, size: SeedSize): Promise<void> {
  const seeder = postgresStore({
    connectionString: url,
    schema: store.schema,
    max: 1,
    statementTimeoutMs: 0,
  });
  try {
    await seed(seeder.pool, store.schema, size);
    // The seed's writes flushed now: the checkpoint its WAL calls for would otherwise run during the
    // first measurements (the bench's server is a superuser's, which CHECKPOINT needs).
    await seeder.pool.query('CHECKPOINT');
  } finally {
    await seeder.close();
  }
}

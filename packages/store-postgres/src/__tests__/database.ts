import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { inject } from 'vitest';

// Test files run in parallel against one server: each works in schemas of its own, named at random,
// and drops them when done.

export const TABLES = [
  'channels',
  'credentials',
  'customers',
  'conversations',
  'messages',
  'processed_events',
  'waiting_effects',
  'receipt_watermarks',
  'personas',
  'reply_templates',
];

export function postgresUrl(): string {
  return inject('postgresUrl');
}

/** A schema name no other test file uses. */
export function freshSchema(label: string): string {
  return `pdtest_${label}_${randomBytes(4).toString('hex')}`;
}

export function testPool(max = 10): Pool {
  return new Pool({ connectionString: postgresUrl(), max });
}

export async function truncateAll(pool: Pool, schema: string): Promise<void> {
  await pool.query(`TRUNCATE ${TABLES.map((t) => `"${schema}".${t}`).join(', ')}`);
}

export async function dropSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

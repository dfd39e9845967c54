import { PagedeskError } from '@pagedesk/core';
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import { toStoreError } from './errors.js';
import { type Migration, migrations } from './migrations.js';
import { migrateLockKey, quoteIdent } from './sql.js';

const appliedRowSchema = z.object({ version: z.number().int() });

/** What `migrate()` did: the versions it applied now (empty when the schema was up to date). */
export interface MigrateResult {
  applied: number[];
  version: number;
}

/**
 * Brings `schema` up to the newest migration. Everything runs on one connection holding a session
 * advisory lock, so servers starting together migrate one after the other and the later ones find
 * nothing to do; each migration commits on its own, so a failure keeps the ones before it.
 */
export async function migrateSchema(
  pool: Pool,
  schema: string,
  list: readonly Migration[] = migrations,
): Promise<MigrateResult> {
  const s = quoteIdent(schema);
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toStoreError(error, schema);
  }
  let broken: Error | undefined;
  try {
    // Waiting for another server's migrations, or building an index, may take longer than the store's
    // statement timeout: lifted on this connection, and restored before it goes back to the pool.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [migrateLockKey(schema)]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${s}.pagedesk_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const rows: unknown[] = (await client.query(`SELECT version FROM ${s}.pagedesk_migrations`)).rows;
      const done = new Set(rows.map((row) => appliedRowSchema.parse(row).version));
      const known = new Set(list.map((m) => m.version));
      const unknown = [...done].filter((v) => !known.has(v));
      if (unknown.length > 0) {
        throw new PagedeskError(
          'store_schema_newer',
          `PostgreSQL schema "${schema}" has migration(s) ${unknown.join(', ')} this version of @pagedesk/store-postgres does not know: upgrade it`,
        );
      }
      const applied: number[] = [];
      for (const migration of [...list].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path TO ${s}`);
          await client.query(migration.sql);
          await client.query(`INSERT INTO ${s}.pagedesk_migrations (version, name) VALUES ($1, $2)`, [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new PagedeskError(
            'store_migration_failed',
            `Migration ${migration.version} (${migration.name}) of schema "${schema}" failed: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        applied.push(migration.version);
      }
      const version = Math.max(0, ...done, ...applied);
      return { applied, version };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [migrateLockKey(schema)]);
    }
  } catch (error) {
    // A connection that failed mid-way may still hold the lock: destroy it rather than reuse it.
    broken = error instanceof Error ? error : new Error(String(error));
    throw toStoreError(error, schema);
  } finally {
    if (!broken)
      await client.query('RESET statement_timeout').catch((error: unknown) => (broken = error as Error));
    client.release(broken);
  }
}

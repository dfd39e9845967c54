import { isPagedeskErrorCode } from '@pagedesk/core';
import { testEntities } from '@pagedesk/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore, StoreNotMigratedError } from '../index.js';
import { migrateSchema } from '../migrate.js';
import { migrations } from '../migrations.js';
import { dropSchema, freshSchema, TABLES, testPool } from './database.js';

const pool = testPool();
const schemas: string[] = [];
function schemaFor(label: string): string {
  const schema = freshSchema(label);
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  for (const schema of schemas) await dropSchema(pool, schema);
  await pool.end();
});

async function tablesOf(schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((r) => r.table_name);
}

describe('migrate', () => {
  it('creates the schema, every table and the migrations record on a fresh database', async () => {
    const schema = schemaFor('fresh');
    const store = postgresStore({ pool, schema });
    const result = await store.migrate();
    expect(result).toEqual({
      applied: migrations.map((m) => m.version),
      version: migrations.at(-1)!.version,
    });
    expect(await tablesOf(schema)).toEqual([...TABLES, 'pagedesk_migrations'].sort());
    const { rows } = await pool.query(`SELECT version, name FROM "${schema}".pagedesk_migrations`);
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
  });

  it('is a no-op when run again', async () => {
    const schema = schemaFor('rerun');
    const store = postgresStore({ pool, schema });
    await store.migrate();
    await store.channels.put(testEntities.channel({ id: 'A', name: 'Kept' }));
    expect(await store.migrate()).toEqual({ applied: [], version: migrations.at(-1)!.version });
    expect((await store.channels.get('A'))?.name).toBe('Kept');
  });

  it('lets two servers migrate at once: one applies, the other waits and finds nothing to do', async () => {
    const schema = schemaFor('race');
    const poolA = testPool(2);
    const poolB = testPool(2);
    try {
      const results = await Promise.all([
        postgresStore({ pool: poolA, schema }).migrate(),
        postgresStore({ pool: poolB, schema }).migrate(),
      ]);
      const applied = results.map((r) => r.applied.length).sort();
      expect(applied).toEqual([0, migrations.length]);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".pagedesk_migrations`);
      expect(rows[0].n).toBe(migrations.length);
    } finally {
      await poolA.end();
      await poolB.end();
    }
  });

  it('keeps earlier migrations when a later one fails, and names the one that failed', async () => {
    const schema = schemaFor('broken');
    const list = [
      { version: 1, name: 'good', sql: 'CREATE TABLE good (id int)' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE half (id int); SELECT no_such_function()' },
    ];
    const failure = await migrateSchema(pool, schema, list).catch((e: unknown) => e);
    expect(isPagedeskErrorCode(failure, 'store_migration_failed')).toBe(true);
    expect((failure as Error).message).toContain('Migration 2 (bad)');
    expect(await tablesOf(schema)).toEqual(['good', 'pagedesk_migrations']);
    const { rows } = await pool.query(`SELECT version FROM "${schema}".pagedesk_migrations`);
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('refuses a schema migrated by a newer version of the package', async () => {
    const schema = schemaFor('newer');
    await postgresStore({ pool, schema }).migrate();
    await pool.query(`INSERT INTO "${schema}".pagedesk_migrations (version, name) VALUES (999, 'future')`);
    const failure = await postgresStore({ pool, schema })
      .migrate()
      .catch((e: unknown) => e);
    expect(isPagedeskErrorCode(failure, 'store_schema_newer')).toBe(true);
    expect((failure as Error).message).toContain('999');
  });

  it('throws StoreNotMigratedError, naming the schema, when used before migrate()', async () => {
    const schema = schemaFor('unmigrated');
    const store = postgresStore({ pool, schema });
    const failure = await store.channels.list().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreNotMigratedError);
    expect(failure).toMatchObject({ code: 'store_not_migrated', schema });
    expect((failure as Error).message).toContain('store.migrate()');
    await expect(store.atomic(() => store.events.has('x'))).rejects.toBeInstanceOf(StoreNotMigratedError);
  });
});

import { ValidationError } from '@pagedesk/core';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../index.js';
import { postgresUrl, testPool } from './database.js';

const pool = testPool(2);
afterAll(() => pool.end());

function issuesOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).issues];
  }
  throw new Error('expected a ValidationError');
}

describe('postgresStore options', () => {
  it('refuses anything but { pool } or { connectionString }', () => {
    for (const bad of [undefined, null, 'postgres://x', {}, { url: 'postgres://x' }]) {
      expect(issuesOf(() => postgresStore(bad as never))).toEqual([
        { path: '', message: 'expected { pool } or { connectionString }' },
      ]);
    }
  });

  it('names each wrong field', () => {
    expect(issuesOf(() => postgresStore({ pool: {} as never })).map((i) => i.path)).toEqual(['pool']);
    expect(issuesOf(() => postgresStore({ connectionString: '' })).map((i) => i.path)).toEqual([
      'connectionString',
    ]);
    expect(
      issuesOf(() => postgresStore({ connectionString: 'postgres://x', max: 0 })).map((i) => i.path),
    ).toEqual(['max']);
    const schemaIssues = issuesOf(() => postgresStore({ pool, schema: 'Bad; DROP TABLE x' }));
    expect(schemaIssues).toHaveLength(1);
    expect(schemaIssues[0]).toMatchObject({ path: 'schema' });
    expect(schemaIssues[0]!.message).toContain('lowercase identifier');
    expect(issuesOf(() => postgresStore({ pool, schema: 'x'.repeat(64) })).map((i) => i.path)).toEqual([
      'schema',
    ]);
    // Both shapes at once is a mistake, not a choice.
    expect(
      issuesOf(() => postgresStore({ pool, connectionString: 'postgres://x' } as never)).map((i) => i.path),
    ).toEqual(['']);
  });

  it('defaults the schema to pagedesk and keeps a valid one', () => {
    expect(postgresStore({ pool }).schema).toBe('pagedesk');
    expect(postgresStore({ pool, schema: 'tenant_7' }).schema).toBe('tenant_7');
  });

  it("never ends the host's pool; ends its own once, however often close() is called", async () => {
    await postgresStore({ pool }).close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);

    const own = postgresStore({ connectionString: postgresUrl(), max: 1 });
    expect((await own.pool.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await own.close();
    await own.close();
    expect(own.pool.ended).toBe(true);
  });
});

import { ValidationError, zodIssues } from '@pagedesk/core';
import type { Pool } from 'pg';
import { z } from 'zod';

// Options arrive from host code, often from configuration: validated here, once, with every wrong field
// named. A pool is recognised by its methods, not `instanceof`, so a second copy of `pg` still works.

const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lowercase identifier: a-z, 0-9 and _, at most 63 characters');

const poolSchema = z.custom<Pool>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Pool).query === 'function' &&
    typeof (value as Pool).connect === 'function',
  'expected a pg.Pool',
);

const statementTimeoutMs = z
  .number()
  .int('expected an integer')
  .min(0, 'expected 0 (off) or more')
  .optional();
const sharedPoolSchema = z.strictObject({
  pool: poolSchema,
  schema: identifier.optional(),
  statementTimeoutMs,
});
const ownPoolSchema = z.strictObject({
  connectionString: z.string().min(1),
  max: z.number().int().min(1).max(1000).optional(),
  schema: identifier.optional(),
  statementTimeoutMs,
});

/** Default of `statementTimeoutMs`: longer than any query of the store takes, short of Meta's patience. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;

const optionsSchema = z.union([sharedPoolSchema, ownPoolSchema]);

/** Options of `postgresStore`: the host's pool, or a connection string for a pool the store owns. */
export type PostgresStoreOptions =
  | {
      /** The host's pool; the store borrows clients from it and never ends it. */
      pool: Pool;
      /** The PostgreSQL schema holding the tables; `pagedesk` by default. */
      schema?: string;
      /**
       * Longest a statement of a unit (`atomic`, so every inbox write) may run, in ms, set with
       * `SET LOCAL` so the host's other queries keep their own; 0 turns it off. Default 5000. Reads
       * outside a unit follow the pool's own `statement_timeout`: set one on it too.
       */
      statementTimeoutMs?: number;
    }
  | {
      /** `postgres://user@host:5432/db`: the store creates its own pool and ends it on `close()`. */
      connectionString: string;
      /** The size of that pool; pg's default (10) when omitted. */
      max?: number;
      /** The PostgreSQL schema holding the tables; `pagedesk` by default. */
      schema?: string;
      /**
       * Longest a statement may run, in ms, and longest a query waits for a connection; 0 turns both
       * off. Default 5000: a stalled database fails a call in time (the webhook answers 5xx and Meta
       * retries) instead of holding it. Set on every connection of the pool; `migrate()` lifts it.
       */
      statementTimeoutMs?: number;
    };

export type ParsedOptions = z.infer<typeof optionsSchema>;

/** Validates the options or throws a ValidationError naming each wrong field. */
export function parseOptions(options: unknown): ParsedOptions {
  if (typeof options === 'object' && options !== null) {
    // Pick the branch by its key so the error names the fields of the shape the host meant.
    const branch =
      'pool' in options ? sharedPoolSchema : 'connectionString' in options ? ownPoolSchema : null;
    if (branch) {
      const result = branch.safeParse(options);
      if (result.success) return result.data;
      throw new ValidationError('postgresStore options', zodIssues(result.error));
    }
  }
  throw new ValidationError('postgresStore options', [
    { path: '', message: 'expected { pool } or { connectionString }' },
  ]);
}

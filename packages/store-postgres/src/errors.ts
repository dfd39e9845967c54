import { isPagedeskError, PagedeskError } from '@pagedesk/core';

/**
 * The store's schema has no tables yet (or an older version of them): call `await store.migrate()` once
 * at start-up, before the first read or write.
 *
 * @example
 * try { await store.channels.list(); } catch (e) { if (e instanceof StoreNotMigratedError) await store.migrate(); }
 */
export class StoreNotMigratedError extends PagedeskError {
  readonly schema: string;
  constructor(schema: string, options: { cause?: unknown } = {}) {
    super(
      'store_not_migrated',
      `PostgreSQL schema "${schema}" has no Pagedesk tables: call await store.migrate() before using the store`,
      options,
    );
    this.name = 'StoreNotMigratedError';
    this.schema = schema;
  }
}

/**
 * A row read back from PostgreSQL does not match Pagedesk's model (edited by hand, written by an
 * incompatible version): names the table, the row id and every wrong field.
 *
 * @example
 * if (error instanceof CorruptRowError) logger.error({ table: error.table, id: error.id }, error.message);
 */
export class CorruptRowError extends PagedeskError {
  readonly table: string;
  readonly id: string;
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  constructor(table: string, id: string, issues: ReadonlyArray<{ path: string; message: string }>) {
    const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super('corrupt_row', `Row ${JSON.stringify(id)} of table ${table} is not a valid record: ${detail}`);
    this.name = 'CorruptRowError';
    this.table = table;
    this.id = id;
    this.issues = issues;
  }
}

// SQLSTATE classes worth retrying: connection exceptions, serialization failures and deadlocks,
// insufficient resources, operator intervention (admin shutdown, crash recovery).
const RETRYABLE = /^(08|40|53|57P0)/;

/**
 * Turns what the `pg` driver threw into a PagedeskError: missing tables become StoreNotMigratedError,
 * everything else `store_failed` with the driver's error as `cause` and `retryable` from its SQLSTATE.
 */
export function toStoreError(error: unknown, schema: string): PagedeskError {
  if (isPagedeskError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const sqlState = typeof code === 'string' ? code : undefined;
  // 42P01 undefined_table, 3F000 invalid_schema_name.
  if (sqlState === '42P01' || sqlState === '3F000')
    return new StoreNotMigratedError(schema, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new PagedeskError('store_failed', `PostgreSQL store: ${message}`, {
    cause: error,
    // A driver error without a SQLSTATE is a lost or refused connection: worth another try.
    retryable: sqlState === undefined ? true : RETRYABLE.test(sqlState),
  });
}

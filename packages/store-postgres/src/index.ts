export { CorruptRowError, StoreNotMigratedError } from './errors.js';
export { postgresLease } from './lease.js';
export type { MigrateResult } from './migrate.js';
export { type Migration, migrations } from './migrations.js';
export type { PostgresStoreOptions } from './options.js';
export { type PostgresStore, postgresStore } from './postgresStore.js';

import {
  describePersonaStoreContract,
  describePruneContract,
  describeStoreContract,
  describeTemplateStoreContract,
} from '@pagedesk/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { type PostgresStore, postgresStore } from '../index.js';
import { dropSchema, freshSchema, testPool, truncateAll } from './database.js';

// The store contract of @pagedesk/core against real PostgreSQL: one schema for this file, emptied
// before every test; the sibling is a second store with its own pool, as a second server would have.

const pool = testPool();
const schema = freshSchema('contract');
let store: PostgresStore;
let sibling: PostgresStore;

beforeAll(async () => {
  store = postgresStore({ pool, schema });
  sibling = postgresStore({
    connectionString: (await import('./database.js')).postgresUrl(),
    schema,
    max: 5,
  });
  await store.migrate();
});

afterAll(async () => {
  await sibling.close();
  await dropSchema(pool, schema);
  await pool.end();
});

describeStoreContract(
  'postgresStore',
  async () => {
    await truncateAll(pool, schema);
    return store;
  },
  { sibling: () => sibling },
);

describePersonaStoreContract('postgresStore', async () => {
  await truncateAll(pool, schema);
  return store;
});

describeTemplateStoreContract('postgresStore', async () => {
  await truncateAll(pool, schema);
  return store;
});

describePruneContract('postgresStore', async () => {
  await truncateAll(pool, schema);
  return store;
});

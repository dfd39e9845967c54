import { isPagedeskErrorCode } from '@pagedesk/core';
import { testEntities } from '@pagedesk/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PostgresStore, postgresStore } from '../index.js';
import { dropSchema, freshSchema, testPool, truncateAll } from './database.js';

// What the contract cannot see from outside: which connection a call uses, and what the lock covers.

const admin = testPool(2);
const schema = freshSchema('atomic');
const { channel, message } = testEntities;

beforeAll(() => postgresStore({ pool: admin, schema }).migrate());
beforeEach(() => truncateAll(admin, schema));
afterAll(async () => {
  await dropSchema(admin, schema);
  await admin.end();
});

/** Starts a unit that holds its locks until `release()`; resolves once the unit is running. */
async function holdUnit(store: PostgresStore, scope?: string) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const holding = store.atomic(async () => {
    entered();
    await held;
  }, scope);
  await inside;
  return { holding, release };
}

describe('atomic on PostgreSQL', () => {
  it('sends a call that outlives its unit to the pool, not to the released client', async () => {
    // One connection: the next unit gets the very client the first one released.
    const pool = testPool(1);
    const store = postgresStore({ pool, schema });
    try {
      let late: Promise<void> | undefined;
      await store.atomic(async () => {
        setTimeout(() => {
          late = store.channels.put(channel({ id: 'LATE' }));
        }, 30);
      });
      const failure = new Error('second unit rolls back');
      const second = store.atomic(async () => {
        await store.channels.put(channel({ id: 'SECOND' }));
        await new Promise((resolve) => setTimeout(resolve, 80));
        throw failure;
      });
      await expect(second).rejects.toBe(failure);
      expect(late).toBeDefined();
      await late;
      // Had the late call joined the second unit's transaction, its row would be gone with it.
      expect((await store.channels.get('LATE'))?.id).toBe('LATE');
      expect(await store.channels.get('SECOND')).toBeUndefined();
    } finally {
      await pool.end();
    }
  });

  it('rolls back on a database error and leaves the connection fit for the next unit', async () => {
    const pool = testPool(1);
    const store = postgresStore({ pool, schema });
    try {
      await store.messages.put(message({ id: 'first', mid: 'mid.1' }));
      const failure = await store
        .atomic(async () => {
          await store.channels.put(channel({ id: 'A' }));
          await store.messages.put(message({ id: 'second', mid: 'mid.1' }));
        })
        .catch((e: unknown) => e);
      expect(isPagedeskErrorCode(failure, 'store_failed')).toBe(true);
      expect(await store.channels.get('A')).toBeUndefined();
      await store.atomic(() => store.channels.put(channel({ id: 'B' })));
      expect((await store.channels.get('B'))?.id).toBe('B');
    } finally {
      await pool.end();
    }
  });

  it("gives the host's client back as it lent it: not pipelined, after a commit and after a rollback", async () => {
    const pool = testPool(1);
    const store = postgresStore({ pool, schema });
    const pipelined = async () => {
      const client = await pool.connect();
      const flag = (client as unknown as { pipeline: boolean }).pipeline;
      client.release();
      return flag;
    };
    try {
      // The unit's reads issued at once, on the pool's only connection.
      const found = await store.atomic(
        () => Promise.all([store.channels.get('A'), store.channels.put(channel({ id: 'B' }))]),
        'PAGE_1',
      );
      expect(found).toEqual([undefined, undefined]);
      expect(await pipelined()).toBe(false);
      await store
        .atomic(() => Promise.all([store.channels.get('A'), Promise.reject(new Error('no'))]), 'PAGE_1')
        .catch(() => undefined);
      expect(await pipelined()).toBe(false);
      expect((await store.channels.get('B'))?.id).toBe('B');
    } finally {
      await pool.end();
    }
  });

  it('locks per schema: a unit of another schema runs while this one is held', async () => {
    const otherSchema = freshSchema('atomic_other');
    const pool = testPool(4);
    const store = postgresStore({ pool, schema });
    const other = postgresStore({ pool, schema: otherSchema });
    try {
      await other.migrate();
      const { holding, release } = await holdUnit(store);
      const order: string[] = [];
      const sameSchema = postgresStore({ pool, schema }).atomic(async () => {
        order.push('same schema');
      });
      await other.atomic(async () => {
        order.push('other schema');
      });
      // The same schema's unit is still waiting for the lock.
      expect(order).toEqual(['other schema']);
      release();
      await holding;
      await sameSchema;
      expect(order).toEqual(['other schema', 'same schema']);
    } finally {
      await dropSchema(pool, otherSchema);
      await pool.end();
    }
  });

  it('locks per scope: units of different scopes run at once, an unscoped unit waits for them all', async () => {
    const pool = testPool(6);
    const store = postgresStore({ pool, schema });
    const sibling = postgresStore({ pool, schema }); // as a second server would open it
    try {
      const { holding, release } = await holdUnit(store, 'PAGE_1');
      const order: string[] = [];
      const sameScope = sibling.atomic(async () => {
        order.push('same scope');
      }, 'PAGE_1');
      await sibling.atomic(async () => {
        order.push('other scope');
      }, 'PAGE_2');
      // Started after: PostgreSQL queues later requests behind a waiting exclusive lock, so an
      // unscoped unit is not starved by a stream of scoped ones (and holds them up while it waits).
      const unscoped = sibling.atomic(async () => {
        order.push('unscoped');
      });
      // Give the waiting units time to run, were they not waiting for the locks.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(order).toEqual(['other scope']);
      release();
      await Promise.all([holding, sameScope, unscoped]);
      expect(order.slice(1).sort()).toEqual(['same scope', 'unscoped']);
    } finally {
      await pool.end();
    }
  });

  it('refuses a scope that is not a string, naming it', async () => {
    const store = postgresStore({ pool: admin, schema });
    const failure = await store.atomic(async () => 1, 42 as unknown as string).catch((e: unknown) => e);
    expect(isPagedeskErrorCode(failure, 'invalid_input')).toBe(true);
    expect((failure as Error).message).toContain('scope');
  });

  it('sends the queries a unit issues in one tick in one socket write, and each still gets its own answer', async () => {
    const pool = testPool(1);
    const store = postgresStore({ pool, schema });
    try {
      await store.channels.put(channel({ id: 'PAGE_G' }));
      // The connection's socket, as pg holds it: count the writes that reach it.
      const client = await pool.connect();
      const socket = (client as unknown as { connection: { stream: import('node:net').Socket } }).connection
        .stream;
      client.release();
      let writes = 0;
      const countWrite = (original: (...args: never[]) => unknown) =>
        function (this: unknown, ...args: never[]) {
          writes++;
          return original.apply(this, args);
        };
      const internals = socket as unknown as Record<'_writev' | '_write', (...args: never[]) => unknown>;
      internals._writev = countWrite(internals._writev);
      internals._write = countWrite(internals._write);
      const during = await store.atomic(async () => {
        const before = writes;
        const [a, b, c] = await Promise.all([
          store.channels.get('PAGE_G'),
          store.events.hasMany!(['event.1']),
          store.messages.getByMids!('PAGE_G', ['mid.1']),
        ]);
        return { writes: writes - before, answers: [a?.id, [...b], [...c.keys()]] };
      }, 'PAGE_G');
      expect(during.answers).toEqual(['PAGE_G', [], []]);
      expect(during.writes).toBe(1);
      // Outside a unit pg writes each query on its own, as before.
      const before = writes;
      await Promise.all([store.channels.get('PAGE_G'), store.events.hasMany!(['event.2'])]);
      expect(writes - before).toBe(2);
    } finally {
      await pool.end();
    }
  });
});

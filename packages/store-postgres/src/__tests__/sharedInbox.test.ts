import { createInbox, type Inbox } from '@pagedesk/core';
import { testEvents as ev } from '@pagedesk/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresStore } from '../index.js';
import { dropSchema, freshSchema, testPool, truncateAll } from './database.js';

// Two inboxes on two stores over one schema, as two servers behind a load balancer: what reaches one
// server before the message it is about must be applied by the other when the message reaches it.

const pool = testPool(4);
const schema = freshSchema('shared_inbox');
const T = 1_780_000_000_000;
let serverA: Inbox;
let serverB: Inbox;
const store = () => postgresStore({ pool, schema });

beforeAll(() => store().migrate());
beforeEach(async () => {
  await truncateAll(pool, schema);
  serverA = createInbox({ store: store(), now: () => T + 1_000 });
  serverB = createInbox({ store: store(), now: () => T + 1_000 });
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('an inbox shared by two servers on PostgreSQL', () => {
  it('applies the reaction and edit that reached server B before their message reached server A', async () => {
    await serverB.apply([
      ev.reaction({ mid: 'm1', emoji: '😮', reaction: 'wow', timestamp: T + 6 }),
      ev.edit({ mid: 'm1', text: 'Hi, where is order #42?', editCount: 1, timestamp: T + 7 }),
    ]);
    await serverA.apply([ev.message({ mid: 'm1', text: 'Hi, where is my order?', timestamp: T + 5 })]);
    const message = await serverB.store.messages.getByMid('PAGE_1', 'm1');
    expect(message).toMatchObject({ text: 'Hi, where is order #42?', editCount: 1 });
    expect(message?.reactions).toEqual([expect.objectContaining({ emoji: '😮', by: 'customer' })]);
    // Applied once: nothing waits any more.
    expect(await store().waiting.take('PAGE_1', 'm1')).toEqual([]);
  });

  it('marks read an echo that reached server A after the read receipt covering it reached server B', async () => {
    await serverA.apply([ev.message({ mid: 'm1', text: 'Hi', timestamp: T })]);
    await serverB.apply([ev.read({ watermark: T + 20, timestamp: T + 20 })]);
    await serverA.apply([ev.echo({ mid: 'out1', text: 'Hello!', timestamp: T + 10 })]);
    expect(await serverB.store.messages.getByMid('PAGE_1', 'out1')).toMatchObject({
      direction: 'echo',
      delivery: 'read',
      readAt: T + 20,
    });
  });
});

describe('an inbox on PostgreSQL, under late deliveries', () => {
  it("keeps the customer's next message in their open conversation after a late one older than the resolved conversation", async () => {
    const latest = () =>
      store().conversations.findLatest({
        channelId: 'PAGE_1',
        customerId: 'PAGE_1:PSID_1',
        source: 'message',
      });
    await serverA.apply([ev.message({ mid: 'm1', text: 'Where is my order?', timestamp: T + 10 })]);
    await serverA.resolve((await latest())!.id);
    await serverB.apply([ev.message({ mid: 'm2', text: 'It came broken', timestamp: T + 20 })]);
    const open = (await latest())!;
    // A message written before the first conversation, whose delivery Meta retried for a while.
    await serverA.apply([ev.message({ mid: 'm0', text: 'Hello?', timestamp: T })]);
    await serverB.apply([ev.message({ mid: 'm3', text: 'Can I get a refund?', timestamp: T + 30 })]);
    expect(await latest()).toMatchObject({ id: open.id, status: 'open' });
    expect((await store().messages.getByMid('PAGE_1', 'm3'))?.conversationId).toBe(open.id);
    const { items } = await store().conversations.list({ customerId: 'PAGE_1:PSID_1' });
    expect(items.map((c) => c.status).sort()).toEqual(['open', 'resolved']);
  });
});

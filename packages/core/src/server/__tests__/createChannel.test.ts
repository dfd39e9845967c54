import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WindowClosedError } from '../../errors.js';
import { createInbox } from '../../inbox.js';
import { memoryStore } from '../../memoryStore.js';
import { testEvents } from '../../testing/events.js';
import { createChannel } from '../createChannel.js';
import { createGraphClient } from '../graphClient.js';
import { APP_ID, fakeMeta, type MetaState, PAGE_TOKEN, T0 } from './fakeMeta.js';
import { type GraphStandin, metaError, startGraphStandin } from './graphStandin.js';

const HOUR = 60 * 60 * 1000;
let standin: GraphStandin;
let meta: MetaState;

beforeAll(async () => {
  standin = await startGraphStandin();
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.requests.length = 0;
  meta = fakeMeta(standin);
});

describe('createChannel', () => {
  it('stores the page, sends through the policy-first path and tracks its status', async () => {
    const store = memoryStore();
    const clock = { now: T0 };
    const inbox = createInbox({ store, now: () => clock.now });
    const graph = createGraphClient({
      appId: APP_ID,
      appSecret: 'app-secret-for-tests-0123',
      baseUrl: standin.url,
      sleep: async () => {},
    });
    const channel = createChannel({
      page: { id: 'PAGE_1', accessToken: PAGE_TOKEN, platform: 'messenger' },
      graph,
      inbox,
      humanAgent: false,
      now: () => clock.now,
    });
    expect(channel.status).toBe('active');
    expect(await channel.get()).toMatchObject({
      id: 'PAGE_1',
      appId: APP_ID,
      settings: { humanAgent: false },
    });
    await inbox.apply([
      testEvents.message({ pageId: 'PAGE_1', customerId: 'PSID_1', timestamp: T0 - 60_000 }),
    ]);
    const conversation = (await store.conversations.list({})).items[0]!;
    await expect(channel.send(conversation.id, { text: 'Hi!' })).resolves.toHaveLength(1);
    clock.now = T0 + 25 * HOUR;
    await expect(channel.send(conversation.id, { text: 'late' })).rejects.toBeInstanceOf(WindowClosedError);
    clock.now = T0;
    meta.sendAnswers.push({ status: 400, json: metaError(190, 458, 'App removed') });
    await expect(channel.send(conversation.id, { text: 'x' })).rejects.toMatchObject({
      reason: 'app_removed',
    });
    expect(channel.status).toBe('revoked');
    await channel.channels.idle();
    channel.channels.close();
  });

  it('follows a status the inbox sets (a policy block), not only its own', async () => {
    const store = memoryStore();
    const inbox = createInbox({ store, now: () => T0 });
    const graph = createGraphClient({
      appId: APP_ID,
      appSecret: 'app-secret-for-tests-0123',
      baseUrl: standin.url,
    });
    const channel = createChannel({
      page: { id: 'PAGE_1', accessToken: PAGE_TOKEN, platform: 'messenger' },
      graph,
      inbox,
      now: () => T0,
    });
    await channel.get();
    await inbox.apply([testEvents.policyEnforcement({ pageId: 'PAGE_1', action: 'block', timestamp: T0 })]);
    expect((await store.channels.get('PAGE_1'))!.status).toBe('blocked');
    expect(channel.status).toBe('blocked');
    channel.channels.close();
  });

  it('sets the page up again after a failed first attempt instead of failing for ever', async () => {
    const store = memoryStore();
    const put = store.credentials.put.bind(store.credentials);
    let failures = 1;
    store.credentials.put = async (...args) => {
      if (failures-- > 0) throw new Error('store briefly down');
      return put(...args);
    };
    const inbox = createInbox({ store, now: () => T0 });
    const graph = createGraphClient({
      appId: APP_ID,
      appSecret: 'app-secret-for-tests-0123',
      baseUrl: standin.url,
    });
    const channel = createChannel({
      page: { id: 'PAGE_1', accessToken: PAGE_TOKEN, platform: 'messenger' },
      graph,
      inbox,
      now: () => T0,
    });
    await expect(channel.get()).rejects.toThrow(/briefly down/);
    await expect(channel.get()).resolves.toMatchObject({ id: 'PAGE_1', status: 'active' });
    expect(await store.credentials.get('PAGE_1')).toEqual({ accessToken: PAGE_TOKEN });
    channel.channels.close();
  });
});

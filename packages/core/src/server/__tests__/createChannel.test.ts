import { describe, expect, it } from 'vitest';
import { WindowClosedError } from '../../errors.js';
import { createInbox } from '../../inbox.js';
import { memoryStore } from '../../memoryStore.js';
import { testEvents } from '../../testing/events.js';
import { createChannel } from '../createChannel.js';
import { createGraphClient } from '../graphClient.js';
import { APP_ID, APP_SECRET, PAGE_TOKEN, T0, useFakeMeta } from './fakeMeta.js';
import { metaError } from './graphStandin.js';

const HOUR = 60 * 60 * 1000;
const env = useFakeMeta();

/** `createChannel` for PAGE_1 over the stand-in, on a clock the test controls. */
function pageOne(store = memoryStore(), clock = { now: T0 }, humanAgent?: boolean) {
  const inbox = createInbox({ store, now: () => clock.now });
  const graph = createGraphClient({
    appId: APP_ID,
    appSecret: APP_SECRET,
    baseUrl: env.standin.url,
    sleep: async () => {},
  });
  const channel = createChannel({
    page: { id: 'PAGE_1', accessToken: PAGE_TOKEN, platform: 'messenger' },
    graph,
    inbox,
    ...(humanAgent === undefined ? {} : { humanAgent }),
    now: () => clock.now,
  });
  return { store, inbox, channel };
}

describe('createChannel', () => {
  it('stores the page, sends through the policy-first path and tracks its status', async () => {
    const clock = { now: T0 };
    const { store, inbox, channel } = pageOne(memoryStore(), clock, false);
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
    env.meta.sendAnswers.push({ status: 400, json: metaError(190, 458, 'App removed') });
    await expect(channel.send(conversation.id, { text: 'x' })).rejects.toMatchObject({
      reason: 'app_removed',
    });
    expect(channel.status).toBe('revoked');
    await channel.channels.idle();
    channel.channels.close();
  });

  it('follows a status the inbox sets (a policy block), not only its own', async () => {
    const { store, inbox, channel } = pageOne();
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
    const { channel } = pageOne(store);
    await expect(channel.get()).rejects.toThrow(/briefly down/);
    await expect(channel.get()).resolves.toMatchObject({ id: 'PAGE_1', status: 'active' });
    expect(await store.credentials.get('PAGE_1')).toEqual({ accessToken: PAGE_TOKEN });
    channel.channels.close();
  });
});

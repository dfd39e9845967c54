import { describe, expect, it } from 'vitest';
import { ownerAfter } from '../inbox/handover.js';
import { threadHeldBy } from '../modelRules.js';
import { threadControlRefusal } from '../sendRules.js';
import { testEvents } from '../testing.js';
import { inboxWithConversation } from './inboxFixture.js';

describe('handover events on the inbox', () => {
  it('records the owner from pass and take, a request until the thread moves, and ignores older events', async () => {
    const { store, inbox, conversation } = await inboxWithConversation({ appId: 'OUR_APP' });
    const owner = async () => (await store.conversations.get(conversation.id))?.threadOwner;
    await inbox.apply([testEvents.handover({ action: 'pass', newOwnerAppId: 'BOT', timestamp: 2000 })]);
    expect(await owner()).toEqual({ appId: 'BOT', since: 2000 });
    await inbox.apply([testEvents.handover({ action: 'take', newOwnerAppId: 'OUR_APP', timestamp: 1500 })]);
    expect((await owner())?.appId).toBe('BOT');
    await inbox.apply([
      testEvents.handover({ action: 'request', requestedOwnerAppId: 'INBOX2', timestamp: 3000 }),
    ]);
    expect(await owner()).toEqual({ appId: 'BOT', since: 2000, requestedByAppId: 'INBOX2' });
    await inbox.apply([
      testEvents.handover({ action: 'take', newOwnerAppId: 'OUR_APP', timestamp: 4000, metadata: 'm' }),
    ]);
    expect(await owner()).toEqual({ appId: 'OUR_APP', since: 4000, metadata: 'm' });
  });

  it('marks messages that came through standby', async () => {
    const { store, inbox, conversation } = await inboxWithConversation({ appId: 'OUR_APP' });
    await inbox.apply([testEvents.message({ text: 'to the bot', standby: true, timestamp: 5000 })]);
    const [latest] = (await store.messages.list(conversation.id)).items;
    expect(latest).toMatchObject({ text: 'to the bot', standby: true });
  });

  it('keeps the thread owner when the customer opens a new conversation (one thread with the page)', async () => {
    const { store, inbox, conversation } = await inboxWithConversation({ appId: 'OUR_APP' });
    await inbox.apply([
      testEvents.handover({ action: 'take', newOwnerAppId: 'PAGE_INBOX', timestamp: 2000 }),
    ]);
    await inbox.resolve(conversation.id);
    await inbox.apply([testEvents.message({ text: 'one more thing', standby: true, timestamp: 3000 })]);
    const latest = await store.conversations.findLatest({
      channelId: conversation.channelId,
      customerId: conversation.customerId,
      source: 'message',
    });
    expect(latest?.id).not.toBe(conversation.id);
    expect(latest?.threadOwner).toEqual({ appId: 'PAGE_INBOX', since: 2000 });
    expect(threadHeldBy(latest!, { appId: 'OUR_APP' })).toBe('PAGE_INBOX');
  });

  it('ownerAfter: roles change nothing; a pass with no new owner is idle', () => {
    expect(ownerAfter(undefined, { action: 'roles', timestamp: 1 })).toBeUndefined();
    expect(ownerAfter(undefined, { action: 'pass', timestamp: 1 })).toEqual({ appId: null, since: 1 });
  });
});

describe('threadControlRefusal', () => {
  it('refuses only while another app holds the thread', () => {
    const channel = { appId: 'OUR_APP' };
    expect(threadControlRefusal({}, channel)).toBeUndefined();
    expect(threadControlRefusal({ threadOwner: { appId: null, since: 1 } }, channel)).toBeUndefined();
    expect(threadControlRefusal({ threadOwner: { appId: 'OUR_APP', since: 1 } }, channel)).toBeUndefined();
    expect(threadControlRefusal({ threadOwner: { appId: 'BOT', since: 1 } }, channel)).toMatchObject({
      code: 'thread_control',
      message: expect.stringContaining('BOT'),
    });
  });
});

describe('threadHeldBy', () => {
  it('names the other app that holds the thread, and nothing when it is idle, unheard of or ours', () => {
    const channel = { appId: 'OUR_APP' };
    expect(threadHeldBy({}, channel)).toBeUndefined();
    expect(threadHeldBy({ threadOwner: { appId: null, since: 1 } }, channel)).toBeUndefined();
    expect(threadHeldBy({ threadOwner: { appId: 'OUR_APP', since: 1 } }, channel)).toBeUndefined();
    expect(threadHeldBy({ threadOwner: { appId: 'BOT', since: 1 } }, channel)).toBe('BOT');
  });
});

import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import type { Channel } from '../model.js';
import { testEntities, testEvents } from '../testing.js';

/** A memory inbox whose channel PAGE_1 has one direct conversation: PSID_1 wrote "hi" at t=1000. */
export async function inboxWithConversation(channel: Partial<Channel> = {}) {
  const store = memoryStore();
  await store.channels.put(testEntities.channel(channel));
  const inbox = createInbox({ store });
  await inbox.apply([testEvents.message({ text: 'hi', timestamp: 1000 })]);
  const conversation = (await store.conversations.findLatest({
    channelId: 'PAGE_1',
    customerId: 'PAGE_1:PSID_1',
    source: 'message',
  }))!;
  return { store, inbox, conversation };
}

import { describe, expect, it } from 'vitest';
import type { MessengerEvent } from '../events.js';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import type { Store } from '../store.js';
import { testEvents as ev } from '../testing.js';

// A store without `atomic` commits each write on its own (the Store contract allows it for one
// process). When the conversation write of a new message fails after the message was written, Meta's
// retry of the event must still leave the message in a conversation an agent can see.

/** A memoryStore without units whose next conversation write fails once. */
function flakyStore(): Store & { failNextConversationWrite(): void } {
  const base = memoryStore();
  let fail = false;
  const conversations: Store['conversations'] = {
    ...base.conversations,
    async put(conversation) {
      if (fail) {
        fail = false;
        throw new Error('connection reset');
      }
      return base.conversations.put(conversation);
    },
  };
  return {
    ...base,
    conversations,
    failNextConversationWrite: () => {
      fail = true;
    },
  };
}

const cases: Array<[string, () => MessengerEvent, string]> = [
  ['a customer message', () => ev.message({ mid: 'm_first', text: 'Where is my order?' }), 'm_first'],
  ['a postback', () => ev.postback({ mid: 'm_postback' }), 'm_postback'],
  ['an echo sent from another tool', () => ev.echo({ mid: 'm_echo', text: 'Hello from the Page' }), 'm_echo'],
  ['a comment', () => ev.comment({ commentId: 'post_1_c9' }), 'post_1_c9'],
];

describe('a store without atomic whose conversation write fails once', () => {
  it.each(cases)('keeps %s in a conversation after Meta retries it', async (_name, event, mid) => {
    const store = flakyStore();
    const inbox = createInbox({ store });
    const errors: unknown[] = [];
    inbox.on('error', ({ error }) => errors.push(error));
    const delivery = event();
    store.failNextConversationWrite();
    // The write failed: apply rejects, so the webhook answers 500 and Meta delivers the event again.
    await expect(inbox.apply([delivery])).rejects.toThrow();
    await inbox.apply([delivery]);
    const message = await store.messages.getByMid('PAGE_1', mid);
    expect(message).toBeDefined();
    const conversation = await store.conversations.get(message!.conversationId);
    expect(conversation?.lastMessageAt).toBe(delivery.timestamp);
    const listed = await store.conversations.list({ limit: 10 });
    expect(listed.items.map((c) => c.id)).toEqual([message!.conversationId]);
    // And once stored whole, a third delivery is a duplicate: nothing new.
    await inbox.apply([delivery]);
    expect((await store.messages.list(message!.conversationId, { limit: 10 })).items).toHaveLength(1);
    expect(errors.length).toBeGreaterThan(0);
  });
});

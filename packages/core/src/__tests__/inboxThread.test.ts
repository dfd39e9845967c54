import { describe, expect, it } from 'vitest';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import type { Conversation } from '../model.js';
import { testEvents as ev } from '../testing.js';

// One thread per customer: the conversation a message opens after a resolution continues the earlier
// one (linked both ways, same assignee), and the list can show a customer's conversations.

const T = 1_780_000_000_000;
const DAY = 86_400_000;

function setup() {
  const store = memoryStore();
  const inbox = createInbox({ store, now: () => T + 100 * DAY });
  const updated: Conversation[] = [];
  inbox.on('conversation:updated', ({ conversation }) => updated.push(conversation));
  const latest = async () =>
    (await store.conversations.findLatest({
      channelId: 'PAGE_1',
      customerId: 'PAGE_1:PSID_1',
      source: 'message',
    }))!;
  return { store, inbox, updated, latest };
}

describe('customer threads', () => {
  it('a message after a resolution opens a conversation that continues the resolved one and keeps its agent', async () => {
    const { store, inbox, updated, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const first = await latest();
    expect(first.continuesFrom).toBeUndefined();
    await inbox.assign(first.id, 'agent-ana');
    expect(await inbox.resolve(first.id, { by: 'agent-ana' })).toMatchObject({
      status: 'resolved',
      resolvedBy: 'agent-ana',
    });
    updated.length = 0;
    await inbox.apply([ev.message({ mid: 'm2', timestamp: T + 3 * DAY })]);
    const second = await latest();
    expect(second).toMatchObject({ status: 'open', assigneeId: 'agent-ana', continuesFrom: first.id });
    expect(second.continuedIn).toBeUndefined();
    // The resolved one says where the thread went, live too.
    const before = await store.conversations.get(first.id);
    expect(before).toMatchObject({ status: 'resolved', resolvedBy: 'agent-ana', continuedIn: second.id });
    expect(updated.map((c) => [c.id, c.continuedIn])).toContainEqual([first.id, second.id]);
    // The customer's thread, newest first.
    const thread = await store.conversations.list({ channelId: 'PAGE_1', customerId: 'PAGE_1:PSID_1' });
    expect(thread.items.map((c) => c.id)).toEqual([second.id, first.id]);
    // A further message stays in the open one and links nothing new.
    await inbox.apply([ev.message({ mid: 'm3', timestamp: T + 3 * DAY + 1 })]);
    expect((await latest()).id).toBe(second.id);
    expect((await store.conversations.get(first.id))?.continuedIn).toBe(second.id);
  });

  it('a late message older than the resolved conversation opens the one the next messages continue', async () => {
    const { inbox, store, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T + DAY })]);
    const first = await latest();
    await inbox.resolve(first.id);
    // Written before m1, delivered after the resolution (Meta retried it).
    await inbox.apply([ev.message({ mid: 'm0', text: 'Are you there?', timestamp: T })]);
    const second = await latest();
    expect(second).toMatchObject({ status: 'open', continuesFrom: first.id, unreadCount: 1 });
    await inbox.apply([ev.message({ mid: 'm2', timestamp: T + 2 * DAY })]);
    expect((await latest()).id).toBe(second.id);
    expect((await store.messages.getByMid('PAGE_1', 'm2'))?.conversationId).toBe(second.id);
    expect((await store.conversations.get(first.id))?.continuedIn).toBe(second.id);
  });

  it('reopening forgets who resolved; an unassigned thread stays unassigned; a bad resolver is refused', async () => {
    const { inbox, latest } = setup();
    await inbox.apply([ev.message({ mid: 'm1', timestamp: T })]);
    const first = await latest();
    await inbox.resolve(first.id, { by: 'agent-bo' });
    expect(await inbox.reopen(first.id)).not.toHaveProperty('resolvedBy');
    expect(await inbox.resolve(first.id)).not.toHaveProperty('resolvedBy');
    await inbox.apply([ev.message({ mid: 'm2', timestamp: T + DAY })]);
    expect(await latest()).toMatchObject({ assigneeId: null, continuesFrom: first.id });
    await expect(inbox.resolve(first.id, { by: '' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('by'),
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { testEntities } from './entities.js';

const { customer, conversation, message } = testEntities;

/**
 * One customer's thread and the body search of `conversations.list`: `customerId` lists a customer's
 * conversations (with `channelId`, the thread the inbox shows above the open one), and `search` matches
 * any message body of a conversation, not only its preview, within the other filters. Part of
 * `describeStoreContract`.
 */
export function describeThreadContract(getStore: () => Store): void {
  describe('customer threads and message search', () => {
    it("customerId lists one customer's conversations, newest activity first", async () => {
      const store = getStore();
      const rows = [
        conversation({ id: 'first', lastMessageAt: 10, status: 'resolved', resolvedAt: 11 }),
        conversation({ id: 'second', lastMessageAt: 20, continuesFrom: 'first' }),
        conversation({ id: 'other', lastMessageAt: 30, customerId: 'PAGE_1:PSID_2' }),
        conversation({
          id: 'elsewhere',
          lastMessageAt: 40,
          channelId: 'PAGE_2',
          customerId: 'PAGE_2:PSID_1',
        }),
      ];
      for (const row of rows) await store.conversations.put(row);
      const ids = async (query: Parameters<Store['conversations']['list']>[0]) =>
        (await store.conversations.list(query)).items.map((c) => c.id);
      expect(await ids({ channelId: 'PAGE_1', customerId: 'PAGE_1:PSID_1' })).toEqual(['second', 'first']);
      expect(await ids({ customerId: 'PAGE_1:PSID_1', status: 'resolved' })).toEqual(['first']);
      expect(await ids({ customerId: 'PAGE_1:nobody' })).toEqual([]);
      const page = await store.conversations.list({ customerId: 'PAGE_1:PSID_1', limit: 1 });
      expect(page.items.map((c) => c.id)).toEqual(['second']);
      const next = await store.conversations.list({
        customerId: 'PAGE_1:PSID_1',
        limit: 1,
        cursor: page.nextCursor!,
      });
      expect(next).toEqual({ items: [expect.objectContaining({ id: 'first' })], nextCursor: null });
      expect((await store.conversations.get('second'))?.continuesFrom).toBe('first');
    });

    it('search matches any message body, case-insensitively, after the preview moved on', async () => {
      const store = getStore();
      await store.customers.put(customer({ name: 'Ana Lopez' }));
      await store.conversations.put(conversation({ id: 'a', lastMessageAt: 30, preview: 'Thanks!' }));
      await store.conversations.put(conversation({ id: 'b', lastMessageAt: 20, preview: 'Hi' }));
      await store.conversations.put(
        conversation({ id: 'c', lastMessageAt: 10, organizationId: 'org_b', preview: 'Hello' }),
      );
      await store.messages.put(message({ id: 'a1', conversationId: 'a', text: 'Where is ORDER 1042?' }));
      await store.messages.put(message({ id: 'a2', conversationId: 'a', text: 'Thanks!', createdAt: 2 }));
      await store.messages.put(message({ id: 'b1', conversationId: 'b', text: 'My parcel 100% lost_' }));
      await store.messages.put(message({ id: 'c1', conversationId: 'c', text: 'order 1042 too' }));
      const ids = async (query: Parameters<Store['conversations']['list']>[0]) =>
        (await store.conversations.list(query)).items.map((c) => c.id);
      expect(await ids({ search: 'order 1042' })).toEqual(['a', 'c']);
      expect(await ids({ search: '  Order 1042 ', organizationId: null })).toEqual(['a']);
      expect(await ids({ search: 'order 1042', organizationId: 'org_b' })).toEqual(['c']);
      // LIKE's wildcards match themselves only.
      expect(await ids({ search: '100% lost_' })).toEqual(['b']);
      expect(await ids({ search: '1%2' })).toEqual([]);
      expect(await ids({ search: 'order', status: 'resolved' })).toEqual([]);
      // A removed message keeps no body to match.
      const { text: _removed, ...unsent } = message({ id: 'c1', conversationId: 'c', unsent: true });
      await store.messages.put(unsent);
      expect(await ids({ search: 'order 1042' })).toEqual(['a']);
    });
  });
}

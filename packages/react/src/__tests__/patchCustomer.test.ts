import './helpers.js';
import type { ConversationWithCustomer } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { findConversation, patchCustomer } from '../liveCache.js';
import { pagedeskKeys } from '../queryKeys.js';
import { NOW, testClient } from './helpers.js';

describe('patchCustomer', () => {
  it("writes a changed customer into its entry, every cached list and its conversations' details", () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 6 });
    const [a, b] = transport.data.conversations as [ConversationWithCustomer, ConversationWithCustomer];
    const client = testClient();
    const page = { items: [a, b], nextCursor: null };
    client.setQueryData(pagedeskKeys.conversations({}), { pages: [page], pageParams: [null] });
    client.setQueryData(pagedeskKeys.conversations({ unread: true }), {
      pages: [{ items: [b], nextCursor: null }],
      pageParams: [null],
    });
    client.setQueryData(pagedeskKeys.conversation(a.id), a);
    const renamed = { ...a.customer, details: { name: 'Ana (VIP)', updatedAt: NOW } };

    patchCustomer(client, renamed);

    expect(client.getQueryData(pagedeskKeys.customer(a.customer.id))).toBe(renamed);
    expect(findConversation(client, a.id)?.customer).toEqual(renamed);
    const all = client.getQueryData<{ pages: (typeof page)[] }>(pagedeskKeys.conversations({}));
    expect(all?.pages[0]?.items.map((c) => c.customer.details?.name)).toEqual(['Ana (VIP)', undefined]);
    expect(findConversation(client, 'nope')).toBeUndefined();
  });
});

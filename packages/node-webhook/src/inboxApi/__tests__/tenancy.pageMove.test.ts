import type { Inbox } from '@pagedesk/core';
import { testEvents } from '@pagedesk/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInboxApi, type InboxApi } from '../index.js';
import { channel, conversation, customer, eventsOf, readFrames, serve } from './helpers.js';
import { ACME_OPEN, authorizeByHeader, callAs, GLOBEX, GLOBEX_OPEN, onPage, tenantInbox } from './tenants.js';

// A page that moves from one organisation to another (Acme disconnects it, Globex connects the same
// page id) keeps what Acme stored Acme's: neither the stream's replay nor a request by id hands it to
// Globex, whatever the page's channel says now.

let inbox: Inbox;
let api: InboxApi;
let server: Awaited<ReturnType<typeof serve>>;

beforeEach(async () => {
  inbox = await tenantInbox();
  api = createInboxApi({ inbox, heartbeatMs: 0, authorize: authorizeByHeader });
  server = await serve(api);
});
afterEach(async () => {
  api.close();
  await server.close();
});

/** Globex connects the page: a channel record of the same id with Globex's organisation. */
async function moveToGlobex(): Promise<void> {
  await inbox.updateChannel(channel({ id: ACME_OPEN, name: 'Now a Globex page', organizationId: GLOBEX }));
}

describe('a page that moves to another organisation', () => {
  it("does not replay the first organisation's messages to the second", async () => {
    await inbox.recordOutbound(onPage(ACME_OPEN).conversationId, {
      text: 'Acme only: the card ends in 4242',
      author: { kind: 'agent' },
    });
    await inbox.purgeChannel(ACME_OPEN);
    await moveToGlobex();
    // Any browser may claim any event id: from the start of the buffer, Globex crosses the page's move,
    // which shows it a page, so it gets a reset (and refetches) rather than a replay.
    const response = await fetch(`${server.base}/events`, {
      headers: { 'x-principal': 'globexAdmin', 'last-event-id': '0' },
    });
    const events = eventsOf(
      await readFrames(response.body!, (frames) => frames.some((f) => f.includes('event: reset'))),
    );
    expect(events.map((e) => e.event)).toEqual(['reset']);
    expect(JSON.stringify(events)).not.toContain('4242');
  });

  it("answers 404 for the first organisation's records left on the page, and 200 for the second's", async () => {
    // What an event that raced the purge leaves: Acme's customer, conversation and message on the page.
    await moveToGlobex();
    const acme = onPage(ACME_OPEN);
    const left = [
      ['GET', `/conversations/${acme.conversationId}`],
      ['GET', `/conversations/${acme.conversationId}/messages`],
      ['PATCH', `/conversations/${acme.conversationId}`, { status: 'closed' }],
      ['GET', `/customers/${encodeURIComponent(acme.customerId)}`],
      ['POST', `/messages/${acme.messageId}/retry`],
    ] as const;
    for (const [method, path, body] of left) {
      const { status } = await callAs(server.base, 'globexAdmin', method, path, body);
      expect({ method, path, status }).toEqual({ method, path, status: 404 });
    }
    // Globex's own conversation on the same page is Globex's.
    const own = { id: 'conv-globex-moved', customerId: `${ACME_OPEN}:psid-globex` };
    await inbox.store.customers.put(
      customer(2, { id: own.customerId, channelId: ACME_OPEN, psid: 'psid-globex', organizationId: GLOBEX }),
    );
    await inbox.store.conversations.put(
      conversation(2, { ...own, channelId: ACME_OPEN, organizationId: GLOBEX }),
    );
    for (const path of [`/conversations/${own.id}`, `/customers/${encodeURIComponent(own.customerId)}`])
      expect((await callAs(server.base, 'globexAdmin', 'GET', path)).status).toBe(200);
    const list = await callAs(server.base, 'globexAdmin', 'GET', '/conversations');
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(own.id);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(acme.conversationId);
  });

  it('keeps what arrived while the page had no channel from the organisation that connects it next', async () => {
    // Acme purges the page, but Meta still delivers its messages (the app stays subscribed for an
    // Instagram account linked to it): they are stored under no organisation.
    await inbox.purgeChannel(ACME_OPEN);
    const between = { pageId: ACME_OPEN, customerId: 'psid-between', mid: 'm_between' };
    await inbox.apply([
      testEvents.message({ ...between, text: 'My address is 1 Elm St', timestamp: Date.now() - 1000 }),
    ]);
    const stored = (await inbox.store.conversations.findLatest({
      channelId: ACME_OPEN,
      customerId: `${ACME_OPEN}:psid-between`,
      source: 'message',
    }))!;
    await moveToGlobex();
    const stream = await fetch(`${server.base}/events`, { headers: { 'x-principal': 'globexAdmin' } });
    while (api.liveConnections < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const path of [
      `/conversations/${stored.id}`,
      `/conversations/${stored.id}/messages`,
      `/customers/${encodeURIComponent(stored.customerId)}`,
    ])
      expect({ path, status: (await callAs(server.base, 'globexAdmin', 'GET', path)).status }).toEqual({
        path,
        status: 404,
      });
    // The customer edits that message: the change is not Globex's either.
    await inbox.apply([
      testEvents.edit({ ...between, text: 'My address is 2 Elm St', timestamp: Date.now() }),
    ]);
    await inbox.updateChannel(channel({ id: GLOBEX_OPEN, organizationId: GLOBEX, name: 'Globex, later' }));
    const frames = await readFrames(stream.body!, (all) => all.some((f) => f.includes('Globex, later')));
    expect(frames.join('\n')).not.toContain('Elm St');
  });
});

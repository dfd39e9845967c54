import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Inbox } from '@pagedesk/core';
import { testEvents } from '@pagedesk/core/testing';
import { createInboxApi, type InboxApi } from '@pagedesk/node-webhook';
import { render, renderHook, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACME_OPEN,
  authorizeByHeader,
  forbiddenWords,
  GLOBEX_OPEN,
  principals,
  tenantInbox,
} from '../../../node-webhook/src/inboxApi/__tests__/tenants.js';
import { ConversationList } from '../ConversationList.js';
import { httpTransport } from '../httpTransport.js';
import { PagedeskProvider } from '../PagedeskProvider.js';
import { useChannels } from '../useChannels.js';
import { useConversations } from '../useConversations.js';
import { renderWith, stubLayout, testClient } from './helpers.js';

// The React kit, unchanged, over httpTransport against a real createInboxApi on 127.0.0.1 with two
// principals of two organisations: hooks and components show only what each principal sees, also
// when a live event of the other organisation happens.

type Who = keyof typeof principals;
let inbox: Inbox;
let api: InboxApi;
let server: Server;
let baseUrl: string;

stubLayout();

beforeAll(async () => {
  inbox = await tenantInbox();
  api = createInboxApi({
    inbox,
    heartbeatMs: 0,
    authorize: authorizeByHeader,
  });
  server = createServer(api.node);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  api.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const transportOf = (who: Who) => httpTransport({ baseUrl, headers: { 'x-principal': who } });

function wrapperFor(who: Who) {
  const transport = transportOf(who);
  const queryClient = testClient();
  return ({ children }: { children: ReactNode }) => (
    <PagedeskProvider transport={transport} queryClient={queryClient}>
      {children}
    </PagedeskProvider>
  );
}

describe('the React kit with two organisations', () => {
  it('useChannels and useConversations hold only what each principal sees, live included', async () => {
    const hooks = (who: Who) =>
      renderHook(() => ({ channels: useChannels(), list: useConversations() }), { wrapper: wrapperFor(who) });
    const acme = hooks('acmeAgent');
    const globex = hooks('globexAdmin');
    await waitFor(() => {
      expect(acme.result.current.channels.data?.map((c) => c.id)).toEqual([ACME_OPEN]);
      expect(globex.result.current.channels.data?.map((c) => c.id)).toEqual([GLOBEX_OPEN]);
      expect(acme.result.current.list.conversations.map((c) => c.channelId)).toEqual([ACME_OPEN]);
      expect(globex.result.current.list.conversations.map((c) => c.channelId)).toEqual([GLOBEX_OPEN]);
    });
    await waitFor(() => expect(api.liveConnections).toBe(2));

    // A new Globex customer writes: Globex's list gets it live, Acme's never does.
    await inbox.apply([
      testEvents.message({
        pageId: GLOBEX_OPEN,
        customerId: 'psid-new',
        text: 'Globex order 42',
        timestamp: Date.now(),
      }),
    ]);
    await waitFor(() => expect(globex.result.current.list.conversations).toHaveLength(2));
    await inbox.apply([
      testEvents.message({
        pageId: ACME_OPEN,
        customerId: 'psid-new',
        text: 'Acme question',
        timestamp: Date.now(),
      }),
    ]);
    await waitFor(() => expect(acme.result.current.list.conversations).toHaveLength(2));
    // Both streams got every event they may see by now (the Acme one came after the Globex one).
    expect(globex.result.current.list.conversations).toHaveLength(2);
    expect(acme.result.current.list.conversations.map((c) => c.channelId)).toEqual([ACME_OPEN, ACME_OPEN]);
    expect(JSON.stringify(acme.result.current)).not.toMatch(forbiddenWords(principals.acmeAgent));
    expect(JSON.stringify(globex.result.current)).not.toMatch(forbiddenWords(principals.globexAdmin));
    acme.unmount();
    globex.unmount();
  });

  it("drops what a principal's transport fetched when the host swaps in another's without a remount", async () => {
    const queryClient = testClient();
    const view = (who: Who, transport = transportOf(who)) => (
      <PagedeskProvider transport={transport} queryClient={queryClient}>
        <ConversationList />
      </PagedeskProvider>
    );
    const { container, rerender, unmount } = render(view('acmeAgent'));
    await screen.findByText(`Customer of ${ACME_OPEN}`);
    // Acme's agent signs out and Globex's admin signs in, in the same page.
    rerender(view('globexAdmin'));
    await screen.findByText(`Customer of ${GLOBEX_OPEN}`);
    expect(container.textContent).not.toMatch(forbiddenWords(principals.globexAdmin));
    unmount();
  });

  it('renders the conversation list and its channel filter with the principal’s pages only', async () => {
    const { container, unmount } = renderWith(transportOf('acmeAgent'), <ConversationList />);
    await screen.findByText(`Customer of ${ACME_OPEN}`);
    expect(container.textContent).not.toMatch(forbiddenWords(principals.acmeAgent));
    unmount();
  });
});

import type { ConversationWithCustomer } from '@pagedesk/core';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { ConversationView } from '../Inbox.js';
import { MessageList } from '../MessageList.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout(5000, 40);

const DAY = 86_400_000;

/** conv-1 is open; conv-2 and conv-3 are the same customer's earlier conversations (conv-2 resolved by Sam). */
function threadTransport() {
  const transport = createFakeTransport({ now: () => NOW, conversations: 4, messagesPerConversation: 3 });
  const list = transport.data.conversations;
  const open = list.find((c) => c.id === 'conv-1') as ConversationWithCustomer;
  const same = { channelId: open.channelId, customerId: open.customerId, customer: open.customer };
  const replace = (id: string, patch: Partial<ConversationWithCustomer>) => {
    const i = list.findIndex((c) => c.id === id);
    list[i] = { ...(list[i] as ConversationWithCustomer), ...same, source: 'message', ...patch };
  };
  replace('conv-1', { createdAt: NOW - DAY, continuesFrom: 'conv-2' });
  replace('conv-2', {
    createdAt: NOW - 10 * DAY,
    status: 'resolved',
    resolvedAt: NOW - 9 * DAY,
    resolvedBy: 'agent-1',
    continuedIn: 'conv-1',
  });
  replace('conv-3', { createdAt: NOW - 30 * DAY, status: 'resolved', resolvedAt: NOW - 29 * DAY });
  return transport;
}

const region = () => screen.getByRole('region', { name: 'Messages' });
const dividers = () => [...region().querySelectorAll('.pd-thread-divider')].map((d) => d.textContent);
const listedMessages = (transport: ReturnType<typeof createFakeTransport>) =>
  transport.calls.filter((c) => c.method === 'listMessages').map((c) => c.args[0]);

describe('the customer thread above the open conversation', () => {
  it('loads earlier conversations only when asked, one by one, each closed by a labelled divider', async () => {
    const transport = threadTransport();
    renderWith(transport, <MessageList conversationId="conv-1" onReply={() => {}} />);
    const more = await screen.findByRole('button', { name: 'Show earlier conversations ↑' });
    expect(dividers()).toEqual([]);
    expect(listedMessages(transport)).toEqual(['conv-1']);
    // The thread list is scoped to the customer on the channel.
    const query = transport.calls.find((c) => c.method === 'listConversations')?.args[0];
    expect(query).toMatchObject({
      customerId: transport.data.conversations[0]?.customerId,
      source: 'message',
    });

    const user = userEvent.setup();
    await user.click(more);
    await waitFor(() => expect(dividers()).toHaveLength(1));
    expect(dividers()[0]).toMatch(/^Conversation of .+ · resolved by Sam Rivera$/);
    expect(listedMessages(transport)).toEqual(['conv-1', 'conv-2']);
    // History: no reply or retry on an earlier conversation's messages.
    const earlierRows = region().querySelectorAll('.pd-row-earlier');
    expect(earlierRows.length).toBe(3);
    const current = [...region().querySelectorAll('.pd-row:not(.pd-row-earlier)')] as HTMLElement[];
    expect(current.some((row) => within(row).queryAllByRole('button', { name: 'Reply' }).length > 0)).toBe(
      true,
    );
    for (const row of earlierRows)
      expect(within(row as HTMLElement).queryByRole('button', { name: 'Reply' })).toBeNull();

    // Scrolling to the top loads the one before.
    region().scrollTop = 0;
    fireEvent.scroll(region());
    await waitFor(() => expect(dividers()).toHaveLength(2));
    expect(dividers()[0]).toMatch(/^Conversation of .+ · resolved$/);
    expect(listedMessages(transport)).toEqual(['conv-1', 'conv-2', 'conv-3']);
    expect(screen.queryByRole('button', { name: 'Show earlier conversations ↑' })).toBeNull();
  });

  it('shows no thread control for a customer without earlier conversations', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 3, messagesPerConversation: 3 });
    const first = transport.data.conversations[0] as ConversationWithCustomer;
    transport.data.conversations[0] = { ...first, source: 'message' };
    renderWith(transport, <MessageList conversationId={first.id} onReply={() => {}} />);
    await waitFor(() => expect(transport.calls.some((c) => c.method === 'listConversations')).toBe(true));
    await screen.findAllByRole('button', { name: 'Reply' });
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(screen.queryByRole('button', { name: 'Show earlier conversations ↑' })).toBeNull();
  });
});

describe('a resolved conversation the customer wrote to again', () => {
  it('says where the thread continues, live, and opens it', async () => {
    const transport = threadTransport();
    const open = vi.fn();
    const i = transport.data.conversations.findIndex((c) => c.id === 'conv-3');
    const resolved = transport.data.conversations[i] as ConversationWithCustomer;
    renderWith(
      transport,
      <ConversationView conversationId="conv-3" onOpenConversation={open} autoFocus={false} />,
    );
    await screen.findByRole('button', { name: 'Reopen' });
    expect(screen.queryByRole('button', { name: /Continues in the new conversation/ })).toBeNull();
    act(() => {
      transport.emit({
        type: 'conversation:updated',
        conversation: { ...resolved, continuedIn: 'conv-4', updatedAt: NOW + 1 },
      });
    });
    const button = await screen.findByRole('button', { name: 'Continues in the new conversation →' });
    expect(screen.getByText('The customer wrote again after this was resolved.')).toBeTruthy();
    await userEvent.setup().click(button);
    expect(open).toHaveBeenCalledWith('conv-4');
  });
});

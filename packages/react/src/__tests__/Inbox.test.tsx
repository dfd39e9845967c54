import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { Inbox } from '../Inbox.js';
import type { EmptyStateProps } from '../slots.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout();

function BracketEmpty({ kind, children }: EmptyStateProps) {
  return <p data-kind={kind}>[{children}]</p>;
}

describe('<Inbox>', () => {
  it('opens a conversation from the list, moves focus to the composer and marks it read', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 10 });
    renderWith(transport, <Inbox />);
    expect(await screen.findByText('Select a conversation to start')).toBeTruthy();
    const listbox = await screen.findByRole('listbox', { name: 'Conversations' });
    const unread = await waitFor(() => {
      const row = within(listbox)
        .getAllByRole('option')
        .find((o) => o.getAttribute('data-unread'));
      if (!row) throw new Error('no unread row yet');
      return row;
    });
    const user = userEvent.setup();
    await user.click(unread);
    const composer = await screen.findByRole('textbox', { name: 'Reply' });
    await waitFor(() => expect(document.activeElement).toBe(composer));
    expect(unread.getAttribute('aria-selected')).toBe('true');
    await waitFor(() =>
      expect(transport.calls.find((c) => c.method === 'updateConversation')?.args[1]).toEqual({ read: true }),
    );
    await waitFor(() => expect(unread.getAttribute('data-unread')).toBeNull());
  });

  it('resolves and assigns from the header, and shows a reconnecting banner', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 3 });
    renderWith(transport, <Inbox defaultSelectedId="conv-2" />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Resolve' }));
    expect(await screen.findByRole('button', { name: 'Reopen' })).toBeTruthy();
    const assignee = screen.getAllByRole('combobox', { name: 'Assignee' }).at(-1) as HTMLSelectElement;
    await waitFor(() => expect(within(assignee).getAllByRole('option').length).toBe(3));
    await user.selectOptions(assignee, 'agent-2');
    await waitFor(() => expect(transport.data.conversations[1]?.assigneeId).toBe('agent-2'));
    transport.setStatus('reconnecting');
    expect(await screen.findByText('Reconnecting…')).toBeTruthy();
  });

  it('replaces strings from the messages prop and parts from components', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 0 });
    renderWith(transport, <Inbox />, {
      messages: {
        inbox: { noSelection: 'Choisissez une conversation' },
        list: { empty: 'Aucune conversation' },
      },
      components: { EmptyState: BracketEmpty },
      locale: 'fr',
    });
    expect(await screen.findByText('[Choisissez une conversation]')).toBeTruthy();
    expect(await screen.findByText('[Aucune conversation]')).toBeTruthy();
    expect(screen.getByRole('searchbox', { name: 'Search conversations' })).toBeTruthy();
  });
});

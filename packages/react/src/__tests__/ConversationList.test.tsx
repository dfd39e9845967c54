import { compareConversations, PagedeskError } from '@pagedesk/core';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ConversationList } from '../ConversationList.js';
import { createFakeTransport } from '../fakeTransport.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout();

describe('<ConversationList>', () => {
  it('renders only the visible rows of a long list, as a labelled listbox', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 2000 });
    renderWith(transport, <ConversationList pageSize={100} />);
    const listbox = await screen.findByRole('listbox', { name: 'Conversations' });
    await waitFor(() => expect(within(listbox).getAllByRole('option').length).toBeGreaterThan(5));
    expect(within(listbox).getAllByRole('option').length).toBeLessThan(40);
  });

  it('points aria-activedescendant only at a rendered row', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 300 });
    // A selected conversation far down the list is not rendered until scrolled to.
    const far = [...transport.data.conversations].sort(compareConversations)[90]?.id;
    renderWith(transport, <ConversationList pageSize={100} selectedId={far} />);
    const listbox = await screen.findByRole('listbox');
    await waitFor(() => expect(within(listbox).getAllByRole('option').length).toBeGreaterThan(5));
    // Real scrolling to the row is checked in Chromium (browser/); jsdom never scrolls.
    expect(listbox.getAttribute('aria-activedescendant')).toBeNull();
  });

  it('moves the active row with the keyboard and opens it with Enter', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 20 });
    const onSelect = vi.fn();
    renderWith(transport, <ConversationList onSelect={onSelect} />);
    const listbox = await screen.findByRole('listbox');
    await waitFor(() => expect(within(listbox).getAllByRole('option').length).toBeGreaterThan(3));
    const user = userEvent.setup();
    listbox.focus();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const active = document.getElementById(listbox.getAttribute('aria-activedescendant') ?? '');
    expect(active?.getAttribute('aria-posinset')).toBe('3');
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenCalledTimes(1);
    const chosen = onSelect.mock.calls[0]?.[0] as string;
    await user.keyboard('{Home}{Enter}');
    expect(onSelect.mock.calls[1]?.[0]).not.toBe(chosen);
  });

  it('keeps the active row on its conversation when a live message moves another one to the top', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 20 });
    const onSelect = vi.fn();
    renderWith(
      transport,
      <ConversationList onSelect={onSelect} renderItem={({ conversation }) => conversation.id} />,
    );
    const listbox = await screen.findByRole('listbox');
    await waitFor(() => expect(within(listbox).getAllByRole('option').length).toBeGreaterThan(3));
    const user = userEvent.setup();
    listbox.focus();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const active = () => document.getElementById(listbox.getAttribute('aria-activedescendant') ?? '');
    const chosen = active()?.textContent;
    // A customer further down writes just before the agent presses Enter: their row moves to the top.
    const writer = within(listbox).getAllByRole('option').at(-1)?.textContent ?? '';
    act(() => void transport.receive(writer, { text: 'Hello?' }));
    await waitFor(() => expect(within(listbox).getAllByRole('option')[0]?.textContent).toBe(writer));
    expect(active()?.textContent).toBe(chosen);
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenCalledWith(chosen);
  });

  it('shows unread and window badges with the channel kind for screen readers', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 12 });
    renderWith(transport, <ConversationList />);
    const listbox = await screen.findByRole('listbox');
    await waitFor(() => expect(within(listbox).getAllByRole('option').length).toBeGreaterThan(9));
    expect(within(listbox).getAllByText(/\d unread/).length).toBeGreaterThan(0);
    // Conversation 4 is 30 h old (human agent tier), conversation 6 is 9 days old (closed).
    expect(within(listbox).getAllByText('Human agent only').length).toBeGreaterThan(0);
    expect(within(listbox).getAllByText('Window closed').length).toBeGreaterThan(0);
    expect(within(listbox).getAllByText('Instagram').length).toBeGreaterThan(0);
    expect(within(listbox).getAllByText('Comments').length).toBeGreaterThan(0);
  });

  it('filters by channel kind, unread and search', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 30 });
    const onFilterChange = vi.fn();
    renderWith(transport, <ConversationList onFilterChange={onFilterChange} />);
    await screen.findByRole('listbox');
    const user = userEvent.setup();
    await user.click(screen.getByRole('radio', { name: 'Instagram' }));
    expect(onFilterChange).toHaveBeenLastCalledWith({ platform: 'instagram', source: 'message' });
    await waitFor(() =>
      expect(transport.calls.at(-1)?.args[0]).toMatchObject({ platform: 'instagram', source: 'message' }),
    );
    await user.click(screen.getByRole('checkbox', { name: 'Unread only' }));
    expect(onFilterChange).toHaveBeenLastCalledWith({
      platform: 'instagram',
      source: 'message',
      unread: true,
    });
    await user.type(screen.getByRole('searchbox', { name: 'Search conversations' }), 'ana');
    await waitFor(() =>
      expect(onFilterChange).toHaveBeenLastCalledWith(expect.objectContaining({ search: 'ana' })),
    );
  });

  it('shows the empty state, and the error state with a retry', async () => {
    const empty = createFakeTransport({ now: () => NOW, conversations: 0 });
    const view = renderWith(empty, <ConversationList />);
    expect(await screen.findByText('No conversations')).toBeTruthy();
    view.unmount();

    const failing = createFakeTransport({ now: () => NOW, conversations: 3 });
    failing.failNext('listConversations', new PagedeskError('network', 'down', { retryable: true }));
    renderWith(failing, <ConversationList />);
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringContaining('could not be loaded'),
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(within(screen.getByRole('listbox')).getAllByRole('option').length).toBe(3));
  });

  it('uses a replacement row from components or renderItem', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 3 });
    renderWith(
      transport,
      <ConversationList renderItem={({ conversation }) => <b>row {conversation.id}</b>} />,
    );
    expect(await screen.findByText('row conv-1')).toBeTruthy();
  });
});

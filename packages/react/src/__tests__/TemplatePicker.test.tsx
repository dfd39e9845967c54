import { PagedeskError, type ReplyTemplate } from '@pagedesk/core';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Composer } from '../Composer.js';
import { createFakeTransport } from '../fakeTransport.js';
import { NOW, renderWith } from './helpers.js';

const template = (id: string, name: string, rest: Partial<ReplyTemplate>): ReplyTemplate => ({
  id,
  name,
  parts: [{ text: name }],
  channelIds: null,
  createdAt: NOW,
  updatedAt: NOW,
  ...rest,
});

const photo = {
  id: 'up-1',
  name: 'map.png',
  type: 'image/png',
  size: 2000,
  url: 'https://cdn.example.com/map.png',
};
const TEMPLATES = [
  template('t-welcome', 'Welcome', {
    parts: [
      { text: 'Hi {{customer.firstName|there}}!' },
      { attachments: [photo] },
      {
        text: 'Anything else?',
        quickReplies: [
          { title: 'Yes', payload: 'YES' },
          { title: 'No', payload: 'NO' },
        ],
      },
    ],
  }),
  template('t-ig', 'Instagram only', { channelIds: ['ig-1'] }),
  template('t-email', 'Email follow-up', { parts: [{ text: 'We wrote to {{customer.email}}' }] }),
  template('t-refund', 'Refund steps', { parts: [{ text: 'Refunds take 5 days.' }] }),
];

const setup = () => createFakeTransport({ now: () => NOW, conversations: 8, templates: TEMPLATES });

const sends = (transport: ReturnType<typeof createFakeTransport>) =>
  transport.calls.filter((c) => c.method === 'sendMessage').map((c) => c.args[1] as Record<string, unknown>);

async function openWithSlash() {
  const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
  await waitFor(() => expect(box.disabled).toBe(false));
  const user = userEvent.setup();
  await user.type(box, '/');
  const search = await screen.findByRole('combobox', { name: 'Search templates' });
  await waitFor(() => expect(document.activeElement).toBe(search));
  return { box, search, user };
}

describe('<Composer> template picker', () => {
  it('opens on / in the empty box and lists only the templates meant for the channel, filled for the customer', async () => {
    const transport = setup();
    renderWith(transport, <Composer conversationId="conv-2" />);
    const { box } = await openWithSlash();
    expect(box.value).toBe('');
    const list = screen.getByRole('listbox', { name: 'Reply templates' });
    await waitFor(() =>
      expect(
        within(list)
          .getAllByRole('option')
          .map((o) => o.firstChild?.textContent),
      ).toEqual(['Email follow-up', 'Refund steps', 'Welcome']),
    );
    // The first one cannot be filled: this customer has no email.
    expect(screen.getByText(/Cannot be sent: .*customer\.email/)).toBeTruthy();
    expect(within(list).getAllByRole('option')[0]?.getAttribute('aria-disabled')).toBe('true');
    expect(transport.calls.find((c) => c.method === 'listTemplates')?.args).toEqual([
      { channelId: 'page-1' },
    ]);
  });

  it('filters as the agent types, moves with the arrows, previews every part and sends them in order', async () => {
    const transport = setup();
    const firstName = transport.data.conversations[1]?.customer.firstName;
    renderWith(transport, <Composer conversationId="conv-2" />);
    const { search, user, box } = await openWithSlash();
    await user.type(search, 'e');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const active = () => document.getElementById(search.getAttribute('aria-activedescendant') ?? '');
    expect(active()?.textContent).toContain('Welcome');
    await user.keyboard('{ArrowDown}');
    expect(active()?.textContent).toContain('Email follow-up');
    await user.keyboard('{ArrowUp}');
    expect(active()?.getAttribute('aria-selected')).toBe('true');

    await user.clear(search);
    await user.type(search, 'welc');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    const preview = document.getElementById(search.getAttribute('aria-describedby') ?? '') as HTMLElement;
    expect(within(preview).getByText(`Hi ${firstName}!`)).toBeTruthy();
    expect(within(preview).getByRole('img', { name: 'map.png' }).getAttribute('src')).toBe(photo.url);
    expect(within(preview).getByRole('list', { name: 'Quick replies' }).textContent).toBe('YesNo');

    await user.keyboard('{Enter}');
    await waitFor(() => expect(sends(transport)).toHaveLength(3));
    expect(sends(transport).map(({ clientId: _id, ...draft }) => draft)).toEqual([
      { text: `Hi ${firstName}!` },
      { attachments: [photo] },
      {
        text: 'Anything else?',
        quickReplies: [
          { title: 'Yes', payload: 'YES' },
          { title: 'No', payload: 'NO' },
        ],
      },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(box);
  });

  it('never sends a template whose variables cannot be filled', async () => {
    const transport = setup();
    renderWith(transport, <Composer conversationId="conv-2" />);
    const { user, search } = await openWithSlash();
    await user.type(search, 'email');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    await user.keyboard('{Enter}');
    await user.click(screen.getByRole('option'));
    expect(screen.getByRole('dialog', { name: 'Reply templates' })).toBeTruthy();
    expect(sends(transport)).toEqual([]);
  });

  it('stops at the part that fails and says the reply could not be sent', async () => {
    const transport = setup();
    renderWith(transport, <Composer conversationId="conv-2" />);
    const { user, search } = await openWithSlash();
    await user.type(search, 'welcome');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    transport.failNext('sendMessage', new PagedeskError('graph_error', 'Meta is down', { retryable: true }));
    await user.keyboard('{Enter}');
    expect(await screen.findByText('The reply could not be sent.')).toBeTruthy();
    expect(sends(transport)).toHaveLength(1);
  });

  it('closes on Escape without sending, and opens from its button too', async () => {
    const transport = setup();
    renderWith(transport, <Composer conversationId="conv-2" />);
    const { user, box } = await openWithSlash();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(box);
    await user.type(box, 'a/');
    expect(box.value).toBe('a/');
    expect(screen.queryByRole('dialog')).toBeNull();
    const button = screen.getByRole('button', { name: 'Templates' });
    await user.click(button);
    expect(await screen.findByRole('dialog', { name: 'Reply templates' })).toBeTruthy();
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(sends(transport)).toEqual([]);
  });

  it('is not offered on a comment thread, nor by a transport without templates', async () => {
    const transport = setup();
    const view = renderWith(transport, <Composer conversationId="conv-7" />);
    const button = (await screen.findByRole('button', { name: 'Templates' })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    view.unmount();

    const bare = setup();
    Object.assign(bare, { listTemplates: undefined });
    renderWith(bare, <Composer conversationId="conv-2" />);
    await screen.findByRole('textbox', { name: 'Reply' });
    expect(screen.queryByRole('button', { name: 'Templates' })).toBeNull();
  });
});

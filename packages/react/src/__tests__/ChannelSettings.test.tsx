import type { Channel } from '@pagedesk/core';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ChannelSettings } from '../ChannelSettings.js';
import { createFakeTransport } from '../fakeTransport.js';
import { NOW, renderWith } from './helpers.js';

function withStatuses(...statuses: Array<Partial<Channel>>) {
  const transport = createFakeTransport({ now: () => NOW, conversations: 1 });
  const [page, ig] = transport.data.channels as [Channel, Channel];
  Object.assign(page, statuses[0] ?? {});
  Object.assign(ig, statuses[1] ?? {});
  return transport;
}

describe('<ChannelSettings>', () => {
  it('shows status badges and the reason', async () => {
    const transport = withStatuses(
      { status: 'expired', statusReason: 'Password changed' },
      { status: 'missing_permissions', missingPermissions: ['instagram_manage_messages'] },
    );
    renderWith(transport, <ChannelSettings onReauthorize={async () => 'token'} />);
    expect(await screen.findByText('Connection expired')).toBeTruthy();
    expect(screen.getByText('Password changed')).toBeTruthy();
    expect(screen.getByText('Permissions missing')).toBeTruthy();
    expect(screen.getByText('Missing: instagram_manage_messages')).toBeTruthy();
  });

  it('reauthorizes with the token from the host, deactivates and re-activates', async () => {
    const transport = withStatuses({ status: 'expired' });
    const onReauthorize = vi.fn(async () => 'user-token');
    renderWith(transport, <ChannelSettings onReauthorize={onReauthorize} />);
    const card = (await screen.findByRole('heading', { name: 'Acme Support' })).closest('li') as HTMLElement;
    const user = userEvent.setup();
    await user.click(within(card).getByRole('button', { name: 'Reauthorize' }));
    await waitFor(() => expect(within(card).getByText('Active')).toBeTruthy());
    expect(transport.calls.find((c) => c.method === 'channelAction')?.args).toEqual([
      'page-1',
      { action: 'reauthorize', userAccessToken: 'user-token' },
    ]);
    await user.click(within(card).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() => expect(within(card).getByText('Deactivated')).toBeTruthy());
    await user.click(within(card).getByRole('button', { name: 'Re-activate' }));
    await waitFor(() => expect(within(card).getByText('Active')).toBeTruthy());
  });

  it('disconnects only after confirmation, and then shows the channel read-only', async () => {
    const transport = withStatuses();
    renderWith(transport, <ChannelSettings />);
    const card = (await screen.findByRole('heading', { name: 'acme.shop' })).closest('li') as HTMLElement;
    const user = userEvent.setup();
    await user.click(within(card).getByRole('button', { name: 'Disconnect' }));
    const dialog = within(card).getByRole('alertdialog');
    expect(dialog.textContent).toContain('stay readable');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(transport.calls.some((c) => c.method === 'channelAction')).toBe(false);
    await user.click(within(card).getByRole('button', { name: 'Disconnect' }));
    expect(document.activeElement?.textContent).toBe('Disconnect');
    await user.click(
      within(within(card).getByRole('alertdialog')).getByRole('button', { name: 'Disconnect' }),
    );
    await waitFor(() => expect(within(card).getByText('Disconnected')).toBeTruthy());
    expect(within(card).queryByRole('button', { name: 'Deactivate' })).toBeNull();
  });

  it('connects pages through the host login and the page picker', async () => {
    const transport = withStatuses();
    renderWith(transport, <ChannelSettings onConnect={async () => 'login-token'} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Connect a page' }));
    const picker = await screen.findByRole('region', { name: 'Choose pages to connect' });
    const outlet = await within(picker).findByRole('checkbox', { name: /Acme Outlet/ });
    expect(
      (within(picker).getByRole('checkbox', { name: /Partner Page/ }) as HTMLInputElement).disabled,
    ).toBe(true);
    expect(
      (within(picker).getByRole('checkbox', { name: /Acme Support/ }) as HTMLInputElement).disabled,
    ).toBe(true);
    await user.click(outlet);
    await user.click(within(picker).getByRole('button', { name: 'Connect selected' }));
    expect(await screen.findByRole('heading', { name: 'Acme Outlet' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Choose pages to connect' })).toBeNull();
    expect(transport.calls.find((c) => c.method === 'connectPages')?.args[1]).toEqual(['page-new']);
  });

  it('names a wrong preference instead of clamping it, and never says "saved" for it', async () => {
    const transport = withStatuses();
    renderWith(transport, <ChannelSettings />);
    const form = await screen.findByRole('form', { name: 'Preferences: Acme Support' });
    const user = userEvent.setup();
    const limit = within(form).getByRole('spinbutton', { name: /Text limit \(characters\)/ });
    await user.type(limit, '5000');
    await user.click(within(form).getByRole('radio', { name: 'After a silence of' }));
    const minutes = within(form).getByRole('spinbutton', { name: /minutes/ });
    await user.clear(minutes);
    await user.type(minutes, '-5');
    await user.click(within(form).getByRole('button', { name: 'Save preferences' }));
    expect(await within(form).findByText('Enter at most 2,000.')).toBeTruthy();
    expect(within(form).getByText('Enter at least 1.')).toBeTruthy();
    expect(limit.getAttribute('aria-invalid')).toBe('true');
    expect((limit as HTMLInputElement).value).toBe('5000');
    expect(within(form).queryByText('Preferences saved')).toBeNull();
    expect(transport.calls.some((c) => c.method === 'updateChannelSettings')).toBe(false);
  });

  it('saves preferences', async () => {
    const transport = withStatuses();
    renderWith(transport, <ChannelSettings />);
    const form = await screen.findByRole('form', { name: 'Preferences: Acme Support' });
    const user = userEvent.setup();
    await user.click(within(form).getByRole('radio', { name: 'After a silence of' }));
    await user.click(within(form).getByRole('checkbox', { name: /Human agent tag/ }));
    await user.type(within(form).getByRole('spinbutton', { name: 'Text limit (characters)' }), '1600');
    await user.type(within(form).getByRole('spinbutton', { name: 'Image size limit (MB)' }), '8');
    await user.click(within(form).getByRole('checkbox', { name: 'Kim Lee' }));
    await user.click(within(form).getByRole('button', { name: 'Save preferences' }));
    await waitFor(() => expect(within(form).getByText('Preferences saved')).toBeTruthy());
    expect(transport.calls.find((c) => c.method === 'updateChannelSettings')?.args[1]).toEqual({
      threading: { mode: 'intermission', minutes: 60 },
      humanAgent: false,
      textMaxLength: 1600,
      attachmentMaxBytes: { image: 8 * 1024 * 1024 },
      agentIds: ['agent-2'],
    });
  });

  it('shows the empty state', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 0, channels: [] });
    renderWith(transport, <ChannelSettings />);
    expect(await screen.findByText('No channels connected yet')).toBeTruthy();
  });
});

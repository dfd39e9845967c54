import type { Channel, ChannelStatus } from '@pagedesk/core';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Composer } from '../Composer.js';
import { ConversationList } from '../ConversationList.js';
import { createFakeTransport } from '../fakeTransport.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout();

function withPageStatus(status: ChannelStatus, statusReason?: string) {
  const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
  const page = transport.data.channels[0] as Channel;
  Object.assign(page, { status, ...(statusReason ? { statusReason } : {}) });
  return transport;
}

describe('a channel that cannot send', () => {
  it.each([
    ['deactivated', /^Deactivated: no reply can be sent/],
    ['disconnected', /^Disconnected: no reply can be sent/],
    ['expired', /^Connection expired: no reply can be sent/],
    ['revoked', /^Connection expired: no reply can be sent/],
    ['blocked', /^Blocked by Meta: no reply can be sent/],
  ] as const)('%s: blocks the composer with the reason and no countdown', async (status, reason) => {
    renderWith(withPageStatus(status), <Composer conversationId="conv-2" />);
    expect(await screen.findByText(reason)).toBeTruthy();
    const box = screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement;
    expect(box.disabled).toBe(true);
    expect(screen.queryByText(/ends in|Closes in/)).toBeNull();
    expect(screen.queryByText('Standard window')).toBeNull();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("adds Meta's reason when the channel has one", async () => {
    renderWith(withPageStatus('revoked', 'Password changed'), <Composer conversationId="conv-2" />);
    expect(await screen.findByText(/\(Password changed\)/)).toBeTruthy();
  });

  it('marks its rows in the list with the state instead of a window badge', async () => {
    renderWith(withPageStatus('disconnected'), <ConversationList />);
    await screen.findAllByRole('option');
    await waitFor(() =>
      expect(document.querySelectorAll('[data-channel-status="disconnected"]').length).toBeGreaterThan(0),
    );
    const badge = document.querySelector('[data-channel-status="disconnected"]') as HTMLElement;
    expect(badge.textContent).toBe('Disconnected');
    // Rows of the healthy Instagram account keep their window badges.
    expect(document.querySelectorAll('[data-channel-status]').length).toBeLessThan(
      document.querySelectorAll('[role="option"]').length,
    );
  });
});

import type { Message } from '@pagedesk/core';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { MessageList } from '../MessageList.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout(5000, 40);

function region() {
  return screen.getByRole('region', { name: 'Messages' });
}

describe('<MessageList>', () => {
  it('renders every attachment kind, safely', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 2, messagesPerConversation: 4 });
    renderWith(transport, <MessageList conversationId="conv-1" />);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Open photo.png' })).toBeTruthy());
    const list = region();
    expect(within(list).getByRole('img', { name: 'photo.png' }).getAttribute('src')).toBe(
      'https://example.com/pagedesk/photo.png',
    );
    expect(within(list).getByText('GIF')).toBeTruthy();
    expect(list.querySelector('video')?.getAttribute('src')).toBe('https://example.com/pagedesk/clip.webm');
    expect(list.querySelector('audio')).toBeTruthy();
    expect(within(list).getByRole('link', { name: 'Download invoice.pdf' })).toBeTruthy();
    expect(within(list).getByRole('img', { name: 'Sticker' })).toBeTruthy();
    expect(within(list).getByRole('link', { name: 'Open in maps' }).getAttribute('href')).toContain(
      'openstreetmap.org/?mlat=48.8584',
    );
    expect(within(list).getByText('Your order #1234 has shipped')).toBeTruthy();
    expect(within(list).getByText('Summer collection')).toBeTruthy();
    expect(within(list).getByText('Mentioned you in their story')).toBeTruthy();
    expect(within(list).getByText('An article')).toBeTruthy();
  });

  it('opens images in a dialog that closes on Escape and gives focus back', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1, messagesPerConversation: 2 });
    renderWith(transport, <MessageList conversationId="conv-1" />);
    const open = await screen.findByRole('button', { name: 'Open photo.png' });
    const user = userEvent.setup();
    await user.click(open);
    // The viewer's code loads when it first opens (the main entry's lazy part).
    const dialog = await screen.findByRole('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    // Focus moves in the viewer's effect, which may run just after the dialog shows (a loaded machine).
    await waitFor(() =>
      expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' })),
    );
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(open);
  });

  it('shows echoes, edits, unsent, reactions, quotes, receipts and day separators', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 3, messagesPerConversation: 12 });
    renderWith(transport, <MessageList conversationId="conv-2" />);
    await waitFor(() =>
      expect(screen.getAllByText('Sent from Meta Business Suite').length).toBeGreaterThan(0),
    );
    expect(screen.getByText('Edited')).toBeTruthy();
    expect(screen.getAllByText('This message was unsent').length).toBeGreaterThan(0);
    expect(screen.getByRole('img', { name: 'Reactions: ❤️' })).toBeTruthy();
    expect(screen.getAllByText('Seen').length).toBeGreaterThan(0);
    // The generated history spans more than one day: at least two day separators.
    expect(region().querySelectorAll('.pd-day').length).toBeGreaterThanOrEqual(2);
    act(() => {
      transport.receive('conv-2', { text: 'now' });
    });
    expect(await within(region()).findByText('Today')).toBeTruthy();
    // Message 6 quotes message 8, which was unsent.
    expect(screen.getByText('Original message unavailable')).toBeTruthy();
  });

  it('never turns message text into markup or javascript: links', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1, messagesPerConversation: 1 });
    renderWith(transport, <MessageList conversationId="conv-1" />);
    await screen.findByRole('region', { name: 'Messages' });
    act(() => {
      transport.receive('conv-1', {
        text: '<img src=x onerror="window.__pwned=1"> javascript:alert(1) https://ok.example/path',
        attachments: [{ kind: 'image', url: 'javascript:alert(1)', name: 'evil.png' }],
      });
    });
    await waitFor(() => expect(within(region()).getByText(/onerror/)).toBeTruthy());
    const list = region();
    expect(list.querySelector('img[src="x"]')).toBeNull();
    const hrefs = Array.from(list.querySelectorAll('a')).map((a) => a.getAttribute('href'));
    expect(hrefs).toContain('https://ok.example/path');
    expect(hrefs.some((href) => href?.toLowerCase().startsWith('javascript'))).toBe(false);
    expect(
      screen.getByText('This attachment link was blocked because its address is not safe.'),
    ).toBeTruthy();
    for (const a of list.querySelectorAll('a[target="_blank"]'))
      expect(a.getAttribute('rel')).toContain('noopener');
  });

  it('announces a new customer message politely, and offers retry on failed ones', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 2, messagesPerConversation: 3 });
    const onReply = vi.fn();
    renderWith(transport, <MessageList conversationId="conv-2" onReply={onReply} />);
    await screen.findByRole('region', { name: 'Messages' });
    await waitFor(() =>
      expect(within(region()).getAllByRole('button', { name: 'Reply' }).length).toBeGreaterThan(0),
    );
    const log = screen.getByRole('log');
    expect(log.getAttribute('aria-live')).toBe('polite');
    act(() => {
      transport.receive('conv-2', { text: 'Are you there?' });
    });
    await waitFor(() => expect(log.textContent).toContain('Are you there?'));
    const last = transport.data.messages('conv-2').find((m) => m.direction === 'outbound') as Message;
    act(() =>
      transport.emit({
        type: 'message:updated',
        message: {
          ...last,
          delivery: 'failed',
          failure: { code: 'rate_limited', message: 'Too many messages', retryable: true },
        },
      }),
    );
    const retry = await screen.findByRole('button', { name: 'Retry' });
    expect(screen.getByText('Too many messages')).toBeTruthy();
    const user = userEvent.setup();
    await user.click(retry);
    await waitFor(() => expect(transport.calls.some((c) => c.method === 'retryMessage')).toBe(true));
    await user.click(within(region()).getAllByRole('button', { name: 'Reply' })[0] as HTMLElement);
    expect(onReply).toHaveBeenCalledTimes(1);
  });

  it('shows the typing indicator from live events', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 2, messagesPerConversation: 2 });
    renderWith(transport, <MessageList conversationId="conv-2" />);
    await screen.findByRole('region', { name: 'Messages' });
    act(() => transport.typing('conv-2', true));
    const customer = transport.data.conversations[1]?.customer.name as string;
    expect(await screen.findByText(`${customer} is typing…`)).toBeTruthy();
  });

  it('names another agent who types, and never shows the signed-in agent as the customer typing', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 2, messagesPerConversation: 2 });
    renderWith(transport, <MessageList conversationId="conv-2" />, { agentId: 'agent-1' });
    await screen.findByRole('region', { name: 'Messages' });
    act(() => transport.typing('conv-2', true, 'agent-1'));
    expect(screen.queryByText(/is typing…$/)).toBeNull();
    act(() => transport.typing('conv-2', true, 'agent-2'));
    expect(await screen.findByText('Kim Lee is typing…')).toBeTruthy();
    act(() => transport.typing('conv-2', false, 'agent-2'));
    expect(screen.queryByText(/is typing…$/)).toBeNull();
  });
});

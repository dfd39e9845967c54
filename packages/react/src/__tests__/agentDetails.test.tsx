import type { Message } from '@pagedesk/core';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { displayName } from '../bidi.js';
import { Composer } from '../Composer.js';
import { ConversationList } from '../ConversationList.js';
import { createFakeTransport } from '../fakeTransport.js';
import { MessageList } from '../MessageList.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout(5000, 40);

describe('quick replies', () => {
  it('count the title toward Meta’s 20 characters and stop there', async () => {
    renderWith(
      createFakeTransport({ now: () => NOW, conversations: 8 }),
      <Composer conversationId="conv-2" />,
    );
    const title = (await screen.findByRole('textbox', { name: 'Quick reply text' })) as HTMLInputElement;
    expect(screen.getByText('0 / 20')).toBeTruthy();
    await userEvent.setup().type(title, 'Track my parcel please now');
    expect(title.value).toBe('Track my parcel plea');
    expect(screen.getByText('20 / 20')).toBeTruthy();
  });
});

describe('the Instagram counter', () => {
  it('counts UTF-8 bytes against 1000 (an accented letter is 2), Messenger characters', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    // conv-5 is on the Instagram account of the generated data.
    expect(transport.data.conversations[4]?.platform).toBe('instagram');
    renderWith(transport, <Composer conversationId="conv-5" />);
    const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    fireEvent.change(box, { target: { value: 'é'.repeat(501) } });
    const counter = document.querySelector('.pd-composer-bar .pd-counter') as HTMLElement;
    expect(counter.textContent).toMatch(/^1,002 \/ 1,000 bytes/);
    expect(box.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(box, { target: { value: 'é'.repeat(500) } });
    expect(counter.textContent).toBe('1,000 / 1,000 bytes');
    expect(box.getAttribute('aria-invalid')).toBeNull();
  });
});

describe('window and status', () => {
  it('say "Window closed" and "Resolved" apart in the list, and the filter names the status', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 12 });
    renderWith(transport, <ConversationList />);
    await screen.findAllByRole('option');
    // conv-6 wrote 9 days ago (window closed); conv-11 is resolved.
    await waitFor(() => expect(screen.getAllByText('Window closed').length).toBeGreaterThan(0));
    expect(screen.queryByText('Closed')).toBeNull();
    expect(document.querySelector('.pd-badge-resolved')?.textContent).toBe('✓ Resolved');
    expect(screen.getByRole('option', { name: 'Not resolved' })).toBeTruthy();
  });

  it("shows the host's copy of the profile picture over Meta's, which expires", async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1 });
    const first = transport.data.conversations[0];
    if (first)
      first.customer = {
        ...first.customer,
        avatarUrl: 'https://cdn.example.com/ana.jpg',
        // What fileMediaStore returns: a path on the helpdesk's own origin.
        archivedAvatarUrl: '/pagedesk/media/page-1/avatars/ana.jpg',
      };
    renderWith(transport, <ConversationList />);
    await screen.findAllByRole('option');
    await waitFor(() =>
      expect(document.querySelector('.pd-avatar img')?.getAttribute('src')).toBe(
        '/pagedesk/media/page-1/avatars/ana.jpg',
      ),
    );
  });

  it('shows the profile picture the API has instead of the initial', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1 });
    const first = transport.data.conversations[0];
    if (first) first.customer = { ...first.customer, avatarUrl: 'https://cdn.example.com/ana.jpg' };
    renderWith(transport, <ConversationList />);
    await screen.findAllByRole('option');
    await waitFor(() =>
      expect(document.querySelector('.pd-avatar img')?.getAttribute('src')).toBe(
        'https://cdn.example.com/ana.jpg',
      ),
    );
  });
});

describe('text direction', () => {
  it('lets messages find their own direction and disarms overrides in file names', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 2, messagesPerConversation: 2 });
    transport.receive('conv-2', { text: 'مرحبا، أين طلبي؟' });
    transport.receive('conv-2', {
      attachments: [{ kind: 'file', url: 'https://example.com/x', name: '\u202Egnp.exe', size: 19 }],
    });
    renderWith(transport, <MessageList conversationId="conv-2" />);
    const arabic = await screen.findByText('مرحبا، أين طلبي؟');
    expect(arabic.closest('p')?.getAttribute('dir')).toBe('auto');
    const file = await screen.findByText('gnp.exe');
    expect(screen.getByText(/^19 bytes$/)).toBeTruthy();
    expect(file.tagName).toBe('BDI');
    expect(displayName('\u202Egnp.exe')).toBe('gnp.exe');
    expect((transport.data.messages('conv-2').at(-1) as Message).attachments[0]?.name).toBe('\u202Egnp.exe');
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { linkifySegments } from '../Linkify.js';
import { MessageList } from '../MessageList.js';
import { CLIPPED_LENGTH, clipSegments } from '../MessageText.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout(5000, 40);

describe('clipSegments', () => {
  it('ends at a word break within the limit', () => {
    const clipped = clipSegments(linkifySegments('one two three four'), 9);
    expect(clipped).toEqual([{ type: 'text', text: 'one two' }]);
  });

  it('keeps a link that crosses the limit whole, so its address never changes', () => {
    const text = `${'a '.repeat(5)}https://shop.example.com/orders/12345 and more`;
    const clipped = clipSegments(linkifySegments(text), 20);
    expect(clipped.at(-1)).toEqual({
      type: 'link',
      text: 'https://shop.example.com/orders/12345',
      href: 'https://shop.example.com/orders/12345',
    });
  });

  it('never splits a surrogate pair when no word break is near', () => {
    const text = '🙂'.repeat(300);
    const clipped = clipSegments(linkifySegments(text), 201);
    const shown = clipped.map((s) => s.text).join('');
    expect(shown.length).toBe(200);
    expect(shown).toBe('🙂'.repeat(100));
  });
});

describe('a long message in <MessageList>', () => {
  it('opens clipped with a button for the whole text, and a short one unclipped', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1, messagesPerConversation: 1 });
    const id = transport.data.conversations[0]?.id as string;
    const words = Array.from({ length: 4000 }, (_, i) => `word${i}`).join(' ');
    transport.receive(id, { text: `Start ${words} THE-END` });
    renderWith(transport, <MessageList conversationId={id} />);
    const more = await screen.findByRole('button', {
      name: /^Show the whole message \(\d{2},\d{3} characters\)$/,
    });
    expect(more.getAttribute('aria-expanded')).toBe('false');
    const bubble = more.closest('.pd-bubble') as HTMLElement;
    const paragraph = bubble.querySelector('.pd-message-text') as HTMLElement;
    expect(paragraph.textContent?.length).toBeLessThanOrEqual(CLIPPED_LENGTH + 1);
    expect(paragraph.textContent).toMatch(/^Start word0 .*…$/s);
    expect(within(bubble).queryByText(/THE-END/)).toBeNull();
    await userEvent.setup().click(more);
    await waitFor(() => expect(paragraph.textContent).toMatch(/THE-END$/));
    expect(more.getAttribute('aria-expanded')).toBe('true');
    expect(more.textContent).toBe('Show less');
    // Messages of ordinary length have no such button.
    expect(screen.getAllByRole('button', { name: /Show the whole message|Show less/ })).toHaveLength(1);
  });
});

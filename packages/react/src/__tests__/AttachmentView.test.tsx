import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { MessageList } from '../MessageList.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout(5000, 40);

describe('<AttachmentView> for an attachment Pagedesk could not read', () => {
  it('shows a generic card with its title and a safe link, never raw markup', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1, messagesPerConversation: 1 });
    renderWith(transport, <MessageList conversationId="conv-1" />);
    const region = await screen.findByRole('region', { name: 'Messages' });
    act(() => {
      transport.receive('conv-1', {
        text: 'see attached',
        attachments: [
          { kind: 'unknown', url: 'https://cdn.example/file', title: 'Odd thing', payload: { type: 'x' } },
          { kind: 'unknown', url: 'javascript:alert(1)', payload: '<b>x</b>' },
        ],
      });
    });
    await waitFor(() => expect(within(region).getByText('Odd thing')).toBeTruthy());
    expect(within(region).getAllByText('Attachment')).toHaveLength(2);
    const link = within(region).getByRole('link', { name: 'https://cdn.example/file' });
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(
      within(region).getByText('This attachment link was blocked because its address is not safe.'),
    ).toBeTruthy();
    expect(region.querySelector('b')).toBeNull();
  });
});

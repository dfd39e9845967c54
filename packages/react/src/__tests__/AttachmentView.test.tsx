import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileMediaStore } from '@pagedesk/core/server';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
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

describe('<AttachmentView> for archived media', () => {
  const setup = async (
    attachments: Parameters<ReturnType<typeof createFakeTransport>['receive']>[1]['attachments'],
  ) => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1, messagesPerConversation: 1 });
    renderWith(transport, <MessageList conversationId="conv-1" />);
    const region = await screen.findByRole('region', { name: 'Messages' });
    let id = '';
    act(() => {
      id = transport.receive('conv-1', { text: 'media', ...(attachments ? { attachments } : {}) }).id;
    });
    await waitFor(() => expect(within(region).getByText('media')).toBeTruthy());
    // Only the received message: the generated history has images of its own.
    return region.querySelector(`[data-message-id="${id}"]`) as HTMLElement;
  };

  it('shows the archived copy instead of Meta’s URL, through the same URL policy', async () => {
    const region = await setup([
      {
        kind: 'image',
        name: 'photo.jpg',
        url: 'https://scontent.example/expired.jpg',
        archivedUrl: 'https://media.helpdesk.example/a/photo.jpg',
      },
      {
        kind: 'image',
        name: 'unsafe.jpg',
        url: 'https://scontent.example/live.jpg',
        archivedUrl: 'javascript:alert(1)',
      },
    ]);
    const images = within(region).getAllByRole('img') as HTMLImageElement[];
    expect(images.map((img) => img.getAttribute('src'))).toEqual([
      'https://media.helpdesk.example/a/photo.jpg',
      'https://scontent.example/live.jpg',
    ]);
  });

  it('shows a copy that fileMediaStore keeps under the API’s own path, and never a path for Meta’s URL', async () => {
    // The store's documented set-up (docs/going-live.md): URLs under the inbox API's public path.
    const media = fileMediaStore(await mkdtemp(join(tmpdir(), 'pd-media-')), {
      publicPath: '/pagedesk/media',
    });
    const archivedUrl = await media.put('page-1/m-1/0.jpg', new Uint8Array([0xff, 0xd8]), 'image/jpeg');
    const region = await setup([
      { kind: 'image', name: 'photo.jpg', url: 'https://scontent.example/expired.jpg', archivedUrl },
      {
        kind: 'file',
        name: 'invoice.pdf',
        url: 'https://scontent.example/i.pdf',
        archivedUrl: `${archivedUrl}?v=1`,
      },
      // Paths that would leave the page's origin, and a relative URL from Meta's side, stay refused.
      {
        kind: 'image',
        name: 'a.jpg',
        url: 'https://scontent.example/a.jpg',
        archivedUrl: '//evil.example/a.jpg',
      },
      {
        kind: 'image',
        name: 'b.jpg',
        url: 'https://scontent.example/b.jpg',
        archivedUrl: '/\\evil.example/b.jpg',
      },
      {
        kind: 'image',
        name: 'c.jpg',
        url: 'https://scontent.example/c.jpg',
        archivedUrl: '/\t/evil.example/c.jpg',
      },
      {
        kind: 'image',
        name: 'd.jpg',
        url: 'https://scontent.example/d.jpg',
        archivedUrl: '/media/a b.jpg',
      },
      { kind: 'image', name: 'e.jpg', url: '/pagedesk/conversations' },
    ]);
    const images = within(region).getAllByRole('img') as HTMLImageElement[];
    expect(images.map((img) => img.getAttribute('src'))).toEqual([
      '/pagedesk/media/page-1/m-1/0.jpg',
      'https://scontent.example/a.jpg',
      'https://scontent.example/b.jpg',
      'https://scontent.example/c.jpg',
      'https://scontent.example/d.jpg',
    ]);
    expect(within(region).getByRole('link', { name: 'Download invoice.pdf' }).getAttribute('href')).toBe(
      '/pagedesk/media/page-1/m-1/0.jpg?v=1',
    );
  });

  it('says "Media expired" when Meta’s URL is gone and there is no copy', async () => {
    const region = await setup([
      { kind: 'image', name: 'gone.jpg', url: 'https://scontent.example/gone.jpg', archiveStatus: 'expired' },
      { kind: 'file', name: 'gone.pdf', url: 'https://scontent.example/gone.pdf', archiveStatus: 'expired' },
      // A copy that could not be made for another reason keeps Meta's URL on screen.
      { kind: 'video', name: 'big.mp4', url: 'https://scontent.example/big.mp4', archiveStatus: 'too_large' },
    ]);
    expect(within(region).getAllByText('Media expired')).toHaveLength(2);
    expect(within(region).queryByRole('img')).toBeNull();
    expect(within(region).queryByRole('link', { name: /Download/ })).toBeNull();
    expect(region.querySelector('video')?.getAttribute('src')).toBe('https://scontent.example/big.mp4');
  });

  it('says "Media expired" when the image no longer loads and there is no archive, not when the copy fails', async () => {
    const region = await setup([
      { kind: 'image', name: 'old.jpg', url: 'https://scontent.example/old.jpg' },
      {
        kind: 'image',
        name: 'kept.jpg',
        url: 'https://scontent.example/kept.jpg',
        archivedUrl: 'https://media.helpdesk.example/kept.jpg',
      },
    ]);
    const [meta, copy] = within(region).getAllByRole('img') as HTMLImageElement[];
    expect(within(region).queryByText('Media expired')).toBeNull();
    fireEvent.error(meta as HTMLImageElement);
    fireEvent.error(copy as HTMLImageElement);
    await waitFor(() => expect(within(region).getAllByText('Media expired')).toHaveLength(1));
    expect(within(region).getByRole('img').getAttribute('src')).toBe(
      'https://media.helpdesk.example/kept.jpg',
    );
  });
});

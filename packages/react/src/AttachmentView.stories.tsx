import type { Attachment, Message } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { AttachmentView } from './AttachmentView.js';
import { PagedeskRoot } from './Root.js';

const base =
  typeof window === 'undefined' ? 'https://example.com/pagedesk/' : `${window.location.origin}/pagedesk/`;
const message: Message = {
  id: 'm1',
  conversationId: 'c1',
  channelId: 'p1',
  direction: 'inbound',
  attachments: [],
  reactions: [],
  delivery: 'delivered',
  author: { kind: 'customer' },
  createdAt: 0,
  updatedAt: 0,
};

function Show({ attachment }: { attachment: Attachment }) {
  return (
    <PagedeskRoot style={{ padding: 16 }}>
      <AttachmentView attachment={attachment} message={message} />
    </PagedeskRoot>
  );
}

const meta = {
  title: 'Messages/Attachment',
  component: Show,
} satisfies Meta<typeof Show>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Image: Story = {
  args: { attachment: { kind: 'image', url: `${base}photo.png`, name: 'photo.png' } },
};
export const Gif: Story = {
  args: { attachment: { kind: 'gif', url: `${base}dance.gif`, name: 'dance.gif' } },
};
export const Video: Story = {
  args: { attachment: { kind: 'video', url: `${base}clip.webm`, name: 'clip.webm' } },
};
export const Audio: Story = {
  args: { attachment: { kind: 'audio', url: `${base}voice.wav`, name: 'Voice message' } },
};
export const File: Story = {
  args: { attachment: { kind: 'file', url: `${base}invoice.pdf`, name: 'invoice.pdf', size: 182_044 } },
};
export const Sticker: Story = {
  args: { attachment: { kind: 'sticker', url: `${base}sticker.png`, stickerId: '369239263222822' } },
};
export const Location: Story = {
  args: {
    attachment: { kind: 'location', title: 'Pickup point', coordinates: { lat: 48.8584, long: 2.2945 } },
  },
};
export const Template: Story = {
  args: {
    attachment: {
      kind: 'template',
      payload: {
        text: 'Your order #1234 has shipped',
        elements: [{ title: 'Blue sneakers', subtitle: 'Size 42' }],
      },
    },
  },
};
export const Share: Story = {
  args: {
    attachment: { kind: 'share', url: `${base}post`, title: 'Summer collection', shareType: 'ig_post' },
  },
};
export const StoryMention: Story = {
  args: { attachment: { kind: 'story_mention', url: `${base}story.jpg` } },
};
export const Fallback: Story = {
  args: { attachment: { kind: 'fallback', url: 'https://example.com/article', title: 'An article' } },
};
export const BlockedUrl: Story = {
  name: 'Unsafe URL (blocked)',
  args: { attachment: { kind: 'image', url: 'javascript:alert(1)', name: 'evil.png' } },
};

/** Meta's URL has expired; the host's media archive kept a copy, shown instead. */
export const Archived: Story = {
  args: {
    attachment: {
      kind: 'image',
      url: 'https://scontent.invalid/expired.png',
      archivedUrl: `${base}photo.png`,
      name: 'photo.png',
    },
  },
};

/** Meta's URL was gone before a copy could be made. */
export const MediaExpired: Story = {
  args: {
    attachment: {
      kind: 'image',
      url: 'https://scontent.invalid/gone.png',
      name: 'gone.png',
      archiveStatus: 'expired',
    },
  },
};

import type { Moderation } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { MessageList } from './MessageList.js';
import type { FakeTransport } from './testing.js';

// conv-7 is a Facebook comment thread: each customer comment has Hide, Like and Delete; these
// stories set the newest comment's state as another agent left it.

function moderated(moderation: Moderation) {
  return (t: FakeTransport) => {
    const comment = t.data.messages('conv-7').findLast((m) => m.direction === 'inbound');
    if (comment) comment.moderation = moderation;
  };
}
const at = Date.UTC(2026, 2, 2, 11);

const meta = {
  title: 'Toolkit/CommentModeration',
  component: MessageList,
  args: { conversationId: 'conv-7' },
  parameters: { fake: { conversations: 8, messagesPerConversation: 6 } satisfies FakeParameters },
} satisfies Meta<typeof MessageList>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

export const HiddenByAgent: Story = {
  parameters: {
    fake: {
      conversations: 8,
      messagesPerConversation: 6,
      prepare: moderated({
        hidden: true,
        deleted: false,
        liked: false,
        actions: [{ action: 'hide', at, agentId: 'agent-2' }],
      }),
    } satisfies FakeParameters,
  },
};

export const Liked: Story = {
  parameters: {
    fake: {
      conversations: 8,
      messagesPerConversation: 6,
      prepare: moderated({ hidden: false, deleted: false, liked: true, actions: [{ action: 'like', at }] }),
    } satisfies FakeParameters,
  },
};

export const Deleted: Story = {
  parameters: {
    fake: {
      conversations: 8,
      messagesPerConversation: 6,
      prepare: moderated({
        hidden: false,
        deleted: true,
        liked: false,
        actions: [{ action: 'delete', at, agentId: 'agent-1' }],
      }),
    } satisfies FakeParameters,
  },
};

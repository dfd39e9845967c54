import type { Channel } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { Composer } from './Composer.js';

// Generated conversations: conv-2 wrote hours ago (standard window), conv-4 wrote 30 h ago (human-agent
// tag), conv-6 wrote 9 days ago (closed), conv-7 is a post comment.
const meta = {
  title: 'Inbox/Composer',
  component: Composer,
  args: { conversationId: 'conv-2' },
  parameters: { fake: { conversations: 8 } satisfies FakeParameters },
  decorators: [
    (Story) => (
      <div style={{ marginTop: 'auto' }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof Composer>;
export default meta;
type Story = StoryObj<typeof meta>;

export const StandardWindow: Story = {};

export const HumanAgentTag: Story = { args: { conversationId: 'conv-4' } };

export const Closed: Story = { args: { conversationId: 'conv-6' } };

export const ClosedWithoutHumanAgentPermission: Story = {
  args: { conversationId: 'conv-4' },
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        const page = t.data.channels[0] as Channel;
        page.settings = { ...page.settings, humanAgent: false };
      },
    } satisfies FakeParameters,
  },
};

export const CommentPrivateReply: Story = { args: { conversationId: 'conv-7' } };

/** The private reply is spent: nothing is selected, and Enter sends nothing until "Public reply" is picked. */
export const CommentPrivateReplySpent: Story = {
  args: { conversationId: 'conv-7' },
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        const comment = t.data.conversations.find((c) => c.id === 'conv-7');
        if (comment?.comment) comment.comment = { ...comment.comment, privateReplySentAt: comment.createdAt };
      },
    } satisfies FakeParameters,
  },
};

export const WithTemplates: Story = {
  args: {
    templates: [
      { id: 'greet', name: 'Greeting', text: 'Hi! Thanks for writing to Acme. How can I help?' },
      { id: 'hours', name: 'Opening hours', text: 'We are open Monday to Saturday, 9:00 to 18:00.' },
    ],
  },
};

export const ShortTextLimit: Story = {
  name: 'Text limit of 40 characters',
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        const page = t.data.channels[0] as Channel;
        page.settings = { ...page.settings, textMaxLength: 40 };
      },
    } satisfies FakeParameters,
  },
};

/** The page's access was revoked: replies are blocked with the reason, and no countdown is shown. */
export const ChannelRevoked: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        Object.assign(t.data.channels[0] as Channel, { status: 'revoked', statusReason: 'Password changed' });
      },
    } satisfies FakeParameters,
  },
};

/** A draft left in this conversation earlier (kept per conversation in localStorage) is back. */
export const DraftKept: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: () => localStorage.setItem('pagedesk:draft:agent-1:conv-2', 'Thanks for waiting! Your parcel'),
    } satisfies FakeParameters,
  },
};

/** Instagram counts UTF-8 bytes against 1000: accented text reaches the limit at half the characters. */
export const InstagramBytes: Story = { args: { conversationId: 'conv-5' } };

/** The customer is blocked from the page: replies are blocked with the reason until they are unblocked. */
export const CustomerBlocked: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        const conversation = t.data.conversations.find((c) => c.id === 'conv-2');
        if (conversation) conversation.customer = { ...conversation.customer, blocked: { at: 0 } };
      },
    } satisfies FakeParameters,
  },
};

/** A bot sharing the page holds the Messenger thread (handover protocol): blocked, with the holder named. */
export const ThreadHeldByBot: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        const conversation = t.data.conversations.find((c) => c.id === 'conv-2');
        if (conversation) conversation.threadOwner = { appId: '1234567890', since: 0 };
      },
    } satisfies FakeParameters,
  },
};

/** Meta's Page Inbox holds the thread, and the host lets agents take it (`allowTakeThread`). */
export const ThreadHeldTakeable: Story = {
  args: { allowTakeThread: true },
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        const conversation = t.data.conversations.find((c) => c.id === 'conv-2');
        if (conversation) conversation.threadOwner = { appId: '263902037430900', since: 0 };
      },
    } satisfies FakeParameters,
  },
};

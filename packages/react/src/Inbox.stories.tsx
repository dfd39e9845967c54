import { PagedeskError } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { Inbox } from './Inbox.js';

const meta = {
  title: 'Inbox/Inbox',
  component: Inbox,
  parameters: { fake: { conversations: 60 } satisfies FakeParameters },
} satisfies Meta<typeof Inbox>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

export const ConversationOpen: Story = {
  args: {
    defaultSelectedId: 'conv-2',
    templates: [
      { id: 'greet', name: 'Greeting', text: 'Hi! Thanks for writing to Acme. How can I help?' },
      { id: 'bye', name: 'Closing', text: 'Glad I could help. Have a great day!' },
    ],
  },
};

export const Empty: Story = { parameters: { fake: { conversations: 0 } satisfies FakeParameters } };

export const Loading: Story = {
  parameters: { fake: { prepare: (t) => t.stall('listConversations') } satisfies FakeParameters },
};

export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    fake: {
      prepare: (t) =>
        t.failNext('listConversations', new PagedeskError('network', 'The server could not be reached')),
    } satisfies FakeParameters,
  },
};

export const Reconnecting: Story = {
  parameters: { fake: { prepare: (t) => t.setStatus('reconnecting') } satisfies FakeParameters },
};

export const TenThousandConversations: Story = {
  parameters: { fake: { conversations: 10_000 } satisfies FakeParameters },
};

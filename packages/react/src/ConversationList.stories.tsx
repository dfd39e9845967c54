import type { Channel } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { ConversationList } from './ConversationList.js';

const meta = {
  title: 'Inbox/ConversationList',
  component: ConversationList,
  parameters: { fake: { conversations: 40 } satisfies FakeParameters },
} satisfies Meta<typeof ConversationList>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = { args: { selectedId: 'conv-2' } };
export const UnreadOnly: Story = { args: { defaultFilter: { unread: true } } };
export const Instagram: Story = { args: { defaultFilter: { platform: 'instagram', source: 'message' } } };
export const Comments: Story = { args: { defaultFilter: { source: 'comment' } } };
export const WithoutFilters: Story = { args: { showFilters: false } };
export const Empty: Story = { parameters: { fake: { conversations: 0 } satisfies FakeParameters } };
export const Loading: Story = {
  parameters: { fake: { prepare: (t) => t.stall('listConversations') } satisfies FakeParameters },
};
export const Virtualised10000: Story = {
  name: '10,000 conversations',
  parameters: { fake: { conversations: 10_000 } satisfies FakeParameters },
};
/** The Messenger page is disconnected: its rows say so instead of showing a window badge. */
export const ChannelDisconnected: Story = {
  parameters: {
    fake: {
      prepare: (t) => {
        (t.data.channels[0] as Channel).status = 'disconnected';
      },
    } satisfies FakeParameters,
  },
};

import type { Channel } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { ChannelSettings } from './ChannelSettings.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 2, 12);

function channel(id: string, name: string, patch: Partial<Channel>): Channel {
  return {
    id,
    platform: 'messenger',
    name,
    appId: 'app-1',
    status: 'active',
    tokenExpiresAt: null,
    dataAccessExpiresAt: NOW + 80 * DAY,
    missingPermissions: [],
    settings: {
      threading: { mode: 'until-resolved' },
      humanAgent: true,
      textMaxLength: null,
      attachmentMaxBytes: {},
      agentIds: [],
    },
    connectedAt: NOW - 90 * DAY,
    updatedAt: NOW - DAY,
    ...patch,
  };
}

/** One channel in each status an admin can meet. */
const everyStatus: Channel[] = [
  channel('p-active', 'Acme Support', {}),
  channel('p-expiring', 'Acme Outlet', { status: 'expiring', dataAccessExpiresAt: NOW + 5 * DAY }),
  channel('p-expired', 'Acme Paris', {
    status: 'expired',
    statusReason: 'The password of the admin who connected the page changed',
  }),
  channel('p-revoked', 'Acme Berlin', {
    status: 'revoked',
    statusReason: 'The app was removed from the page',
  }),
  channel('ig-missing', 'acme.shop', {
    platform: 'instagram',
    status: 'missing_permissions',
    missingPermissions: ['instagram_manage_messages'],
  }),
  channel('p-unsub', 'Acme Rome', {
    status: 'unsubscribed',
    statusReason: 'The webhook subscription was removed',
  }),
  channel('p-blocked', 'Acme Madrid', {
    status: 'blocked',
    statusReason: 'Policy enforcement: too many messages outside the window',
  }),
  channel('p-deactivated', 'Acme Lisbon', { status: 'deactivated' }),
  channel('p-disconnected', 'Acme Old', { status: 'disconnected' }),
];

const meta = {
  title: 'Settings/ChannelSettings',
  component: ChannelSettings,
  args: {
    onConnect: async () => 'demo-user-token',
    onReauthorize: async () => 'demo-user-token',
  },
  parameters: { fake: { conversations: 0 } satisfies FakeParameters },
  decorators: [
    (Story) => (
      <div style={{ overflow: 'auto' }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof ChannelSettings>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Connected: Story = {};

export const EveryStatus: Story = {
  parameters: { fake: { conversations: 0, channels: everyStatus } satisfies FakeParameters },
};

export const Empty: Story = {
  parameters: { fake: { conversations: 0, channels: [] } satisfies FakeParameters },
};

export const Loading: Story = {
  parameters: {
    fake: { conversations: 0, prepare: (t) => t.stall('listChannels') } satisfies FakeParameters,
  },
};

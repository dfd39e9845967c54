import { PagedeskError, ValidationError } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { CustomerPanel } from './CustomerPanel.js';
import type { FakeTransport } from './testing.js';

// conv-1 is a Messenger customer; conv-5 an Instagram one (no blocking there).
const MESSENGER = 'page-1:1000';
const INSTAGRAM = 'ig-1:1004';

/** Gives conv-1's customer what agents recorded, as another agent left it. */
function withDetails(t: FakeTransport) {
  const conversation = t.data.conversations[0];
  if (!conversation) return;
  conversation.customer = {
    ...conversation.customer,
    details: {
      name: 'Ana (VIP)',
      email: 'ana@example.com',
      phone: '+351 912 345 678',
      notes: 'Ordered the blue jacket twice. Prefers email.',
      updatedAt: Date.UTC(2026, 2, 1, 9),
      updatedBy: 'agent-2',
    },
  };
}

const meta = {
  title: 'Toolkit/CustomerPanel',
  component: CustomerPanel,
  args: { customerId: MESSENGER },
  parameters: { fake: { conversations: 8 } satisfies FakeParameters },
  decorators: [
    (Story) => <div style={{ display: 'flex', justifyContent: 'flex-end', height: '100%' }}>{Story()}</div>,
  ],
} satisfies Meta<typeof CustomerPanel>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Meta's profile only: nothing recorded yet. */
export const Default: Story = {};

export const WithDetails: Story = {
  parameters: { fake: { conversations: 8, prepare: withDetails } satisfies FakeParameters },
};

/** The host's own CRM content under the details. */
export const WithHostContent: Story = {
  args: {
    children: (customer) => (
      <div>
        <strong>CRM</strong>
        <p>Lifetime value: €1,240 · 6 orders · customer {customer.psid}</p>
      </div>
    ),
  },
  parameters: { fake: { conversations: 8, prepare: withDetails } satisfies FakeParameters },
};

export const Blocked: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        const conversation = t.data.conversations[0];
        if (conversation)
          conversation.customer = {
            ...conversation.customer,
            blocked: { at: Date.UTC(2026, 2, 1, 8), by: 'agent-2' },
          };
      },
    } satisfies FakeParameters,
  },
};

/** Instagram customers cannot be blocked through the API: no Block button. */
export const Instagram: Story = { args: { customerId: INSTAGRAM } };

/** Save refused by the server (the phone is not a phone number). */
export const SaveRefused: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) =>
        t.failNext(
          'updateCustomer',
          new ValidationError('customer details', [{ path: 'phone', message: 'expected a phone number' }]),
        ),
    } satisfies FakeParameters,
  },
};

export const Loading: Story = {
  parameters: { fake: { conversations: 8, prepare: (t) => t.stall('getCustomer') } satisfies FakeParameters },
};

export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) =>
        t.failNext('getCustomer', new PagedeskError('network', 'The server could not be reached')),
    } satisfies FakeParameters,
  },
};

/** Closable, as the inbox shows it on narrow screens. */
export const AsSheet: Story = { args: { onClose: () => {} } };

import type { ReplyTemplate } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, within } from 'storybook/test';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { Composer } from './Composer.js';

// The reply-template picker inside the default composer: `/` in the empty reply box or the
// "Templates" button opens it. conv-2 is on the Messenger page, conv-7 is a post comment.
const at = { createdAt: 0, updatedAt: 0 };
const templates: ReplyTemplate[] = [
  {
    id: 'welcome',
    name: 'Welcome',
    channelIds: null,
    parts: [
      { text: 'Hi {{customer.firstName|there}}, thanks for writing to Acme!' },
      {
        attachments: [
          { id: 'map', name: 'photo.png', type: 'image/png', size: 2000, url: '/pagedesk/photo.png' },
        ],
      },
      {
        text: 'Did that answer your question?',
        quickReplies: [
          { title: 'Yes, thanks', payload: 'YES' },
          { title: 'Not yet', payload: 'NO' },
        ],
      },
    ],
    ...at,
  },
  {
    id: 'refund',
    name: 'Refund steps',
    channelIds: null,
    parts: [{ text: 'Refunds reach your card within 5 working days.' }, { text: 'Anything else?' }],
    ...at,
  },
  {
    id: 'email',
    name: 'Email follow-up',
    channelIds: null,
    parts: [{ text: 'We sent the details to {{customer.email}}.' }],
    ...at,
  },
  { id: 'ig', name: 'Instagram only', channelIds: ['ig-1'], parts: [{ text: 'See our story!' }], ...at },
];

const meta = {
  title: 'Inbox/Composer/Template picker',
  component: Composer,
  args: { conversationId: 'conv-2' },
  parameters: { fake: { conversations: 8, templates } satisfies FakeParameters },
  decorators: [
    (Story) => (
      <div style={{ marginTop: 'auto', paddingTop: 360 }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof Composer>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Closed: the "Templates" button in the bar (or `/` in the empty box) opens it. */
export const Closed: Story = {};

/** Open on the three-part Welcome template, previewed with the customer's first name filled in. */
export const Open: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Templates' }));
    await userEvent.keyboard('welc');
    await expect(await canvas.findByRole('option', { name: /Welcome/ })).toBeTruthy();
  },
};

/** A template whose variable has no value for this customer is listed but cannot be sent. */
export const CannotFill: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Templates' }));
    await userEvent.keyboard('email');
    await expect(await canvas.findByText(/Cannot be sent/)).toBeTruthy();
  },
};

/** No template for this channel yet. */
export const Empty: Story = {
  parameters: { fake: { conversations: 8, templates: [] } satisfies FakeParameters },
  play: async ({ canvasElement }) => {
    await userEvent.click(await within(canvasElement).findByRole('button', { name: 'Templates' }));
  },
};

/** Comment threads allow one private reply: the picker is not offered there. */
export const OnAComment: Story = { args: { conversationId: 'conv-7' } };

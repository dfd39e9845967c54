import type { ConversationWithCustomer } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { ConversationView } from './Inbox.js';
import type { FakeTransport } from './testing.js';

// The thread owner is shown in the conversation header: these stories open conv-2 (Messenger) with
// each owner the handover protocol can report.
const BOT = '1357924680135792';

function ownedBy(
  appId: string | null,
  extra: Partial<NonNullable<ConversationWithCustomer['threadOwner']>> = {},
) {
  return (t: FakeTransport) => {
    const index = t.data.conversations.findIndex((c) => c.id === 'conv-2');
    const conversation = t.data.conversations[index];
    if (conversation)
      t.data.conversations[index] = {
        ...conversation,
        threadOwner: { appId, since: Date.UTC(2026, 2, 2, 11), ...extra },
      };
  };
}

const meta = {
  title: 'Toolkit/ThreadOwner',
  component: ConversationView,
  args: { conversationId: 'conv-2', autoFocus: false, customerPanel: false },
  parameters: { fake: { conversations: 8 } satisfies FakeParameters },
} satisfies Meta<typeof ConversationView>;
export default meta;
type Story = StoryObj<typeof meta>;

/** A bot holds the thread: Take over or Request. */
export const HeldByBot: Story = {
  parameters: { fake: { conversations: 8, prepare: ownedBy(BOT) } satisfies FakeParameters },
};

export const HeldByPageInbox: Story = {
  parameters: { fake: { conversations: 8, prepare: ownedBy('263902037430900') } satisfies FakeParameters },
};

/** This inbox holds it: Pass back. */
export const HeldByUs: Story = {
  parameters: { fake: { conversations: 8, prepare: ownedBy('app-1') } satisfies FakeParameters },
};

/** The bot asked for the thread back. */
export const Requested: Story = {
  parameters: {
    fake: { conversations: 8, prepare: ownedBy('app-1', { requestedByAppId: BOT }) } satisfies FakeParameters,
  },
};

/** A message that arrived on standby while the bot held the thread. */
export const StandbyMessage: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        ownedBy(BOT)(t);
        const last = t.data.messages('conv-2').findLast((m) => m.direction === 'inbound');
        if (last) last.standby = true;
      },
    } satisfies FakeParameters,
  },
};

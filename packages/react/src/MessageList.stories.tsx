import { type Message, PagedeskError } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { MessageList } from './MessageList.js';
import type { FakeTransport } from './testing.js';

/** Marks the last reply of conv-2 failed with `failure`. */
function failLastReply(t: FakeTransport, failure: NonNullable<Message['failure']>) {
  const outbound = t.data.messages('conv-2').findLast((m) => m.direction === 'outbound');
  if (outbound) Object.assign(outbound, { delivery: 'failed', failure });
}

const meta = {
  title: 'Inbox/MessageList',
  component: MessageList,
  args: { conversationId: 'conv-2' },
  parameters: { fake: { conversations: 8, messagesPerConversation: 40 } satisfies FakeParameters },
} satisfies Meta<typeof MessageList>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

/** The first generated conversation holds one message of every attachment kind. */
export const EveryAttachmentKind: Story = { args: { conversationId: 'conv-1' } };

export const FailedWithRetry: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) =>
        failLastReply(t, { code: 'rate_limited', message: 'Meta asked us to slow down.', retryable: true }),
    } satisfies FakeParameters,
  },
};

/** The server is asking Meta whether a reply whose outcome was unknown went out: no Retry meanwhile. */
export const Checking: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        const outbound = t.data.messages('conv-2').findLast((m) => m.direction === 'outbound');
        if (outbound)
          Object.assign(outbound, {
            delivery: 'pending',
            failure: { code: 'checking', message: 'Checking with Meta', retryable: false },
          });
      },
    } satisfies FakeParameters,
  },
};

/** A send timed out: "May not have been sent", and Retry checks with Meta before sending again. */
export const UnknownOutcome: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) =>
        failLastReply(t, {
          code: 'outcome_unknown',
          message: 'Meta did not answer in time',
          retryable: true,
        }),
    } satisfies FakeParameters,
  },
};

/** The check itself fails (Retry here): "Send anyway" appears, which sends without checking. */
export const CheckFailed: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        failLastReply(t, {
          code: 'outcome_unknown',
          message: 'Meta did not answer in time',
          retryable: true,
        });
        t.failNext(
          'retryMessage',
          new PagedeskError('graph_error', 'Meta is unavailable', { retryable: true }),
        );
      },
    } satisfies FakeParameters,
  },
};

/** Meta refused the Human Agent tag: its reason is shown. */
export const HumanAgentRefused: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) =>
        failLastReply(t, {
          code: 'human_agent_unavailable',
          message: 'This page may not use the Human Agent tag yet.',
          retryable: false,
        }),
    } satisfies FakeParameters,
  },
};

export const Typing: Story = {
  parameters: { fake: { conversations: 8, live: (t) => t.typing('conv-2', true) } satisfies FakeParameters },
};

/** Another agent (Kim Lee) types here; the signed-in agent's own notices are never shown. */
export const AnotherAgentTyping: Story = {
  parameters: {
    fake: { conversations: 8, live: (t) => t.typing('conv-2', true, 'agent-2') } satisfies FakeParameters,
  },
};

export const Empty: Story = {
  parameters: { fake: { conversations: 8, messagesPerConversation: 0 } satisfies FakeParameters },
};

export const Loading: Story = {
  parameters: {
    fake: { conversations: 8, prepare: (t) => t.stall('listMessages') } satisfies FakeParameters,
  },
};

export const ErrorState: Story = {
  name: 'Error',
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => t.failNext('listMessages', new PagedeskError('network', 'down')),
    } satisfies FakeParameters,
  },
};

/** A comment thread: the public answer under the comment is marked "Public reply" and drawn apart. */
export const CommentPublicAndPrivateReplies: Story = {
  args: { conversationId: 'conv-7' },
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) => {
        void t.sendMessage('conv-7', { text: 'We sent you the details privately.' });
        void t.sendMessage('conv-7', { text: 'Thanks for asking! It ships on Monday.', publicReply: true });
      },
    } satisfies FakeParameters,
  },
};

/** A reply refused because the window had closed: said once, in the kit's words, with a retry. */
export const FailedWindowClosed: Story = {
  parameters: {
    fake: {
      conversations: 8,
      prepare: (t) =>
        failLastReply(t, {
          code: 'window_closed',
          message: 'Window closed 3 d ago; the customer must write first.',
          retryable: false,
        }),
    } satisfies FakeParameters,
  },
};

/** Arabic finds its own direction; a right-to-left override cannot disguise a file name ("gnp.exe"). */
export const RightToLeftAndHostileNames: Story = {
  parameters: {
    fake: {
      conversations: 8,
      live: (t) => {
        t.receive('conv-2', { text: 'مرحبا، أين طلبي؟ رقم الطلب 1234' });
        t.receive('conv-2', {
          attachments: [{ kind: 'file', url: 'https://example.com/x', name: '\u202Egnp.exe', size: 19 }],
        });
        t.receive('conv-2', { text: `Z${'\u0301\u0308\u0323'.repeat(60)}algo` });
      },
    } satisfies FakeParameters,
  },
};

/** Two customer messages arrived while the agent read older ones: a button offers them. */
export const NewMessagesBelow: Story = {
  parameters: {
    fake: {
      conversations: 8,
      messagesPerConversation: 40,
      live: (t) => {
        setTimeout(() => {
          const scroller = document.querySelector('.pd-messages-scroll');
          if (scroller) scroller.scrollTop = 0;
          setTimeout(() => {
            t.receive('conv-2', { text: 'Hello? Anyone there?' });
            t.receive('conv-2', { text: 'I still need help with my order.' });
          }, 300);
        }, 500);
      },
    } satisfies FakeParameters,
  },
};

/**
 * One thread per customer: conv-2's customer wrote before, in conv-3 (resolved by Sam) and conv-4.
 * Scroll up, or "Show earlier conversations", to load them above a divider each.
 */
export const CustomerThread: Story = {
  parameters: {
    fake: {
      conversations: 8,
      messagesPerConversation: 6,
      prepare: (t) => {
        const open = t.data.conversations.find((c) => c.id === 'conv-2');
        if (!open) return;
        const { channelId, customerId, customer, createdAt } = open;
        for (const [id, days, resolvedBy] of [
          ['conv-3', 3, 'agent-1'],
          ['conv-4', 20, undefined],
        ] as const) {
          const i = t.data.conversations.findIndex((c) => c.id === id);
          const earlier = t.data.conversations[i];
          if (!earlier) continue;
          t.data.conversations[i] = {
            ...earlier,
            channelId,
            customerId,
            customer,
            source: 'message',
            status: 'resolved',
            createdAt: createdAt - days * 86_400_000,
            resolvedAt: createdAt - (days - 1) * 86_400_000,
            ...(resolvedBy ? { resolvedBy } : {}),
          };
        }
        Object.assign(open, { source: 'message', continuesFrom: 'conv-3' });
      },
    } satisfies FakeParameters,
  },
};

/** A pasted 20,000-character text opens with its first 2,000 characters and "Show the whole message". */
export const LongMessage: Story = {
  parameters: {
    fake: {
      conversations: 8,
      live: (t) => {
        const line =
          'Order 1042 was shipped with https://carrier.example.com/track/1042 and arrived damaged. ';
        t.receive('conv-2', { text: line.repeat(Math.ceil(20_000 / line.length)).slice(0, 20_000) });
      },
    } satisfies FakeParameters,
  },
};

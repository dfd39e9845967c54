import { WindowClosedError } from '@pagedesk/core';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { SendSurveyButton, SurveyCard, SurveyScore } from './SurveyParts.js';

const HOUR = 60 * 60 * 1000;
const now = Date.now();
const thread = (lastInboundAgo: number, platform: 'messenger' | 'instagram' = 'messenger') => ({
  id: 'conv-1',
  platform,
  source: 'message' as const,
  lastInboundAt: now - lastInboundAgo,
});

const meta = {
  title: 'Inbox/Satisfaction surveys',
  component: SendSurveyButton,
  parameters: { fake: { conversations: 3 } satisfies FakeParameters },
} satisfies Meta<typeof SendSurveyButton>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Within 24 h of the customer's last message: sent as a normal response. */
export const Send: Story = { args: { conversation: thread(2 * HOUR) } };
/** Three days later: still allowed, with the CUSTOMER_FEEDBACK tag. */
export const SendWithTag: Story = { args: { conversation: thread(72 * HOUR), type: 'nps' } };
/** Eight days later: disabled, the reason as its title. */
export const TooLate: Story = { args: { conversation: thread(8 * 24 * HOUR) } };
/** Instagram has no survey template: nothing is shown. */
export const Instagram: Story = { args: { conversation: thread(HOUR, 'instagram') } };
/** The server refused: the typed error is shown beside the button. */
export const Refused: Story = {
  args: { conversation: thread(HOUR) },
  parameters: {
    fake: {
      conversations: 3,
      prepare: (t) => t.failNext('sendSurvey', new WindowClosedError('Too late for a survey')),
    } satisfies FakeParameters,
  },
};

/** The customer's answers as the list and the header show them. */
export const Scores: StoryObj<typeof SurveyScore> = {
  render: () => (
    <p style={{ display: 'flex', gap: 8 }}>
      <SurveyScore
        conversation={{
          survey: { type: 'csat', score: 4, text: 'Quick and kind', questionId: 'q1', answeredAt: now },
        }}
      />
      <SurveyScore conversation={{ survey: { type: 'nps', score: 9, questionId: 'q2', answeredAt: now } }} />
      <SurveyScore conversation={{ survey: { type: 'ces', score: 2, questionId: 'q3', answeredAt: now } }} />
    </p>
  ),
};

/** A sent survey as the thread shows it (conv-1's). */
const sentSurvey = {
  conversationId: 'conv-1',
  survey: {
    type: 'csat' as const,
    questionId: 'survey-1',
    title: 'How did we do?',
    question: 'How satisfied are you with our help today?',
    buttonTitle: 'Rate us',
    privacyUrl: 'https://example.com/privacy',
  },
};

/** A sent survey in the thread, before the customer answered: its question and scale. */
export const SentCard: StoryObj<typeof SurveyCard> = {
  render: () => (
    <div className="pd-message" data-direction="outbound" data-survey>
      <div className="pd-bubble">
        <SurveyCard message={sentSurvey} />
      </div>
    </div>
  ),
};

/** The same card once the customer answered it, with their comment. */
export const AnsweredCard: StoryObj<typeof SurveyCard> = {
  ...SentCard,
  parameters: {
    fake: {
      conversations: 3,
      prepare: (t) => {
        const conversation = t.data.conversations[0];
        if (conversation)
          t.data.conversations[0] = {
            ...conversation,
            survey: {
              type: 'csat',
              score: 5,
              text: 'Quick and kind',
              questionId: 'survey-1',
              answeredAt: now,
            },
          };
      },
    } satisfies FakeParameters,
  },
};

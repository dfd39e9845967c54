import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { Inbox } from '../Inbox.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout();

const DAY = 24 * 60 * 60 * 1000;

// Satisfaction surveys in the kit: the header action sends one through the transport (and says why
// it cannot once the 7 days are over, or hides on Instagram), and the customer's answer, arriving
// live, shows in the header and the list row.

function setup(lastInboundAgo: number, platform: 'messenger' | 'instagram' = 'messenger') {
  const transport = createFakeTransport({ now: () => NOW, conversations: 3 });
  const [first] = transport.data.conversations;
  const conversation = {
    ...first!,
    platform,
    source: 'message' as const,
    lastInboundAt: NOW - lastInboundAgo,
  };
  transport.data.conversations[0] = conversation;
  renderWith(transport, <Inbox defaultSelectedId={conversation.id} />);
  return { transport, conversation };
}

describe('satisfaction surveys', () => {
  it('sends a survey from the header; the answer shows live in the header and the list', async () => {
    const { transport, conversation } = setup(2 * DAY);
    const user = userEvent.setup();
    const header = (await screen.findByRole('heading', { level: 2 })).closest('header') as HTMLElement;
    await user.click(within(header).getByRole('button', { name: 'Send survey' }));
    await waitFor(() =>
      expect(transport.calls.find((c) => c.method === 'sendSurvey')?.args).toEqual([
        conversation.id,
        { type: 'csat' },
      ]),
    );
    expect(await within(header).findByRole('button', { name: 'Survey sent' })).toBeTruthy();
    expect(transport.data.messages(conversation.id).find((m) => m.survey)).toMatchObject({
      survey: { type: 'csat' },
      tag: 'CUSTOMER_FEEDBACK',
    });

    transport.emit({
      type: 'conversation:updated',
      conversation: {
        ...transport.data.conversations[0]!,
        survey: { type: 'csat', score: 4, text: 'Quick and kind', questionId: 'q', answeredAt: NOW },
      },
    });
    const score = await within(header).findByText('CSAT 4/5');
    expect(score.getAttribute('title')).toContain('Quick and kind');
    const listbox = screen.getByRole('listbox', { name: 'Conversations' });
    expect(await within(listbox).findByText('CSAT 4/5')).toBeTruthy();
  });

  it('shows a sent survey in the thread as a card, with its own answer only', async () => {
    const { transport, conversation } = setup(DAY / 2);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Send survey' }));
    const card = await screen.findByRole('region', { name: 'Satisfaction survey sent' });
    expect(card.textContent).toBe('Satisfaction survey sentHow did we do?CSAT, 1 to 5');
    // The card replaces the plain text bubble: the question shows once.
    const bubble = card.closest('.pd-message') as HTMLElement;
    expect(bubble.dataset['survey']).toBe('true');
    expect(bubble.querySelector('.pd-message-text')).toBeNull();
    const sent = transport.data.messages(conversation.id).find((m) => m.survey)!;

    const answered = (questionId: string) =>
      transport.emit({
        type: 'conversation:updated',
        conversation: {
          ...transport.data.conversations[0]!,
          survey: { type: 'csat', score: 2, text: 'Slow to answer', questionId, answeredAt: NOW },
        },
      });
    // An answer to another survey (an older one) is not this card's.
    answered('another-question');
    const header = screen.getByRole('heading', { level: 2 }).closest('header') as HTMLElement;
    await within(header).findByText('CSAT 2/5');
    expect(within(card).queryByText('CSAT 2/5')).toBeNull();
    expect(within(card).getByText('CSAT, 1 to 5')).toBeTruthy();

    answered(sent.survey!.questionId);
    expect(await within(card).findByText('CSAT 2/5')).toBeTruthy();
    expect(within(card).getByText('Slow to answer').tagName).toBe('Q');
    expect(within(card).queryByText('CSAT, 1 to 5')).toBeNull();
  });

  it('is disabled with the reason after 7 days', async () => {
    setup(8 * DAY);
    const button = await screen.findByRole('button', { name: 'Send survey' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(button.getAttribute('title')).toMatch(/7 days/);
  });

  it('is not offered on Instagram', async () => {
    setup(DAY / 2, 'instagram');
    await screen.findByRole('heading', { level: 2 });
    expect(screen.queryByRole('button', { name: 'Send survey' })).toBeNull();
  });

  it('shows the typed refusal when the transport refuses', async () => {
    const { transport } = setup(DAY / 2);
    const { WindowClosedError } = await import('@pagedesk/core');
    transport.failNext('sendSurvey', new WindowClosedError('Too late for a survey'));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Send survey' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Too late for a survey');
  });
});

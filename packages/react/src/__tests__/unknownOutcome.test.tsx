import { GraphError, type Message } from '@pagedesk/core';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeTransport, type FakeTransport } from '../fakeTransport.js';
import { MessageList } from '../MessageList.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout(5000, 40);

/** Puts the last outbound message of conv-2 in `state`, in the fake's records and on screen. */
function setLast(transport: FakeTransport, state: Pick<Message, 'delivery' | 'failure'>): Message {
  const stored = transport.data.messages('conv-2').findLast((m) => m.direction === 'outbound') as Message;
  Object.assign(stored, state);
  act(() => transport.emit({ type: 'message:updated', message: structuredClone(stored) }));
  return stored;
}

/** conv-2's message list on a fake transport, once it has loaded. */
async function mount(): Promise<FakeTransport> {
  const transport = createFakeTransport({ now: () => NOW, conversations: 2, messagesPerConversation: 3 });
  renderWith(transport, <MessageList conversationId="conv-2" />);
  await screen.findByRole('region', { name: 'Messages' });
  return transport;
}

const region = () => screen.getByRole('region', { name: 'Messages' });
const retryCalls = (transport: FakeTransport) => transport.calls.filter((c) => c.method === 'retryMessage');

describe('messages whose outcome is unknown', () => {
  it('show "Checking…" without a Retry button while the server checks with Meta', async () => {
    const transport = await mount();
    setLast(transport, {
      delivery: 'pending',
      failure: { code: 'checking', message: 'Checking with Meta', retryable: false },
    });
    expect(await within(region()).findByText('Checking…')).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(region()).queryByRole('button', { name: 'Send anyway' })).toBeNull();
  });

  it('say it may not have been sent, retry with a check, and offer "Send anyway" only when the check failed', async () => {
    const transport = await mount();
    const unknown = { code: 'outcome_unknown', message: 'Meta did not answer in time', retryable: true };
    const message = setLast(transport, { delivery: 'failed', failure: unknown });
    expect(await within(region()).findByText('May not have been sent')).toBeTruthy();
    expect(within(region()).queryByText('Not sent')).toBeNull();
    expect(within(region()).queryByRole('button', { name: 'Send anyway' })).toBeNull();

    // The check itself fails: the server keeps the message as an unknown outcome.
    const user = userEvent.setup();
    transport.failNext('retryMessage', new GraphError('Service unavailable', { graphCode: 2 }));
    await user.click(within(region()).getByRole('button', { name: 'Retry' }));
    const sendAnyway = await within(region()).findByRole('button', { name: 'Send anyway' });
    expect(retryCalls(transport)).toEqual([{ method: 'retryMessage', args: [message.id] }]);
    expect(
      within(region()).getByText('Could not check whether it was sent: sending anyway may deliver it twice.'),
    ).toBeTruthy();
    expect(within(region()).getByText('May not have been sent')).toBeTruthy();

    await user.click(sendAnyway);
    await waitFor(() => expect(retryCalls(transport)).toHaveLength(2));
    expect(retryCalls(transport)[1]).toEqual({ method: 'retryMessage', args: [message.id, { force: true }] });
    await waitFor(() => expect(within(region()).queryByText('May not have been sent')).toBeNull());
    expect(within(region()).queryByRole('button', { name: 'Send anyway' })).toBeNull();
  });

  it('a retry whose check succeeds never offers "Send anyway"', async () => {
    const transport = await mount();
    setLast(transport, {
      delivery: 'failed',
      failure: { code: 'interrupted', message: 'The server restarted', retryable: true },
    });
    const user = userEvent.setup();
    await user.click(await within(region()).findByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(within(region()).queryByText('May not have been sent')).toBeNull());
    expect(within(region()).queryByRole('button', { name: 'Send anyway' })).toBeNull();
  });

  it('show the reason a Human Agent tag was refused', async () => {
    const transport = await mount();
    setLast(transport, {
      delivery: 'failed',
      failure: {
        code: 'human_agent_unavailable',
        message: 'This page may not use the Human Agent tag: ask Meta for the permission.',
        retryable: false,
      },
    });
    expect(
      await within(region()).findByText(
        'This page may not use the Human Agent tag: ask Meta for the permission.',
      ),
    ).toBeTruthy();
    expect(within(region()).getByText('Not sent')).toBeTruthy();
  });
});

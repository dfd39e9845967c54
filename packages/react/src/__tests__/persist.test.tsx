import { WindowClosedError } from '@pagedesk/core';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { Composer } from '../Composer.js';
import { createFakeTransport } from '../fakeTransport.js';
import { MessageList } from '../MessageList.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout(5000, 40);

async function enabledBox() {
  const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
  await waitFor(() => expect(box.disabled).toBe(false));
  return box;
}

/** One composer whose conversation changes, as a host's router would do it. */
function Switcher() {
  const [id, setId] = useState('conv-2');
  return (
    <>
      <button type="button" onClick={() => setId(id === 'conv-2' ? 'conv-3' : 'conv-2')}>
        Switch
      </button>
      <Composer conversationId={id} />
    </>
  );
}

describe('nothing lost in the composer', () => {
  it('keeps each conversation’s draft across switching and reloads', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    const view = renderWith(transport, <Switcher />, { agentId: 'agent-1' });
    const user = userEvent.setup();
    await user.type(await enabledBox(), 'Half written answer');
    await user.click(screen.getByRole('button', { name: 'Switch' }));
    await waitFor(() =>
      expect((screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement).value).toBe(''),
    );
    await user.click(screen.getByRole('button', { name: 'Switch' }));
    await waitFor(() =>
      expect((screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement).value).toBe(
        'Half written answer',
      ),
    );
    view.unmount();
    // A reload: a new provider and cache.
    renderWith(transport, <Composer conversationId="conv-2" />, { agentId: 'agent-1' });
    expect((await enabledBox()).value).toBe('Half written answer');
    // Another agent on the same browser does not get it.
    renderWith(transport, <Composer conversationId="conv-2" />, { agentId: 'agent-2' });
    const boxes = screen.getAllByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement[];
    expect(boxes[1]?.value).toBe('');
  });

  it('keeps a reply the server refused, with its text and a Retry, after a reload', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    transport.failNext('sendMessage', new WindowClosedError('The messaging window is closed.'));
    const ui = (
      <>
        <MessageList conversationId="conv-2" />
        <Composer conversationId="conv-2" />
      </>
    );
    const first = renderWith(transport, ui, { agentId: 'agent-1' });
    const user = userEvent.setup();
    await user.type(await enabledBox(), 'Your refund is on its way{Enter}');
    expect(await screen.findByText(/The messaging window had closed/)).toBeTruthy();
    first.unmount();

    renderWith(transport, ui, { agentId: 'agent-1' });
    const text = await screen.findByText('Your refund is on its way');
    const row = text.closest('.pd-message') as HTMLElement;
    expect(row.dataset.delivery).toBe('failed');
    await user.click(within(row).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(transport.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(2));
    const [refused, retried] = transport.calls.filter((c) => c.method === 'sendMessage');
    expect(retried?.args[1]).toMatchObject({
      text: 'Your refund is on its way',
      clientId: (refused?.args[1] as { clientId?: string } | undefined)?.clientId,
    });
    await waitFor(() =>
      expect(
        (screen.getByText('Your refund is on its way').closest('.pd-message') as HTMLElement).dataset
          .delivery,
      ).toBe('sent'),
    );
    expect(Object.keys(localStorage).filter((k) => k.startsWith('pagedesk:failed:'))).toEqual([]);
  });
});

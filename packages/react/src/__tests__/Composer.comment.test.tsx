import type { ConversationWithCustomer } from '@pagedesk/core';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Composer } from '../Composer.js';
import { createFakeTransport } from '../fakeTransport.js';
import { MessageList } from '../MessageList.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

// conv-7 of the generated data is a comment under a post, written a few hours ago.
const COMMENT = 'conv-7';

function sends(transport: ReturnType<typeof createFakeTransport>) {
  return transport.calls
    .filter((c) => c.method === 'sendMessage')
    .map((c) => c.args[1] as Record<string, unknown>);
}

/** The comment's composer, after the agent sent `text` as its private reply with Enter. */
async function afterPrivateReply(text: string) {
  const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
  renderWith(transport, <Composer conversationId={COMMENT} />);
  const box = await enabledBox();
  const user = userEvent.setup();
  await user.type(box, `${text}{Enter}`);
  await waitFor(() => expect(sends(transport)).toHaveLength(1));
  return { transport, box, user };
}

async function enabledBox() {
  const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
  await waitFor(() => expect(box.disabled).toBe(false));
  return box;
}

describe('<Composer> on a comment', () => {
  stubLayout();

  it('always shows the private/public choice, private first while it is possible', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    renderWith(transport, <Composer conversationId={COMMENT} />);
    await enabledBox();
    const privately = screen.getByRole('radio', { name: 'Private message' }) as HTMLInputElement;
    const publicly = screen.getByRole('radio', { name: 'Public reply' }) as HTMLInputElement;
    expect(privately.checked).toBe(true);
    expect(publicly.checked).toBe(false);
  });

  it('never turns Enter into a public reply once the private reply is spent', async () => {
    const { transport, box, user } = await afterPrivateReply('Sent you the tracking link privately');
    expect(sends(transport)[0]?.publicReply).toBeUndefined();

    // The conversation now says the private reply is used: the private option is disabled and
    // nothing is selected until the agent picks "Public reply".
    const privately = screen.getByRole('radio', { name: 'Private message' }) as HTMLInputElement;
    await waitFor(() => expect(privately.disabled).toBe(true));
    expect(privately.checked).toBe(false);
    expect((screen.getByRole('radio', { name: 'Public reply' }) as HTMLInputElement).checked).toBe(false);
    expect(screen.getByText(/choose Public reply/)).toBeTruthy();
    await user.type(box, 'Thanks everyone!{Enter}');
    expect(sends(transport)).toHaveLength(1);
    expect(box.value).toBe('Thanks everyone!');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByRole('radio', { name: 'Public reply' }));
    await user.type(box, '{Enter}');
    await waitFor(() => expect(sends(transport)).toHaveLength(2));
    expect(sends(transport)[1]).toMatchObject({ text: 'Thanks everyone!', publicReply: true });
  });

  it('marks public replies in the thread as "Public reply"', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    const conversation = transport.data.conversations.find(
      (c) => c.id === COMMENT,
    ) as ConversationWithCustomer;
    await transport.sendMessage(COMMENT, { text: 'Answered in public', publicReply: true });
    await transport.sendMessage(COMMENT, { text: 'Answered in private' });
    expect(conversation.source).toBe('comment');
    renderWith(transport, <MessageList conversationId={COMMENT} />);
    const publicText = await screen.findByText('Answered in public');
    const publicRow = publicText.closest('.pd-message') as HTMLElement;
    expect(publicRow.dataset.public).toBe('true');
    expect(publicRow.textContent).toContain('Public reply');
    const privateRow = screen.getByText('Answered in private').closest('.pd-message') as HTMLElement;
    expect(privateRow.dataset.public).toBeUndefined();
    expect(privateRow.textContent).not.toContain('Public reply');
  });

  it("offers a private reply again for the customer's new comment once the first one's was sent", async () => {
    const { transport, box, user } = await afterPrivateReply('Sent you the price privately');
    const privately = screen.getByRole('radio', { name: 'Private message' }) as HTMLInputElement;
    await waitFor(() => expect(privately.disabled).toBe(true));

    // The customer answers with a new comment: Meta allows a private reply to that one.
    act(() => {
      transport.receive(COMMENT, { text: 'And shipping to Lisbon?' });
    });
    await waitFor(() => expect(privately.disabled).toBe(false));
    expect(privately.checked).toBe(true);
    expect(screen.getByText('One private reply to this comment can be sent.')).toBeTruthy();
    await user.type(box, 'Shipping is free{Enter}');
    await waitFor(() => expect(sends(transport)).toHaveLength(2));
    expect(sends(transport)[1]?.publicReply).toBeUndefined();
    await waitFor(() => expect(privately.disabled).toBe(true));
  });
});

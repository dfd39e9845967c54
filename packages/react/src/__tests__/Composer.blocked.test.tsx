import { type ConversationWithCustomer, PAGE_INBOX_APP_ID } from '@pagedesk/core';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from '../Composer.js';
import { createFakeTransport } from '../fakeTransport.js';
import { NOW, renderWith } from './helpers.js';

function setup(conversationId: string, change: (c: ConversationWithCustomer) => ConversationWithCustomer) {
  const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
  const { conversations } = transport.data;
  const index = conversations.findIndex((c) => c.id === conversationId);
  conversations[index] = change(conversations[index] as ConversationWithCustomer);
  return transport;
}

const heldBy = (appId: string | null) => (c: ConversationWithCustomer) => ({
  ...c,
  threadOwner: { appId, since: NOW - 60_000 },
});

async function reply() {
  return (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
}

describe('<Composer> blocked', () => {
  it('says the customer is blocked, with nothing to send and no quick replies', async () => {
    const transport = setup('conv-2', (c) => ({ ...c, customer: { ...c.customer, blocked: { at: NOW } } }));
    renderWith(transport, <Composer conversationId="conv-2" allowTakeThread />);
    expect(await screen.findByText(/This customer is blocked from the page/)).toBeTruthy();
    const box = await reply();
    expect(box.disabled).toBe(true);
    expect(box.placeholder).toBe('Replies are blocked');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('textbox', { name: 'Quick reply text' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Take thread' })).toBeNull();
    expect(document.querySelector('.pd-composer-box')?.getAttribute('data-blocked')).toBe('customer');
  });

  it('follows the customer as blocking changes it live', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    renderWith(transport, <Composer conversationId="conv-2" />);
    const box = await reply();
    await waitFor(() => expect(box.disabled).toBe(false));
    const customer = transport.data.conversations[1]?.customer;
    if (!customer) throw new Error('no customer');
    act(() => transport.emit({ type: 'customer:updated', customer: { ...customer, blocked: { at: NOW } } }));
    await waitFor(() => expect(box.disabled).toBe(true));
    expect(screen.getByText(/This customer is blocked from the page/)).toBeTruthy();
    act(() => transport.emit({ type: 'customer:updated', customer }));
    await waitFor(() => expect(box.disabled).toBe(false));
  });

  it('says which app holds the thread, and takes it only when the host allows', async () => {
    const transport = setup('conv-2', heldBy(PAGE_INBOX_APP_ID));
    const view = renderWith(transport, <Composer conversationId="conv-2" />);
    expect(
      await screen.findByText("Meta's Page Inbox holds this conversation: take the thread to reply."),
    ).toBeTruthy();
    expect((await reply()).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Take thread' })).toBeNull();
    view.unmount();

    const conversation = transport.data.conversations[1] as ConversationWithCustomer;
    const threadControl = vi.fn(async () => ({
      ...conversation,
      threadOwner: { appId: 'app-1', since: NOW },
    }));
    Object.assign(transport, { threadControl });
    renderWith(transport, <Composer conversationId="conv-2" allowTakeThread />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Take thread' }));
    expect(threadControl).toHaveBeenCalledWith('conv-2', 'take', {});
    const box = await reply();
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(screen.queryByText(/holds this conversation/)).toBeNull();
    expect(screen.getByText('Standard window')).toBeTruthy();
  });

  it('names another app by id, and says so when taking the thread fails', async () => {
    const transport = setup('conv-2', heldBy('bot-7'));
    Object.assign(transport, { threadControl: vi.fn(async () => Promise.reject(new Error('refused'))) });
    renderWith(transport, <Composer conversationId="conv-2" allowTakeThread />);
    expect(
      await screen.findByText('Another app (bot-7) holds this conversation: take the thread to reply.'),
    ).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Take thread' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'The thread could not be taken.');
  });

  it('is open when the thread is idle or held by the channel’s own app', async () => {
    for (const appId of [null, 'app-1']) {
      const view = renderWith(setup('conv-2', heldBy(appId)), <Composer conversationId="conv-2" />);
      const box = await reply();
      await waitFor(() => expect(box.disabled).toBe(false));
      view.unmount();
    }
  });

  it('offers no Take thread on Instagram, which routes conversations in Meta’s dashboard', async () => {
    const transport = setup('conv-5', heldBy('bot-7'));
    renderWith(transport, <Composer conversationId="conv-5" allowTakeThread />);
    expect(await screen.findByText(/Another app \(bot-7\) holds this conversation/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Take thread' })).toBeNull();
  });

  it('puts a channel that cannot send before every other reason', async () => {
    const transport = setup('conv-2', heldBy('bot-7'));
    const page = transport.data.channels[0];
    if (page) page.status = 'deactivated';
    renderWith(transport, <Composer conversationId="conv-2" />);
    expect(await screen.findByText(/Deactivated: no reply can be sent/)).toBeTruthy();
    expect(screen.queryByText(/holds this conversation/)).toBeNull();
  });
});

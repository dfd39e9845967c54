import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CustomerPanel, detailsPatch } from '../CustomerPanel.js';
import { createFakeTransport } from '../fakeTransport.js';
import { ConversationView } from '../Inbox.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout();

const setup = () => createFakeTransport({ now: () => NOW, conversations: 10 });

describe('<CustomerPanel>', () => {
  it("shows Meta's profile read-only and saves only the fields the agent changed", async () => {
    const transport = setup();
    const customer = transport.data.conversations[0]!.customer;
    renderWith(transport, <CustomerPanel customerId={customer.id} />);
    const meta = await screen.findByText(/^From Meta/);
    const profile = meta.parentElement as HTMLElement;
    expect(within(profile).getByText(customer.name!)).toBeTruthy();
    expect(within(profile).queryByRole('textbox')).toBeNull();

    const user = userEvent.setup();
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Notes'), 'Prefers mornings');
    await user.click(save);
    await waitFor(() =>
      expect(transport.calls.find((c) => c.method === 'updateCustomer')?.args).toEqual([
        customer.id,
        { email: 'ana@example.com', notes: 'Prefers mornings' },
      ]),
    );
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Saved');
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('ana@example.com');
  });

  it('says why the server refused a value, and keeps what the agent typed', async () => {
    const transport = setup();
    const customer = transport.data.conversations[0]!.customer;
    renderWith(transport, <CustomerPanel customerId={customer.id} />);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Phone'), 'call me maybe');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/action failed.*phone/i);
    expect((screen.getByLabelText('Phone') as HTMLInputElement).value).toBe('call me maybe');
  });

  it("follows another inbox's edit live in fields this agent is not editing", async () => {
    const transport = setup();
    const conversation = transport.data.conversations[0]!;
    // Two agents' inboxes: separate providers and caches on one server.
    renderWith(transport, <ConversationView conversationId={conversation.id} autoFocus={false} />);
    renderWith(transport, <CustomerPanel customerId={conversation.customerId} className="other" />);
    const user = userEvent.setup();
    const panels = await waitFor(() => {
      const found = screen.getAllByRole('form', { name: 'Details' });
      expect(found).toHaveLength(2);
      return found;
    });
    const [mine, theirs] = panels as [HTMLElement, HTMLElement];
    await user.type(within(mine).getByLabelText('Notes'), 'draft in progress');
    await user.type(within(theirs).getByLabelText('Name (shown to agents)'), 'Ana from Lisbon');
    await user.type(within(theirs).getByLabelText('Email'), 'ana@example.com');
    await user.click(within(theirs).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect((within(mine).getByLabelText('Email') as HTMLInputElement).value).toBe('ana@example.com'),
    );
    // The header shows the agents' name for the customer; the draft in progress is untouched.
    await waitFor(() =>
      expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Ana from Lisbon'),
    );
    expect((within(mine).getByLabelText('Notes') as HTMLTextAreaElement).value).toBe('draft in progress');
  });

  it('blocks after a confirmation and unblocks a Messenger customer; none on Instagram', async () => {
    const transport = setup();
    const messenger = transport.data.conversations.find((c) => c.platform === 'messenger')!.customer;
    const instagram = transport.data.conversations.find((c) => c.platform === 'instagram')!.customer;
    const { unmount } = renderWith(transport, <CustomerPanel customerId={messenger.id} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Block' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Block' });
    expect(dialog.textContent).toContain(messenger.name);
    expect(transport.calls.some((c) => c.method === 'blockCustomer')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Block' }));
    expect(await screen.findByText(/^Blocked, /)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Unblock' }));
    await waitFor(() => expect(screen.queryByText(/^Blocked, /)).toBeNull());
    expect(transport.calls.filter((c) => c.method === 'blockCustomer').map((c) => c.args)).toEqual([
      [messenger.id, true],
      [messenger.id, false],
    ]);
    unmount();
    renderWith(transport, <CustomerPanel customerId={instagram.id} />);
    await screen.findByText(/^From Meta/);
    expect(screen.queryByRole('button', { name: 'Block' })).toBeNull();
  });

  it("renders the host's own content with the customer, and toggles beside the conversation", async () => {
    const transport = setup();
    const conversation = transport.data.conversations[0]!;
    renderWith(
      transport,
      <ConversationView
        conversationId={conversation.id}
        autoFocus={false}
        customerPanel={(customer) => <p>CRM record of {customer.psid}</p>}
      />,
    );
    expect(await screen.findByText(`CRM record of ${conversation.customer.psid}`)).toBeTruthy();
    const user = userEvent.setup();
    const toggle = screen.getByRole('button', { name: 'Customer details' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await user.click(toggle);
    expect(screen.queryByRole('form', { name: 'Details' })).toBeNull();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await user.click(toggle);
    expect(await screen.findByRole('form', { name: 'Details' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('form', { name: 'Details' })).toBeNull();
  });
});

describe('detailsPatch', () => {
  it('sends edited fields only, trims them, and clears a blanked one', () => {
    const customer = { details: { email: 'a@b.co', name: 'Ana', updatedAt: 1 } };
    expect(detailsPatch(customer, {})).toEqual({});
    expect(detailsPatch(customer, { email: 'a@b.co', name: '  ' })).toEqual({ name: null });
    expect(detailsPatch(customer, { phone: ' +351 912 ', notes: ' x ' })).toEqual({
      phone: '+351 912',
      notes: ' x ',
    });
  });
});

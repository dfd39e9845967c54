import type { Channel, Message } from '@pagedesk/core';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from '../Composer.js';
import { createFakeTransport } from '../fakeTransport.js';
import { NOW, renderWith } from './helpers.js';

function transportWith(settings: Partial<Channel['settings']> = {}) {
  const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
  const page = transport.data.channels[0] as Channel;
  page.settings = { ...page.settings, ...settings };
  return transport;
}

function sends(transport: ReturnType<typeof createFakeTransport>) {
  return transport.calls
    .filter((c) => c.method === 'sendMessage')
    .map((c) => c.args[1] as Record<string, unknown>);
}

async function textbox() {
  const box = await screen.findByRole('textbox', { name: 'Reply' });
  await waitFor(() => expect((box as HTMLTextAreaElement).disabled).toBe(false));
  return box as HTMLTextAreaElement;
}

describe('<Composer> window', () => {
  it('shows the standard tier with a countdown', async () => {
    renderWith(transportWith(), <Composer conversationId="conv-2" />);
    await textbox();
    expect(screen.getByText('Standard window')).toBeTruthy();
    expect(screen.getByText(/^Standard window ends in /)).toBeTruthy();
  });

  it('switches to the human-agent tag with the no-promotion notice', async () => {
    renderWith(transportWith(), <Composer conversationId="conv-4" />);
    await textbox();
    expect(screen.getByText('Human agent only')).toBeTruthy();
    expect(screen.getByText(/no promotional content/)).toBeTruthy();
    expect(screen.getByText(/^Closes in /)).toBeTruthy();
  });

  it('is blocked with the reason once closed, and without the human-agent permission after 24 h', async () => {
    const view = renderWith(transportWith(), <Composer conversationId="conv-6" />);
    const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
    await waitFor(() => expect(screen.getByText('Closed')).toBeTruthy());
    expect(box.disabled).toBe(true);
    expect(screen.getByText(/The messaging window is closed/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    view.unmount();

    renderWith(transportWith({ humanAgent: false }), <Composer conversationId="conv-4" />);
    await waitFor(() => expect(screen.getByText('Closed')).toBeTruthy());
  });
});

describe('<Composer> text', () => {
  it('sends on Enter, breaks lines on Shift+Enter, and empties at once', async () => {
    const transport = transportWith();
    renderWith(transport, <Composer conversationId="conv-2" />);
    const box = await textbox();
    const user = userEvent.setup();
    await user.type(box, 'Hello{Shift>}{Enter}{/Shift}there{Enter}');
    expect(box.value).toBe('');
    await waitFor(() => expect(sends(transport)).toHaveLength(1));
    expect(sends(transport)[0]?.text).toBe('Hello\nthere');
  });

  it('counts characters against the channel limit and offers to split', async () => {
    const transport = transportWith({ textMaxLength: 20 });
    renderWith(transport, <Composer conversationId="conv-2" />);
    const box = await textbox();
    await waitFor(() =>
      expect(document.querySelector('.pd-composer-bar .pd-counter')?.textContent).toBe('0 / 20'),
    );
    const user = userEvent.setup();
    await user.type(box, 'one two three four five six seven');
    expect(screen.getByText(/^33 \/ 20/)).toBeTruthy();
    expect(box.getAttribute('aria-invalid')).toBe('true');
    const send = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    await user.click(screen.getByRole('checkbox', { name: 'Send as several messages' }));
    expect(screen.getByText(/Will be sent as 2 messages/)).toBeTruthy();
    await user.click(send);
    await waitFor(() => expect(sends(transport)).toHaveLength(1));
    expect(sends(transport)[0]).toMatchObject({ text: 'one two three four five six seven', split: true });
  });

  it('inserts templates, adds quick replies and sends a quoted reply', async () => {
    const transport = transportWith();
    const quoted = transport.data.messages('conv-2').at(-1) as Message;
    const onCancelQuote = vi.fn();
    renderWith(
      transport,
      <Composer
        conversationId="conv-2"
        quoted={quoted}
        onCancelQuote={onCancelQuote}
        templates={[{ id: 't1', name: 'Greeting', text: 'Hi! How can I help?' }]}
      />,
    );
    const box = await textbox();
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Reply templates' }), 't1');
    expect(box.value).toBe('Hi! How can I help?');
    await user.type(screen.getByRole('textbox', { name: 'Quick reply text' }), 'Yes{Enter}');
    await user.type(screen.getByRole('textbox', { name: 'Quick reply text' }), 'No');
    await user.click(screen.getByRole('button', { name: 'Add quick reply' }));
    expect(screen.getByRole('button', { name: 'Remove quick reply Yes' })).toBeTruthy();
    expect(screen.getByText('Replying to')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(sends(transport)).toHaveLength(1));
    expect(sends(transport)[0]).toMatchObject({
      text: 'Hi! How can I help?',
      replyToMessageId: quoted.id,
      quickReplies: [
        { title: 'Yes', payload: 'Yes' },
        { title: 'No', payload: 'No' },
      ],
    });
    expect(onCancelQuote).toHaveBeenCalled();
  });
});

describe('<Composer> attachments', () => {
  const png = () => new File([new Uint8Array(1000)], 'photo.png', { type: 'image/png' });
  const pdf = () => new File([new Uint8Array(2000)], 'invoice.pdf', { type: 'application/pdf' });

  it('checks picked files against the rules, uploads the good ones and sends several in one reply', async () => {
    const transport = transportWith({ attachmentMaxBytes: { image: 500 } });
    renderWith(transport, <Composer conversationId="conv-2" />);
    await textbox();
    const input = document.querySelector('input[type="file"]') as HTMLInputElement;
    const user = userEvent.setup();
    await user.upload(input, [png(), pdf()]);
    expect(await screen.findByText(/photo\.png is 1000 B; images can be at most 500 B/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Remove photo.png' }));
    await waitFor(() =>
      expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false),
    );
    await user.upload(input, [pdf()]);
    await waitFor(() =>
      expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false),
    );
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(sends(transport)).toHaveLength(1));
    const attachments = sends(transport)[0]?.attachments as Array<{ name: string }>;
    expect(attachments.map((a) => a.name)).toEqual(['invoice.pdf', 'invoice.pdf']);
    expect(transport.calls.filter((c) => c.method === 'uploadFile')).toHaveLength(2);
  });

  it('takes files from paste and drag-and-drop', async () => {
    const transport = transportWith();
    renderWith(transport, <Composer conversationId="conv-2" />);
    const box = await textbox();
    fireEvent.paste(box, { clipboardData: { files: [png()], getData: () => '' } });
    expect(await screen.findByText('photo.png')).toBeTruthy();
    const zone = box.closest('.pd-composer-box') as HTMLElement;
    fireEvent.dragOver(zone, { dataTransfer: { files: [] } });
    expect(screen.getByText('Drop files to attach')).toBeTruthy();
    fireEvent.drop(zone, { dataTransfer: { files: [pdf()] } });
    expect(await screen.findByText('invoice.pdf')).toBeTruthy();
    expect(screen.queryByText('Drop files to attach')).toBeNull();
    await waitFor(() => expect(transport.calls.filter((c) => c.method === 'uploadFile')).toHaveLength(2));
  });

  it('reports an upload failure by file name', async () => {
    const transport = transportWith();
    transport.failNext(
      'uploadFile',
      new (await import('@pagedesk/core')).PagedeskError('http_error', 'nope'),
    );
    renderWith(transport, <Composer conversationId="conv-2" />);
    await textbox();
    await userEvent.setup().upload(document.querySelector('input[type="file"]') as HTMLInputElement, png());
    expect(await screen.findByText('photo.png could not be uploaded')).toBeTruthy();
  });
});

import { PagedeskError } from '@pagedesk/core';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type ReactNode, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from '../Composer.js';
import { useComposerContext } from '../ComposerParts.js';
import { createFakeTransport } from '../fakeTransport.js';
import { PagedeskProvider } from '../PagedeskProvider.js';
import { useComposer } from '../useComposer.js';
import { NOW, renderWith, testClient } from './helpers.js';

function setup() {
  const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <PagedeskProvider transport={transport} queryClient={testClient()} now={() => NOW}>
      {children}
    </PagedeskProvider>
  );
  return { transport, wrapper };
}

/** A host part reading the composer's state. */
function Remaining() {
  const { composer } = useComposerContext();
  return <output aria-label="Left">{composer.length.limit - composer.length.length}</output>;
}

/** A host that controls the text (and upper-cases it, to prove the composer shows the host's value). */
function ControlledHost(props: { onChange: (text: string) => void }) {
  const [text, setText] = useState('Prefilled');
  return (
    <Composer
      conversationId="conv-2"
      text={text}
      onTextChange={(next) => {
        props.onChange(next);
        setText(next.toUpperCase());
      }}
    />
  );
}

const sends = (transport: ReturnType<typeof createFakeTransport>) =>
  transport.calls.filter((c) => c.method === 'sendMessage').map((c) => c.args[1] as Record<string, unknown>);

describe('useComposer', () => {
  it('keeps uncontrolled text as a draft per conversation, and sends and empties it', async () => {
    const { transport, wrapper } = setup();
    const { result, rerender } = renderHook(({ id }: { id: string }) => useComposer({ conversationId: id }), {
      wrapper,
      initialProps: { id: 'conv-2' },
    });
    await waitFor(() => expect(result.current.disabled).toBe(false));
    expect(result.current.block).toBeNull();
    act(() => result.current.setText('Hello'));
    act(() => result.current.setText((current) => `${current} there`));
    expect(result.current.text).toBe('Hello there');
    // Sending waits for the kit's checks, which load on demand after the first render.
    await waitFor(() => expect(result.current.canSend).toBe(true));

    rerender({ id: 'conv-3' });
    expect(result.current.text).toBe('');
    rerender({ id: 'conv-2' });
    expect(result.current.text).toBe('Hello there');

    act(() => result.current.submit());
    expect(result.current.text).toBe('');
    await waitFor(() =>
      expect(sends(transport)).toEqual([{ text: 'Hello there', clientId: expect.any(String) }]),
    );
  });

  it('never carries one conversation’s files or quick replies into the next one', async () => {
    const { transport, wrapper } = setup();
    const { result, rerender } = renderHook(({ id }: { id: string }) => useComposer({ conversationId: id }), {
      wrapper,
      initialProps: { id: 'conv-2' },
    });
    await waitFor(() => expect(result.current.disabled).toBe(false));
    const invoice = new File(['%PDF'], 'invoice-conv-2.pdf', { type: 'application/pdf' });
    act(() => result.current.addFiles([invoice]));
    await waitFor(() => expect(result.current.files.map((f) => f.status)).toEqual(['ready']));
    act(() => result.current.setQuickReplies(['Yes']));

    // The agent opens another customer's conversation in the same composer and answers.
    rerender({ id: 'conv-3' });
    act(() => result.current.setText('Hello'));
    await waitFor(() => expect(result.current.canSend).toBe(true));
    act(() => result.current.submit());
    await waitFor(() => expect(sends(transport)).toHaveLength(1));
    // Not the first customer's invoice, nor the buttons meant for them.
    expect(sends(transport)[0]).toEqual({ text: 'Hello', clientId: expect.any(String) });
    expect(transport.calls.find((c) => c.method === 'sendMessage')?.args[0]).toBe('conv-3');
  });

  it('never answers the next comment publicly because the last one was', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 15 });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <PagedeskProvider transport={transport} queryClient={testClient()} now={() => NOW}>
        {children}
      </PagedeskProvider>
    );
    const { result, rerender } = renderHook(({ id }: { id: string }) => useComposer({ conversationId: id }), {
      wrapper,
      initialProps: { id: 'conv-7' },
    });
    await waitFor(() => expect(result.current.replyMode).toBe('private'));
    act(() => result.current.setReplyMode('public'));
    rerender({ id: 'conv-14' });
    await waitFor(() => expect(result.current.conversation?.id).toBe('conv-14'));
    expect(result.current.isComment).toBe(true);
    expect(result.current.replyMode).toBe('private');
  });

  it('measures the text against the channel limit and splits it on request', async () => {
    const { transport, wrapper } = setup();
    const page = transport.data.channels[0];
    if (page) page.settings = { ...page.settings, textMaxLength: 10 };
    const { result } = renderHook(() => useComposer({ conversationId: 'conv-2' }), { wrapper });
    await waitFor(() => expect(result.current.length.limit).toBe(10));
    act(() => result.current.setText('one two three four'));
    expect(result.current.tooLong).toBe(true);
    expect(result.current.canSend).toBe(false);
    act(() => result.current.setSplit(true));
    expect(result.current.splitCount).toBe(2);
    expect(result.current.canSend).toBe(true);
  });

  it('sends replies in order, each after the previous one is answered, and stops at a failure', async () => {
    const { transport, wrapper } = setup();
    const onSent = vi.fn();
    const { result } = renderHook(() => useComposer({ conversationId: 'conv-2', onSent }), { wrapper });
    await waitFor(() => expect(result.current.disabled).toBe(false));
    let sent: unknown[] = [];
    await act(async () => {
      sent = await result.current.sendInOrder([{ text: 'one' }, { text: 'two' }, { text: 'three' }]);
    });
    expect(sends(transport).map((d) => d.text)).toEqual(['one', 'two', 'three']);
    expect(sent).toHaveLength(3);
    expect(onSent).toHaveBeenCalledTimes(1);

    transport.failNext('sendMessage', new PagedeskError('graph_error', 'Meta is down', { retryable: true }));
    await act(async () => {
      await expect(result.current.sendInOrder([{ text: 'four' }, { text: 'five' }])).rejects.toThrow(
        'Meta is down',
      );
    });
    expect(sends(transport).map((d) => d.text)).toEqual(['one', 'two', 'three', 'four']);
    expect(result.current.sendError?.code).toBe('graph_error');
  });
});

describe('<Composer> controlled text', () => {
  it('shows the host’s text, reports every change, and leaves no draft behind', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    const changes: string[] = [];
    renderWith(transport, <ControlledHost onChange={(next) => changes.push(next)} />);
    const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.value).toBe('Prefilled');
    const user = userEvent.setup();
    await user.type(box, '!');
    expect(changes.at(-1)).toBe('Prefilled!');
    expect(box.value).toBe('PREFILLED!');
    await user.type(box, '{Enter}');
    await waitFor(() => expect(sends(transport).map((d) => d.text)).toEqual(['PREFILLED!']));
    expect(changes.at(-1)).toBe('');
    expect(box.value).toBe('');
    expect(
      Object.keys(localStorage).filter((key) => localStorage.getItem(key)?.includes('PREFILLED')),
    ).toEqual([]);
  });
});

describe('Composer parts', () => {
  it('build a host’s own composer that sends through the same path', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    renderWith(
      transport,
      <Composer.Root conversationId="conv-2" className="host-composer">
        <Composer.Status />
        <Composer.Input className="host-input" placeholder="Say something" />
        <Composer.Attachments />
        <Remaining />
        <Composer.AttachFiles />
        <Composer.Send className="host-send">Go</Composer.Send>
      </Composer.Root>,
    );
    const box = (await screen.findByPlaceholderText('Say something')) as HTMLTextAreaElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.className).toBe('host-input');
    expect(document.querySelector('.pd-composer.host-composer .pd-composer-box')).toBeTruthy();
    expect(screen.getByText('Standard window')).toBeTruthy();
    const send = screen.getByRole('button', { name: 'Go' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    const user = userEvent.setup();
    await user.type(box, 'Hi');
    expect(screen.getByRole('status', { name: 'Left' }).textContent).toBe('1998');
    await user.click(send);
    await waitFor(() => expect(sends(transport).map((d) => d.text)).toEqual(['Hi']));
    expect(box.value).toBe('');
  });

  it('name the missing root when used outside one', () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 2 });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() =>
      render(
        <PagedeskProvider transport={transport} queryClient={testClient()}>
          <Composer.Send />
        </PagedeskProvider>,
      ),
    ).toThrow('Composer.Send must be used inside <Composer.Root>');
  });
});

describe('<PagedeskProvider strings>', () => {
  it('takes UI strings as `strings`, and still as the deprecated `messages`', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    const view = renderWith(transport, <Composer conversationId="conv-2" />, {
      strings: { composer: { send: 'Envoyer' } },
    });
    expect(await screen.findByRole('button', { name: 'Envoyer' })).toBeTruthy();
    view.unmount();
    renderWith(transport, <Composer conversationId="conv-2" />, {
      messages: { composer: { send: 'Enviar' } },
    });
    expect(await screen.findByRole('button', { name: 'Enviar' })).toBeTruthy();
  });
});

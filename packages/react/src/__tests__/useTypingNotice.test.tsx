import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from '../Composer.js';
import { createFakeTransport } from '../fakeTransport.js';
import { TYPING_IDLE_MS } from '../useTypingNotice.js';
import { NOW, renderWith } from './helpers.js';

function typingCalls(transport: ReturnType<typeof createFakeTransport>) {
  return transport.calls.filter((c) => c.method === 'setTyping').map((c) => c.args[1]);
}

describe("the agent's typing notice", () => {
  it('is taken back after a pause and when the composer goes away, and not repeated after a send', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    const view = renderWith(transport, <Composer conversationId="conv-2" />);
    const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    fireEvent.change(box, { target: { value: 'Hel' } });
    expect(typingCalls(transport)).toEqual([true]);
    act(() => vi.advanceTimersByTime(TYPING_IDLE_MS));
    expect(typingCalls(transport)).toEqual([true, false]);

    fireEvent.change(box, { target: { value: 'Hello' } });
    // Sending waits for the kit's checks, which load on demand after the first render.
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', false),
    );
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(transport.calls.some((c) => c.method === 'sendMessage')).toBe(true));
    // Meta ends the indicator with the message itself: no extra notice after a send.
    act(() => vi.advanceTimersByTime(TYPING_IDLE_MS));
    expect(typingCalls(transport)).toEqual([true, false, true]);

    fireEvent.change(box, { target: { value: 'More' } });
    view.unmount();
    expect(typingCalls(transport)).toEqual([true, false, true, true, false]);
  });
});

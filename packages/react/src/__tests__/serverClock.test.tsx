import {
  type ConversationWithCustomer,
  type InboxTransport,
  type ServerClock,
  WindowClosedError,
} from '@pagedesk/core';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from '../Composer.js';
import { ConversationList } from '../ConversationList.js';
import { createFakeTransport } from '../fakeTransport.js';
import { httpTransport } from '../httpTransport.js';
import { MessageList } from '../MessageList.js';
import { PagedeskProvider } from '../PagedeskProvider.js';
import { NOW, renderWith, stubLayout, testClient } from './helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A fake backend whose clock runs `ahead` of this machine's, and can jump like the emulator's. */
function aheadBy(ahead: number) {
  let offset = ahead;
  const listeners = new Set<() => void>();
  const fake = createFakeTransport({ now: () => Date.now() + offset, conversations: 8 });
  const serverClock: ServerClock = {
    offset: () => offset,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const jump = (ms: number) => {
    offset += ms;
    for (const listener of listeners) listener();
  };
  return { transport: { ...fake, serverClock }, fake, jump };
}

/** Renders without a `now` prop, so the provider takes the transport's server clock. */
function onServerClock(transport: InboxTransport, ui: ReactNode) {
  return render(
    <PagedeskProvider transport={transport} queryClient={testClient()}>
      {ui}
    </PagedeskProvider>,
  );
}

describe('server time', () => {
  stubLayout();

  it('httpTransport learns the server clock from every answer and from clock frames', async () => {
    const serverNow = Date.now() + 25 * HOUR;
    let frames: ReadableStreamDefaultController<Uint8Array> | undefined;
    const fetch = vi.fn(async (input: RequestInfo | URL) => {
      if (String(input).includes('/events'))
        return new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              frames = controller;
            },
          }),
          { headers: { 'content-type': 'text/event-stream', 'x-pagedesk-now': String(serverNow) } },
        );
      return new Response('[]', {
        headers: { 'content-type': 'application/json', 'x-pagedesk-now': String(serverNow) },
      });
    }) as unknown as typeof globalThis.fetch;
    const transport = httpTransport({ baseUrl: 'https://api.test', fetch });
    const moved = vi.fn();
    transport.serverClock?.subscribe(moved);
    await transport.listChannels();
    expect(Math.abs((transport.serverClock?.offset() ?? 0) - 25 * HOUR)).toBeLessThan(1000);
    expect(moved).toHaveBeenCalledTimes(1);
    const stop = transport.subscribe(() => {});
    await vi.waitFor(() => expect(frames).toBeDefined());
    // The server's clock jumps 8 days: a clock frame says so without a request.
    frames?.enqueue(
      new TextEncoder().encode(`event: clock\ndata: {"now":${Date.now() + 25 * HOUR + 8 * DAY}}\n\n`),
    );
    await vi.waitFor(() =>
      expect(Math.abs((transport.serverClock?.offset() ?? 0) - (25 * HOUR + 8 * DAY))).toBeLessThan(1000),
    );
    expect(moved).toHaveBeenCalledTimes(2);
    stop();
  });

  it('the composer counts the window down on the server clock, and follows its jumps', async () => {
    const { transport, fake, jump } = aheadBy(25 * HOUR);
    // The customer wrote 30 h ago by the server's clock, 5 h ago by this machine's.
    const conversation = fake.data.conversations[1] as ConversationWithCustomer;
    conversation.lastInboundAt = Date.now() + 25 * HOUR - 30 * HOUR;
    onServerClock(transport, <Composer conversationId={conversation.id} />);
    expect(await screen.findByText('Human agent only')).toBeTruthy();
    expect(screen.queryByText(/^Standard window ends in/)).toBeNull();
    act(() => jump(8 * DAY));
    await waitFor(() => expect(screen.getByText('Closed')).toBeTruthy());
    expect((screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement).disabled).toBe(true);
  });

  it('the list dates rows by the server clock ("Today" only for today there)', async () => {
    const { transport, fake } = aheadBy(9 * DAY);
    for (const c of fake.data.conversations) {
      // Written "now" by this machine's clock: 9 days ago by the server's.
      c.lastMessageAt = Date.now() - HOUR;
    }
    onServerClock(transport, <ConversationList />);
    await screen.findAllByRole('option');
    const time = await waitFor(() => {
      const found = document.querySelector('.pd-conv-time');
      expect(found).toBeTruthy();
      return found as HTMLTimeElement;
    });
    // A time of day (today) would contain a colon; an older date does not.
    expect(time.textContent).not.toMatch(/\d:\d\d/);
  });

  it("says a closed-window refusal once, in the kit's words", async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    transport.failNext(
      'sendMessage',
      new WindowClosedError(
        'Window closed 3 d ago; the customer must write first. The customer has to write again before you can reply.',
      ),
    );
    renderWith(
      transport,
      <>
        <MessageList conversationId="conv-2" />
        <Composer conversationId="conv-2" />
      </>,
    );
    const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    await userEvent.setup().type(box, 'Are you still there?{Enter}');
    expect(await screen.findByText(/The messaging window had closed/)).toBeTruthy();
    expect(screen.getAllByText(/must write again first/)).toHaveLength(1);
    expect(screen.queryByText(/has to write again/)).toBeNull();
    expect(screen.queryByText('The reply could not be sent.')).toBeNull();
  });
});

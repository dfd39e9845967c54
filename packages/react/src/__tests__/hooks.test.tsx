import './helpers.js';
import { type ConversationWithCustomer, PagedeskError, WindowClosedError } from '@pagedesk/core';
import { act, render, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { PagedeskProvider } from '../PagedeskProvider.js';
import { pagedeskKeys } from '../queryKeys.js';
import { useChannelAction, useChannels } from '../useChannels.js';
import { useConversation } from '../useConversation.js';
import { useConversations } from '../useConversations.js';
import { useLiveStatus, useTyping } from '../useLive.js';
import { useMessages } from '../useMessages.js';
import { useSendMessage } from '../useSendMessage.js';
import { nextTickDelay, useWindow } from '../useWindow.js';
import { NOW, testClient } from './helpers.js';

function setup(options: Parameters<typeof createFakeTransport>[0] = {}) {
  const transport = createFakeTransport({ now: () => NOW, conversations: 30, ...options });
  const queryClient = testClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <PagedeskProvider transport={transport} queryClient={queryClient} now={() => NOW}>
      {children}
    </PagedeskProvider>
  );
  return { transport, queryClient, wrapper };
}

describe('provider', () => {
  it('hooks name <PagedeskProvider> when used outside it', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useConversations())).toThrow(
      'useConversations must be used inside <PagedeskProvider>',
    );
  });

  it('opens one live subscription, reports its status, and closes it on unmount', async () => {
    const { transport, wrapper } = setup();
    const subscribe = vi.spyOn(transport, 'subscribe');
    const { result, unmount } = renderHook(
      () => [useLiveStatus(), useConversations(), useMessages('conv-1')] as const,
      { wrapper },
    );
    await waitFor(() => expect(result.current[0]).toBe('open'));
    act(() => transport.setStatus('reconnecting'));
    expect(result.current[0]).toBe('reconnecting');
    expect(subscribe).toHaveBeenCalledTimes(1);
    const stop = subscribe.mock.results[0]?.value as () => void;
    expect(typeof stop).toBe('function');
    unmount();
  });

  it('invalidates every query on a reset event instead of polling', async () => {
    const { transport, wrapper } = setup();
    const { result } = renderHook(() => useConversations(), { wrapper });
    await waitFor(() => expect(result.current.conversations.length).toBeGreaterThan(0));
    const before = transport.calls.filter((c) => c.method === 'listConversations').length;
    act(() => transport.emit({ type: 'reset' }));
    await waitFor(() =>
      expect(transport.calls.filter((c) => c.method === 'listConversations').length).toBe(before + 1),
    );
  });
});

describe('useConversations', () => {
  it('pages with the cursor and de-duplicates', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => useConversations({}, { pageSize: 10 }), { wrapper });
    await waitFor(() => expect(result.current.conversations).toHaveLength(10));
    expect(result.current.hasMore).toBe(true);
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.conversations).toHaveLength(20));
    expect(new Set(result.current.conversations.map((c) => c.id)).size).toBe(20);
  });

  it('moves a conversation to the top on a live message, and drops it when it stops matching', async () => {
    const { transport, wrapper } = setup();
    const { result } = renderHook(
      () => [useConversations({ status: 'open' }), useConversations({ unread: true })] as const,
      { wrapper },
    );
    await waitFor(() => expect(result.current[0].conversations.length).toBeGreaterThan(5));
    const last = result.current[0].conversations.at(-1) as ConversationWithCustomer;
    expect(last.unreadCount).toBe(0);
    act(() => {
      transport.receive(last.id, { text: 'Anyone there?' });
    });
    await waitFor(() => expect(result.current[0].conversations[0]?.id).toBe(last.id));
    expect(result.current[0].conversations[0]?.preview).toBe('Anyone there?');
    expect(result.current[1].conversations[0]?.id).toBe(last.id);

    act(() => {
      void transport.updateConversation(last.id, { status: 'resolved' });
    });
    await waitFor(() => expect(result.current[0].conversations.some((c) => c.id === last.id)).toBe(false));
  });

  it('passes filters to the transport', async () => {
    const { transport, wrapper } = setup();
    renderHook(() => useConversations({ platform: 'instagram', search: ' ana ', unread: false }), {
      wrapper,
    });
    await waitFor(() => expect(transport.calls.some((c) => c.method === 'listConversations')).toBe(true));
    expect(transport.calls.find((c) => c.method === 'listConversations')?.args[0]).toEqual({
      platform: 'instagram',
      search: 'ana',
      limit: 50,
    });
  });
});

describe('useMessages and useSendMessage', () => {
  it('loads backwards in reading order and appends live messages', async () => {
    const { transport, wrapper } = setup({ messagesPerConversation: 30 });
    const { result } = renderHook(() => useMessages('conv-2', { pageSize: 10 }), { wrapper });
    await waitFor(() => expect(result.current.messages).toHaveLength(10));
    const times = result.current.messages.map((m) => m.createdAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    act(() => result.current.loadOlder());
    await waitFor(() => expect(result.current.messages).toHaveLength(20));
    act(() => {
      transport.receive('conv-2', { text: 'new one' });
    });
    await waitFor(() => expect(result.current.messages.at(-1)?.text).toBe('new one'));
  });

  it('shows the reply at once as pending, then as the server message, then delivered', async () => {
    const { transport, wrapper } = setup({ latencyMs: 20 });
    const { result } = renderHook(() => ({ list: useMessages('conv-2'), send: useSendMessage('conv-2') }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.list.messages.length).toBeGreaterThan(0));
    let sending!: Promise<unknown>;
    act(() => {
      sending = result.current.send.send({ text: 'On it!' });
    });
    await waitFor(() => expect(result.current.list.messages.at(-1)?.text).toBe('On it!'));
    const optimistic = result.current.list.messages.at(-1);
    expect(optimistic?.delivery).toBe('pending');
    expect(result.current.send.isSending).toBe(true);
    await act(async () => {
      await sending;
    });
    const sent = result.current.list.messages.at(-1);
    expect(sent?.id).toBe(optimistic?.id);
    expect(sent?.delivery).toBe('sent');
    expect(result.current.list.messages.filter((m) => m.text === 'On it!')).toHaveLength(1);
    act(() => transport.deliver(sent?.id as string, 'read'));
    await waitFor(() => expect(result.current.list.messages.at(-1)?.delivery).toBe('read'));
  });

  it('marks a refused reply failed with the reason, and a retry sends the same draft again', async () => {
    const { transport, wrapper } = setup();
    const { result } = renderHook(() => ({ list: useMessages('conv-2'), send: useSendMessage('conv-2') }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.list.messages.length).toBeGreaterThan(0));
    transport.failNext('sendMessage', new PagedeskError('graph_error', 'Meta is down', { retryable: true }));
    await act(async () => {
      await expect(result.current.send.send({ text: 'Hello again' })).rejects.toThrow('Meta is down');
    });
    const failed = result.current.list.messages.at(-1);
    expect(failed?.delivery).toBe('failed');
    expect(failed?.failure).toEqual({ code: 'graph_error', message: 'Meta is down', retryable: true });
    expect(result.current.send.error?.message).toBe('Meta is down');
    await act(async () => {
      await result.current.send.retry(failed?.id as string);
    });
    const sends = transport.calls.filter((c) => c.method === 'sendMessage');
    expect(sends).toHaveLength(2);
    expect((sends[1]?.args[1] as { clientId?: string } | undefined)?.clientId).toBe(failed?.id);
    expect(result.current.list.messages.at(-1)?.delivery).toBe('sent');
    expect(result.current.list.messages.filter((m) => m.text === 'Hello again')).toHaveLength(1);
  });

  it('retries a message the server marked failed through retryMessage', async () => {
    const { transport, wrapper } = setup();
    const { result } = renderHook(() => ({ list: useMessages('conv-2'), send: useSendMessage('conv-2') }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.list.messages.length).toBeGreaterThan(0));
    const outbound = result.current.list.messages.find((m) => m.direction === 'outbound');
    act(() =>
      transport.emit({
        type: 'message:updated',
        message: {
          ...(outbound as NonNullable<typeof outbound>),
          delivery: 'failed',
          failure: { code: 'x', message: 'no', retryable: true },
        },
      }),
    );
    await act(async () => {
      await result.current.send.retry(outbound?.id as string);
    });
    expect(transport.calls.some((c) => c.method === 'retryMessage' && c.args[0] === outbound?.id)).toBe(true);
    expect(result.current.list.messages.find((m) => m.id === outbound?.id)?.delivery).toBe('sent');
  });

  it('surfaces a closed window as a failed message with the typed error', async () => {
    const { transport, wrapper } = setup();
    const closed = transport.data.conversations.find(
      (c) => c.lastInboundAt !== null && NOW - c.lastInboundAt > 8 * 86_400_000,
    );
    const id = closed?.id as string;
    const { result } = renderHook(() => ({ list: useMessages(id), send: useSendMessage(id) }), { wrapper });
    await waitFor(() => expect(result.current.list.messages.length).toBeGreaterThan(0));
    await act(async () => {
      await result.current.send.send({ text: 'late' }).catch(() => {});
    });
    expect(result.current.send.error).toBeInstanceOf(WindowClosedError);
    expect(result.current.list.messages.at(-1)?.delivery).toBe('failed');
  });
});

describe('useWindow', () => {
  it('computes the tick delay so countdowns change exactly on the minute, then each second', () => {
    expect(nextTickDelay(3 * 60_000 + 1_500)).toBe(1_500);
    expect(nextTickDelay(3 * 60_000)).toBe(60_000);
    expect(nextTickDelay(59_500)).toBe(500);
    expect(nextTickDelay(0)).toBe(1000);
  });

  it('re-evaluates when the standard window ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let clock = NOW;
    const transport = createFakeTransport({ now: () => NOW, conversations: 1 });
    const conversation = {
      ...(transport.data.conversations[0] as ConversationWithCustomer),
      lastInboundAt: NOW - 24 * 3_600_000 + 90_000,
    };
    const wrapper = ({ children }: { children: ReactNode }) => (
      <PagedeskProvider transport={transport} queryClient={testClient()} now={() => clock}>
        {children}
      </PagedeskProvider>
    );
    const { result } = renderHook(() => useWindow(conversation), { wrapper });
    expect(result.current.window?.state).toBe('standard');
    expect(result.current.remainingMs).toBe(90_000);
    clock += 30_000;
    act(() => vi.advanceTimersByTime(30_000));
    expect(result.current.remainingMs).toBe(60_000);
    clock += 60_000;
    act(() => vi.advanceTimersByTime(60_000));
    expect(result.current.window?.state).toBe('human_agent');
  });
});

describe('channels and typing', () => {
  it('applies actions and live channel updates to the cached list', async () => {
    const { transport, wrapper, queryClient } = setup();
    const { result } = renderHook(() => ({ channels: useChannels(), action: useChannelAction() }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.channels.data).toHaveLength(2));
    await act(async () => {
      await result.current.action.mutateAsync({ channelId: 'page-1', action: { action: 'deactivate' } });
    });
    // react-query notifies observers on its own schedule, after the mutation's promise settles.
    await waitFor(() => expect(result.current.channels.data?.[0]?.status).toBe('deactivated'));
    const channel = transport.data.channels[1];
    act(() =>
      transport.emit({
        type: 'channel:updated',
        channel: { ...(channel as NonNullable<typeof channel>), status: 'expired' },
      }),
    );
    expect(queryClient.getQueryData<Array<{ status: string }>>(pagedeskKeys.channels())?.[1]?.status).toBe(
      'expired',
    );
  });

  it('shows typing until the customer writes, or 20 s pass', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { transport, wrapper } = setup();
    const { result } = renderHook(() => useTyping('conv-3'), { wrapper });
    act(() => transport.typing('conv-3', true));
    expect(result.current).toMatchObject({ by: 'customer' });
    act(() => vi.advanceTimersByTime(20_000));
    expect(result.current).toBeNull();
    act(() => transport.typing('conv-3', true));
    expect(result.current).toMatchObject({ by: 'customer' });
    act(() => {
      transport.receive('conv-3', { text: 'hi' });
    });
    expect(result.current).toBeNull();
  });

  it("never shows the agent's own typing; another agent's goes out after a few seconds or their message", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = createFakeTransport({ now: () => NOW, conversations: 12 });
    const queryClient = testClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <PagedeskProvider transport={transport} queryClient={queryClient} now={() => NOW} agentId="agent-1">
        {children}
      </PagedeskProvider>
    );
    const { result } = renderHook(() => useTyping('conv-3'), { wrapper });
    // The API echoes the agent's own notice back: it is not the customer typing.
    act(() => transport.typing('conv-3', true, 'agent-1'));
    expect(result.current).toBeNull();
    act(() => transport.typing('conv-3', true, 'agent-2'));
    expect(result.current).toMatchObject({ by: 'agent', agentId: 'agent-2' });
    act(() => vi.advanceTimersByTime(8_000));
    expect(result.current).toBeNull();
    act(() => transport.typing('conv-3', true, 'agent-2'));
    await act(() => transport.sendMessage('conv-3', { text: 'On it', agentId: 'agent-2' }));
    expect(result.current).toBeNull();
  });

  it('useConversation follows live updates', async () => {
    const { transport, wrapper } = setup();
    const { result } = renderHook(() => useConversation('conv-4'), { wrapper });
    await waitFor(() => expect(result.current.data?.id).toBe('conv-4'));
    act(() => {
      transport.receive('conv-4', { text: 'ping' });
    });
    await waitFor(() => expect(result.current.data?.preview).toBe('ping'));
  });
});

function Probe() {
  const { data } = useChannels();
  return <p>{data?.length ?? 'loading'}</p>;
}

describe('rendering outside hooks', () => {
  it('renders the provider with a host QueryClient and shares its cache', async () => {
    const { transport } = setup();
    const queryClient = testClient();
    const view = render(
      <PagedeskProvider transport={transport} queryClient={queryClient}>
        <Probe />
      </PagedeskProvider>,
    );
    await view.findByText('2');
    expect(queryClient.getQueryData(pagedeskKeys.channels())).toHaveLength(2);
  });
});

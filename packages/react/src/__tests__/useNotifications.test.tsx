import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeTransport, type FakeTransport } from '../fakeTransport.js';
import { PagedeskProvider } from '../PagedeskProvider.js';
import { type UseNotificationsOptions, useNotifications } from '../useNotifications.js';
import { NOW, testClient } from './helpers.js';

// jsdom has no Notification API: a stand-in that records what the hook shows and asks.
const shown: Array<{ title: string; options: NotificationOptions | undefined; instance: FakeNotification }> =
  [];
class FakeNotification {
  static permission: NotificationPermission = 'default';
  static requestPermission = vi.fn(async () => {
    FakeNotification.permission = 'granted';
    return 'granted' as const;
  });
  onclick: (() => void) | null = null;
  close = vi.fn();
  constructor(title: string, options?: NotificationOptions) {
    shown.push({ title, options, instance: this });
  }
}

beforeEach(() => {
  shown.length = 0;
  FakeNotification.permission = 'default';
  FakeNotification.requestPermission.mockClear();
  vi.stubGlobal('Notification', FakeNotification);
  document.title = 'Acme Helpdesk';
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function setup(options: UseNotificationsOptions = {}) {
  const transport = createFakeTransport({ now: () => NOW, conversations: 10 });
  for (const c of transport.data.conversations) c.unreadCount = 0;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <PagedeskProvider transport={transport} queryClient={testClient()} now={() => NOW} agentId="agent-1">
      {children}
    </PagedeskProvider>
  );
  const hook = renderHook((props: UseNotificationsOptions) => useNotifications(props), {
    wrapper,
    initialProps: options,
  });
  return { transport, ...hook };
}

const first = (transport: FakeTransport) => transport.data.conversations[0]!;

describe('useNotifications', () => {
  it('asks for permission only when called, then notifies about customer messages with their name', async () => {
    const onClick = vi.fn();
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => {});
    const { transport, result } = setup({ when: 'always', onClick });
    expect(result.current.permission).toBe('default');
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
    // Before permission: nothing is shown.
    act(() => void transport.receive(first(transport).id, { text: 'Too early' }));
    expect(shown).toHaveLength(0);
    await act(() => result.current.requestPermission());
    expect(result.current.permission).toBe('granted');

    const conversation = first(transport);
    act(() => void transport.receive(conversation.id, { text: 'Where is my order?' }));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toBe(`New message from ${conversation.customer.name}`);
    expect(shown[0]!.options).toMatchObject({
      body: 'Where is my order?',
      tag: `pagedesk:${conversation.id}`,
    });
    shown[0]!.instance.onclick?.();
    expect(focus).toHaveBeenCalled();
    expect(onClick).toHaveBeenCalledWith(conversation.id);
    expect(shown[0]!.instance.close).toHaveBeenCalled();
  });

  it("never notifies for the agents' own replies, standby, imported history or muted conversations", async () => {
    FakeNotification.permission = 'granted';
    const { transport, rerender } = setup({ when: 'always' });
    const [a, b] = transport.data.conversations as [
      (typeof transport.data.conversations)[0],
      (typeof transport.data.conversations)[0],
    ];
    await act(() => transport.sendMessage(a.id, { text: 'Our reply' }));
    const inbound = transport.receive(a.id, { text: 'seed' });
    shown.length = 0;
    act(() => {
      transport.emit({ type: 'message:created', message: { ...inbound, id: 'standby-1', standby: true } });
      transport.emit({ type: 'message:created', message: { ...inbound, id: 'imported-1', imported: true } });
    });
    expect(shown).toHaveLength(0);
    rerender({ when: 'always', muted: [b.id] });
    act(() => void transport.receive(b.id, { text: 'muted' }));
    expect(shown).toHaveLength(0);
    rerender({ when: 'always', muted: (id) => id === a.id });
    act(() => void transport.receive(b.id, { text: 'not muted any more' }));
    expect(shown.map((s) => s.options?.body)).toEqual(['not muted any more']);
  });

  it('by default notifies only while the tab is in the background, or as `when` decides', async () => {
    FakeNotification.permission = 'granted';
    const hasFocus = vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    const { transport, rerender } = setup();
    const conversation = first(transport);
    act(() => void transport.receive(conversation.id, { text: 'seen in the open tab' }));
    expect(shown).toHaveLength(0);
    hasFocus.mockReturnValue(false);
    act(() => void transport.receive(conversation.id, { text: 'while away' }));
    expect(shown.map((s) => s.options?.body)).toEqual(['while away']);
    rerender({ when: (message) => message.text?.includes('urgent') ?? false });
    act(() => void transport.receive(conversation.id, { text: 'not that' }));
    act(() => void transport.receive(conversation.id, { text: 'urgent: refund' }));
    expect(shown.map((s) => s.options?.body)).toEqual(['while away', 'urgent: refund']);
    rerender({ when: 'never' });
    act(() => void transport.receive(conversation.id, { text: 'urgent again' }));
    expect(shown).toHaveLength(2);
  });

  it('plays the sound with a notification', async () => {
    FakeNotification.permission = 'granted';
    const play = vi.fn(async () => {});
    const sources: string[] = [];
    vi.stubGlobal(
      'Audio',
      class {
        constructor(src: string) {
          sources.push(src);
        }
        play = play;
      },
    );
    const { transport } = setup({ when: 'always', sound: '/ping.mp3' });
    act(() => void transport.receive(first(transport).id, { text: 'ding' }));
    expect(sources).toEqual(['/ping.mp3']);
    expect(play).toHaveBeenCalledTimes(1);
  });

  it('counts unread messages of unmuted conversations in the title, and gives the title back', async () => {
    const { transport, result, rerender, unmount } = setup({});
    const [a, b] = transport.data.conversations as [
      (typeof transport.data.conversations)[0],
      (typeof transport.data.conversations)[0],
    ];
    await waitFor(() => expect(result.current.unread).toBe(0));
    expect(document.title).toBe('Acme Helpdesk');
    act(() => {
      transport.receive(a.id, { text: 'one' });
      transport.receive(a.id, { text: 'two' });
      transport.receive(b.id, { text: 'three' });
    });
    await waitFor(() => expect(document.title).toBe('(3) Acme Helpdesk'));
    rerender({ muted: [a.id] });
    await waitFor(() => expect(document.title).toBe('(1) Acme Helpdesk'));
    unmount();
    expect(document.title).toBe('Acme Helpdesk');
  });

  it('reports a browser without the Notification API', async () => {
    vi.stubGlobal('Notification', undefined);
    // `'Notification' in window` stays true for an undefined global: delete it for this test.
    delete (window as { Notification?: unknown }).Notification;
    const { result } = setup({ when: 'always' });
    expect(result.current.permission).toBe('unsupported');
    expect(await result.current.requestPermission()).toBe('unsupported');
  });
});

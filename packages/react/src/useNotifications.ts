'use client';

import type { Message } from '@pagedesk/core';
import { customerDisplayName } from '@pagedesk/core/rules';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { usePagedeskContext } from './context.js';
import { findConversation } from './liveCache.js';
import { useConversations } from './useConversations.js';

/** Whether the tab is in the background: hidden, or visible without focus (another window in front). */
function inBackground(): boolean {
  return document.visibilityState === 'hidden' || !document.hasFocus();
}

/** Options of {@link useNotifications}. */
export interface UseNotificationsOptions {
  /**
   * When a new customer message notifies: `'background'` (default) while the tab is hidden or not
   * focused, `'always'`, `'never'`, or a function deciding per message.
   */
  when?: 'background' | 'always' | 'never' | ((message: Message) => boolean);
  /** Conversations that never notify nor count: their ids, or a function. */
  muted?: ReadonlyArray<string> | ((conversationId: string) => boolean);
  /** A sound to play with each notification (a URL the page may load). Off by default. */
  sound?: string;
  /** Prefix `document.title` with the unread count, "(3) Inbox". Default true. */
  title?: boolean;
  /** Called when the agent clicks a notification (the tab is focused first): open that conversation. */
  onClick?: (conversationId: string) => void;
}

/** What {@link useNotifications} returns. */
export interface UseNotificationsResult {
  /** The browser's answer so far; `unsupported` where there is no Notification API. */
  permission: NotificationPermission | 'unsupported';
  /** Asks the browser for permission: call it from a click (browsers ignore it otherwise). */
  requestPermission: () => Promise<NotificationPermission | 'unsupported'>;
  /** Unread customer messages in conversations that are not muted (the title's count). */
  unread: number;
}

const isMuted = (muted: UseNotificationsOptions['muted'], conversationId: string): boolean =>
  typeof muted === 'function' ? muted(conversationId) : (muted?.includes(conversationId) ?? false);
const withoutCount = (title: string) => title.replace(/^\(\d+\+?\) /, '');
const supported = () => typeof window !== 'undefined' && 'Notification' in window;

/**
 * Tells the agent about new customer messages while they work elsewhere: a browser notification per
 * message (never for agents' own messages, imported history, standby messages a bot is answering, or
 * muted conversations), an unread count in the document title, and an optional sound. Works off the
 * provider's live stream. Permission is asked only through `requestPermission`, from a user action.
 *
 * @example
 * const notifications = useNotifications({ onClick: setSelected, sound: '/ping.mp3' });
 * notifications.permission === 'default' && (
 *   <button onClick={notifications.requestPermission}>Enable notifications</button>
 * );
 */
export function useNotifications(options: UseNotificationsOptions = {}): UseNotificationsResult {
  const { live, messages: t } = usePagedeskContext('useNotifications');
  const client = useQueryClient();
  const [permission, setPermission] = useState<UseNotificationsResult['permission']>(() =>
    supported() ? Notification.permission : 'unsupported',
  );
  // The latest options, read when an event arrives: callers pass a fresh object each render.
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });

  useEffect(
    () =>
      live.subscribe((event) => {
        if (event.type !== 'message:created') return;
        const { message } = event;
        if (message.direction !== 'inbound' || message.imported || message.standby) return;
        const { when = 'background', sound, onClick, muted } = latest.current;
        if (isMuted(muted, message.conversationId)) return;
        const wanted =
          typeof when === 'function'
            ? when(message)
            : when === 'always' || (when === 'background' && inBackground());
        if (!wanted || !supported() || Notification.permission !== 'granted') return;
        const conversation = findConversation(client, message.conversationId);
        const name = (conversation && customerDisplayName(conversation.customer)) ?? t.list.unknownCustomer;
        const notification = new Notification(t.notifications.newMessage(name), {
          body: message.text ?? t.notifications.attachment,
          // One notification per conversation: a newer message replaces the older one.
          tag: `pagedesk:${message.conversationId}`,
        });
        notification.onclick = () => {
          window.focus();
          onClick?.(message.conversationId);
          notification.close();
        };
        if (sound) void new Audio(sound).play().catch(() => {});
      }),
    [live, client, t],
  );

  const { conversations, hasMore } = useConversations({ unread: true });
  const unread = conversations.reduce(
    (sum, c) => (isMuted(options.muted, c.id) ? sum : sum + c.unreadCount),
    0,
  );
  const showTitle = options.title !== false;
  useEffect(() => {
    if (!showTitle) return;
    // The host's own title is what follows our "(n) " prefix, so its own changes are kept.
    const base = withoutCount(document.title);
    document.title = unread > 0 ? `(${unread}${hasMore ? '+' : ''}) ${base}` : base;
  }, [unread, hasMore, showTitle]);
  useEffect(
    () => () => {
      document.title = withoutCount(document.title);
    },
    [],
  );

  const requestPermission = useCallback(async () => {
    if (!supported()) return 'unsupported' as const;
    const answer = await Notification.requestPermission();
    setPermission(answer);
    return answer;
  }, []);
  return { permission, requestPermission, unread };
}

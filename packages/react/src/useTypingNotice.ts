'use client';

import { useCallback, useEffect, useMemo, useRef } from 'react';
import { usePagedeskContext } from './context.js';

/** Typing notices are sent at most this often while the agent types (Meta clears them after 20 s). */
const TYPING_THROTTLE_MS = 5_000;
/** The notice is taken back after this long without a keystroke, so it never outlives the typing. */
export const TYPING_IDLE_MS = 5_000;

/**
 * The agent's typing notices for one conversation: `typed()` on each keystroke (throttled), taken
 * back after a pause or when the composer goes away; `sent()` after a send (a message ends the
 * indicator on Meta's side, so nothing is sent then). Best effort: a lost notice never disturbs the agent.
 */
export function useTypingNotice(conversationId: string): { typed: () => void; sent: () => void } {
  const { transport, now } = usePagedeskContext('useTypingNotice');
  const last = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const off = useCallback(() => {
    clearTimeout(idle.current);
    idle.current = undefined;
    if (last.current === 0) return;
    last.current = 0;
    transport.setTyping(conversationId, false).catch(() => {});
  }, [transport, conversationId]);
  useEffect(() => off, [off]);
  return useMemo(
    () => ({
      typed() {
        clearTimeout(idle.current);
        idle.current = setTimeout(off, TYPING_IDLE_MS);
        const at = now();
        if (last.current !== 0 && at - last.current < TYPING_THROTTLE_MS) return;
        last.current = at;
        transport.setTyping(conversationId, true).catch(() => {});
      },
      sent() {
        clearTimeout(idle.current);
        idle.current = undefined;
        last.current = 0;
      },
    }),
    [transport, conversationId, now, off],
  );
}

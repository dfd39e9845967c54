'use client';

import { type SetStateAction, useEffect, useState } from 'react';
import { usePagedeskContext } from './context.js';
import { loadDraft, saveDraft } from './persist.js';

/**
 * The composer's text for one conversation, kept per conversation (and agent) in this browser, so
 * switching conversations or reloading never loses what the agent was writing.
 */
export function useDraft(conversationId: string): [string, (next: SetStateAction<string>) => void] {
  const { agentId } = usePagedeskContext('useDraft');
  const [draft, setDraft] = useState(() => ({ conversationId, text: loadDraft(agentId, conversationId) }));
  // Another conversation in the same composer: its own draft, read during render (no flash of the old one).
  const current =
    draft.conversationId === conversationId
      ? draft
      : { conversationId, text: loadDraft(agentId, conversationId) };
  if (current !== draft) setDraft(current);
  useEffect(() => saveDraft(agentId, current.conversationId, current.text), [agentId, current]);
  const setText = (next: SetStateAction<string>) =>
    setDraft((d) => ({ ...d, text: typeof next === 'function' ? next(d.text) : next }));
  return [current.text, setText];
}

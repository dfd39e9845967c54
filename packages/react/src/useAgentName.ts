'use client';

import { usePagedeskContext } from './context.js';
import { useAgents } from './useChannels.js';

/** How an agent named in a record reads: "You" for the signed-in agent, else their name, else the id. */
export function useAgentName(agentId: string | undefined): string | undefined {
  const { data: agents } = useAgents();
  const { agentId: me, messages: t } = usePagedeskContext('useAgentName');
  if (agentId === undefined) return undefined;
  if (agentId === me) return t.messages.you;
  return agents?.find((a) => a.id === agentId)?.name ?? agentId;
}

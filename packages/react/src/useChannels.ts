'use client';

import type {
  Agent,
  Channel,
  ChannelAction,
  ChannelSettings,
  ConnectablePage,
  PagedeskError,
} from '@pagedesk/core';
import { type UseQueryResult, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { usePagedeskContext } from './context.js';
import { pagedeskKeys } from './queryKeys.js';

function useWriteChannel() {
  const client = useQueryClient();
  return (channel: Channel) =>
    client.setQueryData<Channel[]>(pagedeskKeys.channels(), (channels) =>
      channels?.some((c) => c.id === channel.id)
        ? channels.map((c) => (c.id === channel.id ? channel : c))
        : [...(channels ?? []), channel],
    );
}

/**
 * The connected channels (pages and Instagram accounts) with their status, kept current live.
 *
 * @example
 * const { data: channels = [] } = useChannels();
 */
export function useChannels(): UseQueryResult<Channel[], PagedeskError> {
  const { transport } = usePagedeskContext('useChannels');
  return useQuery<Channel[], PagedeskError>({
    queryKey: pagedeskKeys.channels(),
    queryFn: () => transport.listChannels(),
  });
}

/**
 * Runs a channel action (deactivate, activate, disconnect, resubscribe, check, reauthorize).
 *
 * @example
 * const action = useChannelAction();
 * action.mutate({ channelId, action: { action: 'deactivate' } });
 */
export function useChannelAction() {
  const { transport } = usePagedeskContext('useChannelAction');
  const write = useWriteChannel();
  return useMutation<Channel, PagedeskError, { channelId: string; action: ChannelAction }>({
    mutationFn: ({ channelId, action }) => transport.channelAction(channelId, action),
    onSuccess: write,
  });
}

/**
 * Saves part of a channel's preferences.
 *
 * @example
 * useUpdateChannelSettings().mutate({ channelId, settings: { humanAgent: false } });
 */
export function useUpdateChannelSettings() {
  const { transport } = usePagedeskContext('useUpdateChannelSettings');
  const write = useWriteChannel();
  return useMutation<Channel, PagedeskError, { channelId: string; settings: Partial<ChannelSettings> }>({
    mutationFn: ({ channelId, settings }) => transport.updateChannelSettings(channelId, settings),
    onSuccess: write,
  });
}

/**
 * The pages a Facebook user administers, for the connect picker. The host runs Facebook Login and
 * passes the user access token; it is sent to the host's backend only.
 */
export function useConnectablePages(
  userAccessToken: string | undefined,
): UseQueryResult<ConnectablePage[], PagedeskError> {
  const { transport } = usePagedeskContext('useConnectablePages');
  return useQuery<ConnectablePage[], PagedeskError>({
    // The token itself never goes into the cache key (keys are visible in devtools).
    queryKey: [...pagedeskKeys.all, 'connectable', userAccessToken ? userAccessToken.length : 0],
    queryFn: () => transport.listConnectablePages(userAccessToken as string),
    enabled: Boolean(userAccessToken),
    staleTime: 0,
    gcTime: 0,
  });
}

/** Connects the chosen pages and adds them to the channel list. */
export function useConnectPages() {
  const { transport } = usePagedeskContext('useConnectPages');
  const write = useWriteChannel();
  return useMutation<Channel[], PagedeskError, { userAccessToken: string; pageIds: string[] }>({
    mutationFn: ({ userAccessToken, pageIds }) => transport.connectPages(userAccessToken, pageIds),
    onSuccess: (channels) => {
      for (const channel of channels) write(channel);
    },
  });
}

/** The agents of the helpdesk, for assignee pickers. */
export function useAgents(): UseQueryResult<Agent[], PagedeskError> {
  const { transport } = usePagedeskContext('useAgents');
  return useQuery<Agent[], PagedeskError>({
    queryKey: pagedeskKeys.agents(),
    queryFn: () => transport.listAgents(),
    staleTime: 5 * 60_000,
  });
}

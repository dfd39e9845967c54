import {
  agentSchema,
  type Channel,
  channelActionSchema,
  channelSettingsSchema,
  PagedeskError,
} from '@pagedesk/core';
import type { Channels, ConnectOptions } from '@pagedesk/core/server';
import * as z from 'zod/mini';
import { parseWith, readJson } from './http.js';
import { requireAdmin } from './principal.js';
import {
  definedOnly,
  type Handler,
  type Handlers,
  idOf,
  json,
  type RouteDeps,
  requireChannels,
} from './routes.js';

// Channels, connecting pages and the agent directory. Changing a channel or connecting a page needs an
// admin; the visibility check comes first, so another organisation's channel answers 404, not 403.

const settingsPatchSchema = z.partial(channelSettingsSchema);
const userTokenSchema = z.string().check(z.minLength(1));
const connectablePagesSchema = z.object({ userAccessToken: userTokenSchema });
const connectSchema = z.object({
  userAccessToken: userTokenSchema,
  pageIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(100)),
});
const agentsSchema = z.array(agentSchema);

/** The routes of channels, connecting and agents. */
export function channelRoutes(deps: RouteDeps) {
  const { maxBodyBytes } = deps;
  // Pages are listed and connected for the principal's organisation, never one the browser names.
  const organizationOf = ({ organizationId }: { organizationId?: string }): ConnectOptions =>
    organizationId === undefined ? {} : { organizationId };
  /** A change to one channel: visible (404), then admin (403), then channels (501), then the body (400). */
  const adminChannelRoute = (
    what: string,
    change: (channelId: string, body: unknown, manage: Channels) => Promise<Channel>,
  ): Handler => ({
    access: 'write',
    async run({ request, params, access }) {
      const channelId = idOf({ params });
      await access.channel(channelId);
      requireAdmin(access.principal, what);
      const manage = requireChannels(deps, what);
      return json(await change(channelId, await readJson(request, maxBodyBytes), manage));
    },
  });
  return {
    listChannels: {
      access: 'read',
      run: async ({ access }) => json(await access.visibleChannels()),
    },
    updateChannelSettings: adminChannelRoute('Changing channel settings', async (channelId, body, manage) =>
      manage.updateSettings(channelId, definedOnly(parseWith(settingsPatchSchema, body, 'channel settings'))),
    ),
    channelAction: adminChannelRoute('Channel actions', async (channelId, body, manage) =>
      manage.action(channelId, parseWith(channelActionSchema, body, 'channel action')),
    ),
    listConnectablePages: {
      access: 'write',
      async run({ request, access }) {
        requireAdmin(access.principal, 'Connecting pages');
        const manage = requireChannels(deps, 'Connecting pages');
        const { userAccessToken } = parseWith(
          connectablePagesSchema,
          await readJson(request, maxBodyBytes),
          'connect request',
        );
        return json(await manage.listConnectablePages(userAccessToken, organizationOf(access.principal)));
      },
    },
    connectPages: {
      access: 'write',
      async run({ request, access }) {
        requireAdmin(access.principal, 'Connecting pages');
        const manage = requireChannels(deps, 'Connecting pages');
        const { userAccessToken, pageIds } = parseWith(
          connectSchema,
          await readJson(request, maxBodyBytes),
          'connect request',
        );
        return json(await manage.connect(userAccessToken, pageIds, organizationOf(access.principal)));
      },
    },
    listAgents: {
      access: 'read',
      async run({ access }) {
        if (!deps.options.agents) return json([]);
        const agents = await deps.options.agents(access.principal);
        try {
          return json(parseWith(agentsSchema, agents, 'agents() result'));
        } catch (error) {
          // The host's directory returned something else: that is a server bug, not the browser's.
          throw new PagedeskError('internal', (error as Error).message, { cause: error });
        }
      },
    },
  } satisfies Partial<Handlers>;
}

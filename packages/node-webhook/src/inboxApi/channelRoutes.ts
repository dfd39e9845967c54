import {
  agentSchema,
  type Channel,
  channelActionSchema,
  channelSettingsSchema,
  PagedeskError,
  parseOrThrow,
  ValidationError,
} from '@pagedesk/core';
import type { Channels, ConnectOptions } from '@pagedesk/core/server';
import * as z from 'zod/mini';
import { readJson } from './http.js';
import { type InboxPrincipal, requireAdmin } from './principal.js';
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
  /**
   * The user token to connect with: what the browser sent, or, when the host keeps Facebook Login's
   * token on its server (`userToken`), the token its session grant stands for.
   */
  const userTokenOf = async (principal: InboxPrincipal, presented: string): Promise<string> => {
    const resolve = deps.options.userToken;
    if (!resolve) return presented;
    const token = await resolve(principal, presented);
    if (typeof token === 'string' && token.length > 0) return token;
    throw new ValidationError('connect request', [
      {
        path: 'userAccessToken',
        message:
          'is not a Facebook Login grant of this session (it expired or was never issued): log in with Facebook again',
      },
    ]);
  };
  /** A change to one channel: visible (404), then admin (403), then channels (501), then the body (400). */
  const adminChannelRoute = (
    what: string,
    change: (
      channelId: string,
      body: unknown,
      manage: Channels,
      principal: InboxPrincipal,
    ) => Promise<Channel>,
  ): Handler => ({
    access: 'write',
    async run({ request, params, access }) {
      const channelId = idOf({ params });
      await access.channel(channelId);
      requireAdmin(access.principal, what);
      const manage = requireChannels(deps, what);
      return json(await change(channelId, await readJson(request, maxBodyBytes), manage, access.principal));
    },
  });
  return {
    listChannels: {
      access: 'read',
      run: async ({ access }) => json(await access.visibleChannels()),
    },
    updateChannelSettings: adminChannelRoute('Changing channel settings', async (channelId, body, manage) =>
      manage.updateSettings(
        channelId,
        definedOnly(parseOrThrow(settingsPatchSchema, body, 'channel settings')),
      ),
    ),
    channelAction: adminChannelRoute('Channel actions', async (channelId, body, manage, principal) => {
      const action = parseOrThrow(channelActionSchema, body, 'channel action');
      return manage.action(
        channelId,
        action.action === 'reauthorize'
          ? { ...action, userAccessToken: await userTokenOf(principal, action.userAccessToken) }
          : action,
      );
    }),
    listConnectablePages: {
      access: 'write',
      async run({ request, access }) {
        requireAdmin(access.principal, 'Connecting pages');
        const manage = requireChannels(deps, 'Connecting pages');
        const { userAccessToken } = parseOrThrow(
          connectablePagesSchema,
          await readJson(request, maxBodyBytes),
          'connect request',
        );
        return json(
          await manage.listConnectablePages(
            await userTokenOf(access.principal, userAccessToken),
            organizationOf(access.principal),
          ),
        );
      },
    },
    connectPages: {
      access: 'write',
      async run({ request, access }) {
        requireAdmin(access.principal, 'Connecting pages');
        const manage = requireChannels(deps, 'Connecting pages');
        const { userAccessToken, pageIds } = parseOrThrow(
          connectSchema,
          await readJson(request, maxBodyBytes),
          'connect request',
        );
        return json(
          await manage.connect(
            await userTokenOf(access.principal, userAccessToken),
            pageIds,
            organizationOf(access.principal),
          ),
        );
      },
    },
    listAgents: {
      access: 'read',
      async run({ access }) {
        if (!deps.options.agents) return json([]);
        const agents = await deps.options.agents(access.principal);
        try {
          return json(parseOrThrow(agentsSchema, agents, 'agents() result'));
        } catch (error) {
          // The host's directory returned something else: that is a server bug, not the browser's.
          throw new PagedeskError('internal', (error as Error).message, { cause: error });
        }
      },
    },
  } satisfies Partial<Handlers>;
}

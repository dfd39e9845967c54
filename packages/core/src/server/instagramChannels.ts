import * as z from 'zod/mini';
import { TokenError, ValidationError } from '../errors.js';
import { defaultChannelSettings } from '../inbox.js';
import { type Channel, organizationIdSchema } from '../model.js';
import { parseOrThrow } from '../parseOrThrow.js';
import type { ChannelContext, StatusPatch } from './channelContext.js';
import type { ChannelCheck, ConnectInstagramInput } from './channels.types.js';
import { ChannelConflictError, holderOf } from './connect.js';
import { INSTAGRAM_TOKEN_LIFETIME_MS, instagramRequester, refreshInstagramToken } from './instagramTokens.js';
import { missingWebhookFields } from './pageRequirements.js';

// Channels of Instagram accounts on Instagram Login: connected with the account's own token, served
// by graph.instagram.com (the Graph client of an app listed with `login: 'instagram'`), and kept alive
// by `check`, which refreshes the 60-day token before it runs out
// (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login).

const DAY = 86_400_000;

/** Webhook fields an Instagram Login account is subscribed to. */
export const INSTAGRAM_LOGIN_FIELDS = [
  'messages',
  'messaging_postbacks',
  'messaging_seen',
  'message_reactions',
  'comments',
] as const;

const inputSchema = z.object({
  accessToken: z.string().check(z.minLength(1, 'expected the Instagram user token')),
  expiresAt: z.optional(z.number()),
  organizationId: z.optional(organizationIdSchema),
  appId: z.optional(z.string().check(z.minLength(1))),
});
const meSchema = z.object({
  id: z.string(),
  user_id: z.optional(z.union([z.string(), z.number()])),
  username: z.optional(z.string()),
  name: z.optional(z.string()),
  profile_picture_url: z.optional(z.string()),
});

/** `channels.connectInstagram`. */
export function createInstagramConnect(
  ctx: ChannelContext,
  importHistory: (
    channelId: string,
    options?: { conversations?: number; messagesPerConversation?: number },
  ) => Promise<unknown>,
) {
  const { store, inbox, now, options } = ctx;

  function instagramAppId(given: string | undefined): string {
    const appId =
      given ?? Object.entries(options.apps ?? {}).find(([, app]) => app.login === 'instagram')?.[0];
    if (!appId)
      throw new ValidationError('channels options', [
        { path: 'apps', message: "no Instagram Login app configured (list it with login: 'instagram')" },
      ]);
    return appId;
  }

  return async function connectInstagram(input: ConnectInstagramInput): Promise<Channel> {
    const given = parseOrThrow(inputSchema, input, 'connectInstagram');
    const appId = instagramAppId(given.appId);
    const organizationId = given.organizationId ?? options.organizationId;
    const graph = ctx.graphFor({ appId });
    const me = await graph.request({
      method: 'GET',
      path: 'me',
      accessToken: given.accessToken,
      query: { fields: 'user_id,username,name,profile_picture_url' },
      schema: meSchema,
    });
    // `user_id` is the professional account id webhooks carry as `entry.id`; `id` is app-scoped.
    const id = String(me.user_id ?? me.id);
    const { existing, leftover, conflict } = await holderOf(ctx, id, organizationId);
    if (conflict) throw new ChannelConflictError(id, conflict === 'history');
    if (leftover) await inbox.purgeChannel(id);
    const at = now();
    const channel: Channel = {
      id,
      platform: 'instagram',
      login: 'instagram',
      name: me.username ?? me.name ?? id,
      ...(me.profile_picture_url ? { pictureUrl: me.profile_picture_url } : {}),
      appId,
      ...(organizationId === undefined ? {} : { organizationId }),
      status: 'active',
      tokenExpiresAt: given.expiresAt ?? at + INSTAGRAM_TOKEN_LIFETIME_MS,
      dataAccessExpiresAt: null,
      missingPermissions: [],
      settings: existing?.settings ?? { ...defaultChannelSettings, agentIds: [] },
      connectedAt: existing && existing.status !== 'disconnected' ? existing.connectedAt : at,
      updatedAt: at,
    };
    await graph.forPage({ id, accessToken: given.accessToken }).subscribe(INSTAGRAM_LOGIN_FIELDS);
    // `id` is the Instagram user the token belongs to, app-scoped (as `/me` answers it on
    // https://developers.facebook.com/docs/instagram-platform/reference/me): recorded as who connected.
    await store.credentials.put(id, { accessToken: given.accessToken, connectedByUserId: me.id });
    await inbox.updateChannel(channel);
    if (existing && existing.status !== channel.status)
      ctx.emitter.emit('channel:status', { channel, previous: existing.status });
    if (options.historyImport !== false) {
      try {
        await importHistory(id, options.historyImport ?? {});
      } catch (error) {
        ctx.reportError(error, id);
      }
    }
    return channel;
  };
}

/**
 * `check` of an Instagram Login channel: no `debug_token` exists for these tokens, so the expiry is
 * the one recorded at connect or refresh. Within `refreshInstagramWithin` of it (and once the token is
 * a day old, as Meta requires), the token is refreshed; a token Meta refuses flips the channel to
 * `expired` or `revoked`; one that could not be refreshed yet turns `expiring` near its end.
 */
export async function checkInstagramChannel(
  ctx: ChannelContext,
  channel: Channel,
  warnBefore: number,
): Promise<ChannelCheck> {
  const previous = channel.status;
  const settle = async (
    patch: StatusPatch,
    resubscribed = false,
    missingFields: string[] = [],
  ): Promise<ChannelCheck> => ({
    channel: await ctx.setStatus(channel.id, patch),
    previous,
    resubscribed,
    missingFields,
  });
  const credentials = await ctx.store.credentials.get(channel.id);
  if (!credentials)
    return settle({
      status: 'revoked',
      statusReason: 'No access token is stored: log in with Instagram again',
    });
  const at = ctx.now();
  let expiresAt = channel.tokenExpiresAt;
  if (expiresAt !== null && expiresAt <= at)
    return settle({
      status: 'expired',
      statusReason: 'The Instagram token expired: log in with Instagram again',
    });
  let token = credentials.accessToken;
  const within = ctx.options.refreshInstagramWithin ?? 10 * DAY;
  const issuedAt = expiresAt === null ? undefined : expiresAt - INSTAGRAM_TOKEN_LIFETIME_MS;
  if (expiresAt !== null && expiresAt - at <= within && issuedAt !== undefined && at - issuedAt >= DAY) {
    const graph = ctx.graphFor(channel);
    const appSecret = ctx.options.apps?.[channel.appId]?.appSecret ?? '';
    try {
      const fresh = await refreshInstagramToken(
        instagramRequester(graph.baseUrl, appSecret, ctx.options.fetch),
        token,
        at,
      );
      await ctx.store.credentials.put(channel.id, { ...credentials, accessToken: fresh.accessToken });
      token = fresh.accessToken;
      expiresAt = fresh.expiresAt;
    } catch (error) {
      if (error instanceof TokenError) {
        await ctx.onGraphError(channel, error);
        return {
          channel: await ctx.getChannel(channel.id),
          previous,
          resubscribed: false,
          missingFields: [],
        };
      }
      // Meta may refuse for a while (rate limit, outage): the next check tries again.
      ctx.reportError(error, channel.id);
    }
  }
  const page = ctx.graphFor(channel).forPage({ id: channel.id, accessToken: token });
  const apps = await ctx.guarded(channel, () => page.subscribedApps());
  // graph.instagram.com lists the subscriptions of this token's app only, whichever id it reports.
  const ours = apps.find((a) => a.id === channel.appId) ?? apps[0];
  const missingFields = missingWebhookFields(INSTAGRAM_LOGIN_FIELDS, ours?.subscribedFields);
  const subscribed = ours !== undefined && missingFields.length === 0;
  let resubscribed = false;
  if (!subscribed && ctx.options.repairSubscriptions !== false) {
    await ctx.guarded(channel, () => page.subscribe(INSTAGRAM_LOGIN_FIELDS));
    resubscribed = true;
  }
  const base = { tokenExpiresAt: expiresAt, missingPermissions: [] };
  if (!subscribed && !resubscribed)
    return settle(
      {
        ...base,
        status: 'unsubscribed',
        statusReason: `Meta is not sending these webhook fields: ${missingFields.join(', ')}`,
      },
      false,
      missingFields,
    );
  const expiring = expiresAt !== null && expiresAt - at <= warnBefore;
  return settle(
    {
      ...base,
      status: expiring ? 'expiring' : 'active',
      statusReason: expiring ? 'The Instagram token could not be refreshed and expires soon' : undefined,
    },
    resubscribed,
    missingFields,
  );
}

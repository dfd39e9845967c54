import * as z from 'zod/mini';
import { ChannelUnavailableError, NotFoundError, PermissionError } from '../errors.js';
import { type Channel, type ChannelSettings, channelSettingsSchema } from '../model.js';
import { parseOrThrow } from '../parseOrThrow.js';
import type { ChannelPurgeReport } from '../store.js';
import type { ChannelAction } from '../transport.js';
import { type ChannelContext, type StatusPatch, TOKEN_REASON_TEXT } from './channelContext.js';
import type { ChannelCheck } from './channels.types.js';
import { tokenReason } from './graphErrors.js';
import { checkInstagramChannel } from './instagramChannels.js';
import { memberOf, nodeFields, releaseNode, subscribeNode } from './nodeSubscriptions.js';
import { adminPages, candidateGraph, candidatesOf, missingTask, storeToken } from './pageAccounts.js';
import { missingScopes, missingWebhookFields, webhookFieldsFor } from './pageRequirements.js';

// A connected channel's life: `check` reads the token (debug_token) and the webhook subscription and
// moves the status (`active`, `expiring`, `expired`, `revoked`, `missing_permissions`, `unsubscribed`);
// the admin's actions pause, re-activate, disconnect, re-subscribe and reauthorize. Every change goes
// through `setStatus`, so the inbox pushes it live and `channel:status` is emitted.

const DAY = 24 * 60 * 60 * 1000;

const settingsPatchSchema = z.partial(channelSettingsSchema);

/** `check`, the admin's channel actions and the settings of `createChannels`. */
export function createChannelLifecycle(ctx: ChannelContext) {
  const { store, inbox, now } = ctx;

  /** The channel after a fresh check, when its app can inspect tokens; as stored otherwise. */
  async function checked(channel: Channel): Promise<Channel> {
    if (ctx.graphFor(channel).appId) return (await check(channel.id)).channel;
    return ctx.getChannel(channel.id);
  }

  async function check(channelId: string, checkOptions: { warnBefore?: number } = {}): Promise<ChannelCheck> {
    const channel = await ctx.getChannel(channelId);
    const previous = channel.status;
    const settle = async (patch: StatusPatch): Promise<ChannelCheck> => ({
      channel: await ctx.setStatus(channel.id, patch),
      previous,
      resubscribed: false,
      missingFields: [],
    });
    // An admin's pause, a disconnection and Meta's block are not the token's business.
    if (channel.status === 'deactivated' || channel.status === 'disconnected' || channel.status === 'blocked')
      return { channel, previous, resubscribed: false, missingFields: [] };
    if (channel.login === 'instagram')
      return checkInstagramChannel(
        ctx,
        channel,
        checkOptions.warnBefore ?? ctx.options.warnBefore ?? 7 * DAY,
      );
    const credentials = await store.credentials.get(channel.id);
    if (!credentials) {
      return settle({ status: 'revoked', statusReason: 'No access token is stored: reconnect the page' });
    }
    const graph = ctx.graphFor(channel);
    const info = await graph.debugToken(credentials.accessToken);
    const at = now();
    const expiresAt = info.expiresAt;
    const dataAccessExpiresAt = info.dataAccessExpiresAt;
    const base = { tokenExpiresAt: expiresAt, dataAccessExpiresAt };
    if (!info.isValid) {
      const subcode = info.error?.subcode;
      const expired = subcode === 463 || (expiresAt !== null && expiresAt <= at);
      // The same subcode table as a 190 seen while sending (graphErrors.ts), so both paths agree.
      return settle({
        ...base,
        status: expired ? 'expired' : 'revoked',
        statusReason: TOKEN_REASON_TEXT[expired ? 'expired' : tokenReason(subcode)],
      });
    }
    const ends = [expiresAt, dataAccessExpiresAt].filter((t): t is number => t !== null);
    const endsAt = ends.length > 0 ? Math.min(...ends) : null;
    if (endsAt !== null && endsAt <= at) {
      return settle({
        ...base,
        status: 'expired',
        statusReason:
          endsAt === dataAccessExpiresAt
            ? 'Data access expired: the admin has to log in again'
            : TOKEN_REASON_TEXT.expired,
      });
    }
    const missing = missingScopes(
      channel,
      info.scopes,
      info.granularScopes,
      credentials.pageId ?? channel.id,
    );
    if (missing.length > 0) {
      return settle({
        ...base,
        status: 'missing_permissions',
        missingPermissions: missing,
        statusReason: `Permission removed: ${missing.join(', ')}`,
      });
    }
    const page = await ctx.pageGraph(channel);
    let resubscribed = false;
    const apps = await ctx.guarded(channel, () => page.subscribedApps());
    const ours = apps.find((a) => a.id === channel.appId);
    // Every field the host needs, not only `messages`: without `message_echoes` replies sent from
    // other tools never appear, without `messaging_postbacks` button taps are lost. The record is
    // shared with a linked Instagram account (or its Page), so their fields count too.
    const member = memberOf(channel, credentials);
    const missingFields = missingWebhookFields(await nodeFields(ctx, member), ours?.subscribedFields);
    const own = new Set(webhookFieldsFor(channel.platform, ctx.options.webhookFields));
    const ownMissing = missingFields.filter((field) => own.has(field));
    if (ownMissing.length > 0)
      await ctx.setStatus(channel.id, {
        ...base,
        missingPermissions: [],
        status: 'unsubscribed',
        statusReason: ours
          ? `Webhook fields missing: ${ownMissing.join(', ')}`
          : 'Meta stopped sending this page’s webhooks',
      });
    if (missingFields.length > 0 && ctx.options.repairSubscriptions !== false) {
      await ctx.guarded(channel, () => subscribeNode(ctx, page, member));
      resubscribed = true;
    } else if (ownMissing.length > 0)
      return { channel: await ctx.getChannel(channel.id), previous, resubscribed, missingFields };
    const warn = checkOptions.warnBefore ?? ctx.options.warnBefore ?? 7 * DAY;
    const expiring = endsAt !== null && endsAt - at <= warn;
    const saved = await ctx.setStatus(channel.id, {
      ...base,
      missingPermissions: [],
      status: expiring ? 'expiring' : 'active',
      ...(expiring
        ? {
            statusReason:
              endsAt === dataAccessExpiresAt
                ? 'Data access expires soon: the admin has to log in again'
                : 'The access token expires soon: reauthorize the page',
          }
        : { statusReason: undefined }),
    });
    return { channel: saved, previous, resubscribed, missingFields };
  }

  async function reauthorize(channelId: string, userAccessToken: string): Promise<Channel> {
    const channel = await ctx.getChannel(channelId);
    if (channel.status === 'disconnected')
      throw new ChannelUnavailableError(channel.id, channel.status, 'connect the page again instead');
    const { pages, userId: connectedBy } = await adminPages(ctx, userAccessToken, channel.appId);
    const candidate = candidatesOf(pages).find((c) => c.id === channel.id);
    if (!candidate?.accessToken)
      throw new NotFoundError('Page among the pages this user administers', channel.id);
    const reason = missingTask(candidate.tasks);
    if (reason) throw new PermissionError(`${candidate.name}: ${reason}`);
    // The admin who reauthorized now holds the connection: a deauthorize callback names them.
    await storeToken(ctx, channel, candidate, connectedBy);
    await subscribeNode(ctx, candidateGraph(ctx, channel, candidate), memberOf(channel, candidate));
    // A deactivated channel stays paused: reauthorizing fixes the token, not the admin's choice.
    if (channel.status === 'deactivated') return channel;
    await ctx.setStatus(channel.id, { status: 'active', statusReason: undefined, missingPermissions: [] });
    return checked(channel);
  }

  async function resubscribe(channelId: string): Promise<Channel> {
    const channel = await ctx.getChannel(channelId);
    ctx.assertSendable(channel);
    const page = await ctx.pageGraph(channel);
    const credentials = await store.credentials.get(channel.id);
    await ctx.guarded(channel, () =>
      channel.login === 'instagram' || !credentials
        ? page.subscribe(webhookFieldsFor(channel.platform, ctx.options.webhookFields))
        : subscribeNode(ctx, page, memberOf(channel, credentials)),
    );
    if (channel.status === 'unsubscribed')
      return ctx.setStatus(channel.id, { status: 'active', statusReason: undefined });
    return channel;
  }

  async function action(channelId: string, input: ChannelAction): Promise<Channel> {
    const a = parseOrThrow(
      z.union([
        z.object({ action: z.enum(['deactivate', 'activate', 'disconnect', 'resubscribe', 'check']) }),
        z.object({ action: z.literal('reauthorize'), userAccessToken: z.string().check(z.minLength(1)) }),
      ]),
      input,
      'channel action',
    );
    const channel = await ctx.getChannel(channelId);
    switch (a.action) {
      case 'deactivate':
        return ctx.setStatus(channel.id, { status: 'deactivated', statusReason: 'Paused by an admin' });
      case 'activate': {
        if (channel.status === 'disconnected')
          throw new ChannelUnavailableError(channel.id, channel.status, 'connect the page again instead');
        if (channel.status !== 'deactivated') return channel;
        await ctx.setStatus(channel.id, { status: 'active', statusReason: undefined });
        return checked(channel);
      }
      case 'disconnect': {
        if (channel.status === 'disconnected') return channel;
        const credentials = await store.credentials.get(channel.id);
        const leave = async () => {
          if (credentials) await store.credentials.delete(channel.id);
          return ctx.setStatus(channel.id, {
            status: 'disconnected',
            statusReason: 'Disconnected: history is kept read-only',
          });
        };
        if (!credentials) return leave();
        let page: Awaited<ReturnType<typeof ctx.pageGraph>> | undefined;
        try {
          page = await ctx.pageGraph(channel);
        } catch (error) {
          ctx.reportError(error, channel.id);
        }
        // A linked Instagram account or its Page may still use the Page's record: the last one deletes it.
        // releaseNode reports Meta's refusals itself and leaves once, whatever Meta answered.
        if (page && channel.login !== 'instagram')
          return releaseNode(ctx, page, memberOf(channel, credentials), leave);
        try {
          await page?.unsubscribe();
        } catch (error) {
          // Disconnecting must work even with a dead token: Meta stops delivering anyway.
          ctx.reportError(error, channel.id);
        }
        return leave();
      }
      case 'resubscribe':
        return resubscribe(channel.id);
      case 'check':
        return (await check(channel.id)).channel;
      case 'reauthorize':
        return reauthorize(channel.id, a.userAccessToken);
      default: {
        const never: never = a;
        return never;
      }
    }
  }

  async function purge(channelId: string): Promise<ChannelPurgeReport> {
    const channel = await ctx.getChannel(channelId);
    const hadCredentials = (await store.credentials.get(channel.id)) !== undefined;
    // Disconnected first, so Meta stops sending the page's webhooks (that would refill it); that
    // deletes the token, which the report still counts as purged.
    if (channel.status !== 'disconnected') await action(channel.id, { action: 'disconnect' });
    const purged = await inbox.purgeChannel(channel.id);
    const report = { ...purged, credentials: purged.credentials || hadCredentials };
    ctx.emitter.emit('channel:purged', { channel, report });
    return report;
  }

  async function updateSettings(channelId: string, patch: Partial<ChannelSettings>): Promise<Channel> {
    const parsed = parseOrThrow(settingsPatchSchema, patch, 'channel settings');
    const channel = await ctx.getChannel(channelId);
    const settings = { ...channel.settings } as Record<string, unknown>;
    for (const [key, value] of Object.entries(parsed)) if (value !== undefined) settings[key] = value;
    return inbox.updateChannel({ ...channel, settings: settings as ChannelSettings, updatedAt: now() });
  }

  return { check, checked, reauthorize, resubscribe, action, updateSettings, purge };
}

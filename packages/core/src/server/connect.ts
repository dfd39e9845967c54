import * as z from 'zod/mini';
import { PagedeskError, PermissionError, ValidationError } from '../errors.js';
import { defaultChannelSettings } from '../inbox.js';
import { type Channel, organizationIdSchema } from '../model.js';
import { parseOrThrow } from '../parseOrThrow.js';
import type { ConnectablePage } from '../transport.js';
import type { ChannelContext } from './channelContext.js';
import { memberOf, subscribeNode } from './nodeSubscriptions.js';
import {
  adminPages,
  type Candidate,
  candidateGraph,
  candidatesOf,
  missingTask,
  storeToken,
  userPages,
} from './pageAccounts.js';
import type { ConnectOptions } from './types.js';

// Connecting pages from an admin's user token: the picker (`listConnectablePages`) and `connect`,
// which refuses a page another organisation of the host holds (or whose history it keeps), subscribes
// the app, stores the Page token, checks it and imports recent history.

/**
 * A page belongs to one organisation of the host at a time: it is connected to another one, or another
 * one still keeps its history (a disconnected channel with conversations). `channels.purge(channelId)`
 * by the organisation that holds it frees the page.
 */
export class ChannelConflictError extends PagedeskError {
  readonly channelId: string;
  /** Whether the other organisation holds only the page's history (the channel is disconnected). */
  readonly historyOnly: boolean;
  constructor(channelId: string, historyOnly = false) {
    super(
      'channel_conflict',
      historyOnly
        ? `Page ${channelId} still has history kept by another organisation: it must be purged before the page can be connected here`
        : `Page ${channelId} is already connected to another organisation`,
    );
    this.name = 'ChannelConflictError';
    this.channelId = channelId;
    this.historyOnly = historyOnly;
  }
}

/**
 * Who holds a page or account: nobody, this organisation, or another one. Another organisation holds
 * it while its channel is live, and while a disconnected channel still has conversations (its
 * history); a disconnected channel without any is a `leftover`, free to take once purged (its settings
 * and agents do not carry over).
 */
export async function holderOf(
  ctx: ChannelContext,
  channelId: string,
  organizationId: string | undefined,
): Promise<{ existing: Channel | undefined; leftover: boolean; conflict: 'live' | 'history' | undefined }> {
  const stored = await ctx.store.channels.get(channelId);
  const foreign = stored !== undefined && (stored.organizationId ?? null) !== (organizationId ?? null);
  let conflict: 'live' | 'history' | undefined;
  if (foreign && stored.status !== 'disconnected') conflict = 'live';
  else if (foreign) {
    const history = await ctx.store.conversations.list({ channelId: stored.id, limit: 1 });
    if (history.items.length > 0) conflict = 'history';
  }
  return { existing: foreign ? undefined : stored, leftover: foreign && !conflict, conflict };
}

/** For whom `listConnectablePages` and `connect` work (see `ConnectOptions`). */
const connectOptionsSchema = z.object({
  organizationId: z.optional(organizationIdSchema),
  appId: z.optional(z.string().check(z.minLength(1))),
});

/** What the host's `appFor` answers: an app id, or nothing for the default app. */
const ownAppSchema = z.optional(z.string().check(z.minLength(1)));

/** `listConnectablePages` and `connect` of `createChannels`. */
export function createConnect(
  ctx: ChannelContext,
  lifecycle: { checked(channel: Channel): Promise<Channel> },
  importHistory: (
    channelId: string,
    options?: { conversations?: number; messagesPerConversation?: number },
  ) => Promise<unknown>,
) {
  const { inbox, now, options } = ctx;

  /** The organisation and app of a call: its options, else the organisation's app, else the defaults. */
  async function scopeOf(
    input: ConnectOptions | undefined,
  ): Promise<{ organizationId: string | undefined; appId: string }> {
    const given = parseOrThrow(connectOptionsSchema, input ?? {}, 'connect options');
    const organizationId = given.organizationId ?? options.organizationId;
    const own =
      given.appId === undefined && organizationId !== undefined && options.appFor
        ? parseOrThrow(ownAppSchema, await options.appFor(organizationId), 'appFor(organizationId)')
        : undefined;
    const appId = given.appId ?? own ?? ctx.defaultAppId;
    if (!appId)
      throw new ValidationError('channels options', [{ path: 'apps', message: 'no Meta app configured' }]);
    return { organizationId, appId };
  }

  /** Who holds a page (see {@link holderOf}), and whether this candidate can be connected. */
  async function availability(candidate: Candidate, organizationId: string | undefined) {
    const { existing, leftover, conflict } = await holderOf(ctx, candidate.id, organizationId);
    const unavailableReason =
      conflict === 'live'
        ? 'Already connected to another organisation'
        : conflict === 'history'
          ? 'Another organisation still keeps this page’s history'
          : !candidate.accessToken
            ? 'Meta returned no access token for this page'
            : missingTask(candidate.tasks);
    const connected = existing !== undefined && existing.status !== 'disconnected';
    return { existing, leftover, conflict, unavailableReason, connected };
  }

  async function listConnectablePages(
    userAccessToken: string,
    input?: ConnectOptions,
  ): Promise<ConnectablePage[]> {
    const { organizationId, appId } = await scopeOf(input);
    const { pages } = await userPages(ctx, userAccessToken, appId);
    const out: ConnectablePage[] = [];
    for (const candidate of candidatesOf(pages)) {
      const { unavailableReason, connected } = await availability(candidate, organizationId);
      out.push({
        id: candidate.id,
        name: candidate.name,
        platform: candidate.platform,
        ...(candidate.pictureUrl ? { pictureUrl: candidate.pictureUrl } : {}),
        tasks: candidate.tasks,
        ...(unavailableReason ? { unavailableReason } : {}),
        connected,
      });
    }
    return out;
  }

  async function connect(
    userAccessToken: string,
    pageIds: string[],
    input?: ConnectOptions,
  ): Promise<Channel[]> {
    const { organizationId, appId } = await scopeOf(input);
    if (pageIds.length === 0)
      throw new ValidationError('connect', [{ path: 'pageIds', message: 'choose at least one page' }]);
    // Who connected is recorded with every token (one `/me` per connect, not one per page).
    const { pages, userId: connectedBy } = await adminPages(ctx, userAccessToken, appId);
    const candidates = candidatesOf(pages);
    const chosen: Array<{ candidate: Candidate; existing: Channel | undefined; leftover: boolean }> = [];
    for (const [index, pageId] of pageIds.entries()) {
      const candidate = candidates.find((c) => c.id === pageId);
      if (!candidate)
        throw new ValidationError('connect', [
          { path: `pageIds[${index}]`, message: `${pageId} is not among the pages this user administers` },
        ]);
      const { existing, leftover, conflict, unavailableReason } = await availability(
        candidate,
        organizationId,
      );
      if (conflict) throw new ChannelConflictError(candidate.id, conflict === 'history');
      if (unavailableReason) throw new PermissionError(`${candidate.name}: ${unavailableReason}`);
      chosen.push({ candidate, existing, leftover });
    }
    const connected: Channel[] = [];
    for (const { candidate, existing, leftover } of chosen) {
      // Another organisation's disconnected channel without history: nothing of it may carry over.
      if (leftover) await inbox.purgeChannel(candidate.id);
      const at = now();
      const channel: Channel = {
        id: candidate.id,
        platform: candidate.platform,
        name: candidate.name,
        ...(candidate.pictureUrl ? { pictureUrl: candidate.pictureUrl } : {}),
        appId,
        ...(organizationId === undefined ? {} : { organizationId }),
        status: 'active',
        tokenExpiresAt: null,
        dataAccessExpiresAt: null,
        missingPermissions: [],
        settings: existing?.settings ?? { ...defaultChannelSettings, agentIds: [] },
        connectedAt: existing && existing.status !== 'disconnected' ? existing.connectedAt : at,
        updatedAt: at,
      };
      // Subscribed first: a page Meta refused is not left half-connected with a stored token. The
      // channel is stored in the same turn, so the next write to the Page's record counts it.
      await subscribeNode(
        ctx,
        candidateGraph(ctx, channel, candidate),
        memberOf(channel, candidate),
        async () => {
          await storeToken(ctx, channel, candidate, connectedBy);
          await inbox.updateChannel(channel);
        },
      );
      if (existing && existing.status !== channel.status)
        ctx.emitter.emit('channel:status', { channel, previous: existing.status });
      const result = await lifecycle.checked(channel);
      if (options.historyImport !== false) {
        try {
          await importHistory(channel.id, options.historyImport ?? {});
        } catch (error) {
          // History is a bonus: a page connects even when its past cannot be read.
          ctx.reportError(error, channel.id);
        }
      }
      connected.push(result);
    }
    return connected;
  }

  return { listConnectablePages, connect };
}

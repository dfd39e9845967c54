import { PagedeskError, PermissionError, ValidationError } from '../errors.js';
import { defaultChannelSettings } from '../inbox.js';
import type { Channel } from '../model.js';
import type { ConnectablePage } from '../transport.js';
import type { ChannelContext } from './channelContext.js';
import {
  type Candidate,
  candidateGraph,
  candidatesOf,
  missingTask,
  storeToken,
  userPages,
} from './pageAccounts.js';
import { webhookFieldsFor } from './pageRequirements.js';

// Connecting pages from an admin's user token: the picker (`listConnectablePages`) and `connect`,
// which refuses a page another organisation of the host owns, subscribes the app, stores the Page
// token, checks it and imports recent history.

/** A page is already connected to another organisation of the host. */
export class ChannelConflictError extends PagedeskError {
  readonly channelId: string;
  constructor(channelId: string) {
    super('channel_conflict', `Page ${channelId} is already connected to another organisation`);
    this.name = 'ChannelConflictError';
    this.channelId = channelId;
  }
}

/** `listConnectablePages` and `connect` of `createChannels`. */
export function createConnect(
  ctx: ChannelContext,
  lifecycle: { checked(channel: Channel): Promise<Channel> },
  importHistory: (
    channelId: string,
    options?: { conversations?: number; messagesPerConversation?: number },
  ) => Promise<unknown>,
) {
  const { store, inbox, now, options } = ctx;

  function requireDefaultAppId(): string {
    if (!ctx.defaultAppId)
      throw new ValidationError('channels options', [{ path: 'apps', message: 'no Meta app configured' }]);
    return ctx.defaultAppId;
  }

  async function availability(candidate: Candidate) {
    const existing = await store.channels.get(candidate.id);
    const otherOrg =
      existing !== undefined &&
      existing.status !== 'disconnected' &&
      existing.organizationId !== undefined &&
      existing.organizationId !== options.organizationId;
    const unavailableReason = otherOrg
      ? 'Already connected to another organisation'
      : !candidate.accessToken
        ? 'Meta returned no access token for this page'
        : missingTask(candidate.tasks);
    const connected = existing !== undefined && !otherOrg && existing.status !== 'disconnected';
    return { existing, otherOrg, unavailableReason, connected };
  }

  async function listConnectablePages(userAccessToken: string): Promise<ConnectablePage[]> {
    const appId = requireDefaultAppId();
    const { pages } = await userPages(ctx, userAccessToken, appId);
    const out: ConnectablePage[] = [];
    for (const candidate of candidatesOf(pages)) {
      const { unavailableReason, connected } = await availability(candidate);
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

  async function connect(userAccessToken: string, pageIds: string[]): Promise<Channel[]> {
    const appId = requireDefaultAppId();
    if (pageIds.length === 0)
      throw new ValidationError('connect', [{ path: 'pageIds', message: 'choose at least one page' }]);
    const { pages } = await userPages(ctx, userAccessToken, appId);
    const candidates = candidatesOf(pages);
    const chosen: Array<{ candidate: Candidate; existing: Channel | undefined }> = [];
    for (const [index, pageId] of pageIds.entries()) {
      const candidate = candidates.find((c) => c.id === pageId);
      if (!candidate)
        throw new ValidationError('connect', [
          { path: `pageIds[${index}]`, message: `${pageId} is not among the pages this user administers` },
        ]);
      const { existing, otherOrg, unavailableReason } = await availability(candidate);
      if (otherOrg) throw new ChannelConflictError(candidate.id);
      if (unavailableReason) throw new PermissionError(`${candidate.name}: ${unavailableReason}`);
      chosen.push({ candidate, existing });
    }
    const connected: Channel[] = [];
    for (const { candidate, existing } of chosen) {
      const at = now();
      const channel: Channel = {
        id: candidate.id,
        platform: candidate.platform,
        name: candidate.name,
        ...(candidate.pictureUrl ? { pictureUrl: candidate.pictureUrl } : {}),
        appId,
        ...(options.organizationId ? { organizationId: options.organizationId } : {}),
        status: 'active',
        tokenExpiresAt: null,
        dataAccessExpiresAt: null,
        missingPermissions: [],
        settings: existing?.settings ?? { ...defaultChannelSettings, agentIds: [] },
        connectedAt: existing && existing.status !== 'disconnected' ? existing.connectedAt : at,
        updatedAt: at,
      };
      await candidateGraph(ctx, channel, candidate).subscribe(webhookFieldsFor(candidate.platform));
      // Subscribed first: a page Meta refused is not left half-connected with a stored token.
      await storeToken(ctx, channel, candidate);
      await inbox.updateChannel(channel);
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

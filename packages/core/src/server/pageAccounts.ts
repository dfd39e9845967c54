import * as z from 'zod/mini';
import type { Channel, Platform } from '../model.js';
import type { ChannelCredentials } from '../store.js';
import type { ChannelContext } from './channelContext.js';
import type { PageGraph } from './pageGraph.js';
import type { AccountPage } from './userGraph.js';

// The pages an admin's user token can connect, read from `/me/accounts`: shared by connecting and by
// reauthorizing, which both turn a user token into Page tokens.

/** A page or Instagram account the admin could connect, with its Page token. */
export interface Candidate {
  id: string;
  platform: Platform;
  name: string;
  pictureUrl?: string;
  tasks: string[];
  accessToken?: string;
  /** The Facebook Page an Instagram account is linked to. */
  pageId?: string;
}

export async function userPages(
  ctx: ChannelContext,
  userAccessToken: string,
  appId: string,
): Promise<{ pages: AccountPage[]; userToken: string }> {
  const graph = ctx.graphFor({ appId });
  let userToken = userAccessToken;
  if (ctx.options.exchangeUserTokens !== false && graph.appId) {
    // Page tokens read with a long-lived user token do not expire (docs/meta-platform.md).
    userToken = (await graph.exchangeUserToken(userAccessToken)).accessToken;
  }
  return { pages: await graph.forUser(userToken).accounts(), userToken };
}

const meSchema = z.object({ id: z.string() });

/**
 * {@link userPages} for connecting and reauthorizing, with the app-scoped id of the admin the token
 * belongs to (`GET /me`, one call beside `/me/accounts`), recorded as `connectedByUserId`: it is the
 * `user_id` of Meta's deauthorize and data deletion callbacks
 * (https://developers.facebook.com/docs/development/create-an-app/app-dashboard/data-deletion-callback).
 */
export async function adminPages(
  ctx: ChannelContext,
  userAccessToken: string,
  appId: string,
): Promise<{ pages: AccountPage[]; userId: string }> {
  const [{ pages }, me] = await Promise.all([
    userPages(ctx, userAccessToken, appId),
    ctx.graphFor({ appId }).request({
      method: 'GET',
      path: 'me',
      accessToken: userAccessToken,
      query: { fields: 'id' },
      schema: meSchema,
    }),
  ]);
  return { pages, userId: me.id };
}

/** Every connectable page of `/me/accounts`, each linked Instagram account after its Page. */
export function candidatesOf(pages: AccountPage[]): Candidate[] {
  const out: Candidate[] = [];
  for (const p of pages) {
    out.push({
      id: p.id,
      platform: 'messenger',
      name: p.name,
      tasks: p.tasks,
      ...(p.pictureUrl ? { pictureUrl: p.pictureUrl } : {}),
      ...(p.accessToken ? { accessToken: p.accessToken } : {}),
    });
    if (p.instagram)
      out.push({
        id: p.instagram.id,
        platform: 'instagram',
        name: p.instagram.username ?? p.instagram.name ?? p.name,
        tasks: p.tasks,
        pageId: p.id,
        ...(p.instagram.pictureUrl ? { pictureUrl: p.instagram.pictureUrl } : {}),
        ...(p.accessToken ? { accessToken: p.accessToken } : {}),
      });
  }
  return out;
}

/** Why the admin's role on a page cannot run it as a channel, or undefined when it can. */
export function missingTask(tasks: string[]): string | undefined {
  const has = (task: string) => tasks.includes(task) || tasks.includes('MANAGE');
  if (!has('MESSAGING')) return 'Your role on this page cannot message customers (MESSAGING task)';
  if (!has('MODERATE')) return 'Your role on this page cannot install apps (MODERATE task)';
  return undefined;
}

export async function storeToken(
  ctx: ChannelContext,
  channel: Channel,
  candidate: Candidate,
  connectedBy?: string,
) {
  const credentials: ChannelCredentials = {
    accessToken: candidate.accessToken!,
    ...(candidate.pageId ? { pageId: candidate.pageId } : {}),
    ...(connectedBy ? { connectedByUserId: connectedBy } : {}),
  };
  await ctx.store.credentials.put(channel.id, credentials);
}

/** The Graph calls of a candidate's page with the Page token just read (before it is stored). */
export function candidateGraph(ctx: ChannelContext, channel: Channel, candidate: Candidate): PageGraph {
  return ctx.graphFor(channel).forPage({
    id: channel.id,
    accessToken: candidate.accessToken!,
    ...(candidate.pageId ? { node: candidate.pageId } : {}),
  });
}

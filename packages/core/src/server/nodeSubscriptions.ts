import type { Channel, Platform } from '../model.js';
import type { ChannelContext } from './channelContext.js';
import type { PageGraph } from './pageGraph.js';
import { webhookFieldsFor } from './pageRequirements.js';

// A Facebook Page and the Instagram account linked to it (Facebook Login) share one record of the app
// in the Page's `subscribed_apps`: a POST replaces its field list, a DELETE removes the app for both
// (https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps). So Pagedesk always
// writes the union of the fields every live channel on the node needs, and deletes the record only
// when the last of them leaves. Instagram Login channels have a record of their own and stay out.

/** A Facebook Login channel and the node its webhooks are subscribed on (its Page). */
export interface NodeMember {
  channel: Pick<Channel, 'id' | 'appId' | 'platform'>;
  /** The Page: the channel's own id, or the Page an Instagram account is linked to. */
  node: string;
}

/** The channel and the Page whose record it shares: its own id, or the Page it is linked to. */
export function memberOf(channel: Channel, linked: { pageId?: string }): NodeMember {
  return { channel, node: linked.pageId ?? channel.id };
}

/**
 * The platforms of the other live channels of the app on the node, whichever organisation holds them:
 * only their platform is read, nothing of them leaves this module. `known` platforms are not looked
 * for (their fields are in the union already), which spares the scan for Instagram siblings.
 */
async function siblingPlatforms(
  ctx: ChannelContext,
  { channel, node }: NodeMember,
  known: ReadonlySet<Platform>,
): Promise<Set<Platform>> {
  const found = new Set<Platform>();
  const live = (other: Channel | undefined): other is Channel =>
    other !== undefined &&
    other.id !== channel.id &&
    other.appId === channel.appId &&
    other.login !== 'instagram' &&
    other.status !== 'disconnected';
  if (!known.has('messenger')) {
    const page = await ctx.store.channels.get(node);
    if (live(page) && page.platform === 'messenger') found.add('messenger');
  }
  if (known.has('instagram')) return found;
  // Only the credentials know the Page an Instagram account is reached through.
  for (const other of await ctx.store.channels.list()) {
    if (!live(other) || other.platform !== 'instagram') continue;
    if ((await ctx.store.credentials.get(other.id))?.pageId === node) {
      found.add('instagram');
      break;
    }
  }
  return found;
}

function fieldsOf(ctx: ChannelContext, platforms: Iterable<Platform>): string[] {
  const fields = new Set<string>();
  for (const platform of platforms)
    for (const field of webhookFieldsFor(platform, ctx.options.webhookFields)) fields.add(field);
  return [...fields];
}

/** The fields the node's subscription must hold: the channel's own and those of its live siblings. */
export async function nodeFields(ctx: ChannelContext, member: NodeMember): Promise<string[]> {
  const own = new Set<Platform>([member.channel.platform]);
  return fieldsOf(ctx, [...own, ...(await siblingPlatforms(ctx, member, own))]);
}

/**
 * Writes to one app's record on one node run one at a time in this process, each reading the union
 * and posting it in one turn, so two of them cannot each post a list that misses the other's fields.
 * Across processes the token monitor's `check` repairs what a race left out.
 */
function exclusive<T>(ctx: ChannelContext, { channel, node }: NodeMember, task: () => Promise<T>) {
  return ctx.serial(`subscribed_apps ${channel.appId} ${node}`, task);
}

/**
 * Subscribes the node to the union of the fields its live channels need, this channel's included.
 * `then` runs in the same turn (connecting stores the channel there), so the next write reads it.
 */
export function subscribeNode(
  ctx: ChannelContext,
  page: PageGraph,
  member: NodeMember,
  then?: () => Promise<void>,
): Promise<void> {
  return exclusive(ctx, member, async () => {
    await page.subscribe(await nodeFields(ctx, member));
    await then?.();
  });
}

/**
 * The channel leaves the node: the record keeps the fields of the live channels still on it, and is
 * deleted only when none is left. `leave` runs in the same turn (disconnecting deletes the token and
 * marks the channel there), even when Meta refused: leaving must work with a dead token.
 */
export function releaseNode<T>(
  ctx: ChannelContext,
  page: PageGraph,
  member: NodeMember,
  leave: () => Promise<T>,
): Promise<T> {
  return exclusive(ctx, member, async () => {
    try {
      const remaining = await siblingPlatforms(ctx, member, new Set());
      if (remaining.size > 0) await page.subscribe(fieldsOf(ctx, remaining));
      else await page.unsubscribe();
    } catch (error) {
      ctx.reportError(error, member.channel.id);
    }
    return leave();
  });
}

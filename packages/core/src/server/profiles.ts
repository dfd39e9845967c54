import { TokenError } from '../errors.js';
import type { Customer } from '../model.js';
import { SENDABLE_STATUSES } from '../modelRules.js';
import type { ChannelContext } from './channelContext.js';

// Customer profiles (docs/meta-platform.md): looked up when a customer first appears. Meta often refuses
// (no permission, phone-only accounts, Instagram commenters who never wrote): the customer then keeps
// the name the event carried, is marked `unavailable`, and the lookup is retried a bounded number of
// times on the injectable timer.

const HOUR = 60 * 60 * 1000;

/** Looks a customer's profile up now, and schedules the bounded retries after a failure. */
export function createProfiles(ctx: ChannelContext) {
  const { store, inbox, now } = ctx;
  const profileDelays = ctx.options.profileRetryDelaysMs ?? [HOUR, 6 * HOUR, 24 * HOUR];

  async function refreshProfile(customerId: string, attempt = 0): Promise<Customer | undefined> {
    if (ctx.closed) return undefined;
    const customer = await store.customers.get(customerId);
    if (!customer || customer.profileStatus === 'fetched') return customer;
    const channel = await store.channels.get(customer.channelId);
    if (!channel || !SENDABLE_STATUSES.has(channel.status)) return customer;
    try {
      const page = await ctx.pageGraph(channel);
      const profile = await page.profile(customer.psid, customer.platform);
      const latest = (await store.customers.get(customerId)) ?? customer;
      return await inbox.updateCustomer({
        ...latest,
        ...(profile.name ? { name: profile.name } : {}),
        ...(profile.firstName ? { firstName: profile.firstName } : {}),
        ...(profile.lastName ? { lastName: profile.lastName } : {}),
        ...(profile.username ? { username: profile.username } : {}),
        ...(profile.avatarUrl ? { avatarUrl: profile.avatarUrl } : {}),
        profileStatus: 'fetched',
        profileFetchedAt: now(),
      });
    } catch (error) {
      await ctx.onGraphError(channel, error);
      // Keep the name the event carried; say the profile is unavailable for now and try again later.
      const latest = (await store.customers.get(customerId)) ?? customer;
      const saved = await inbox.updateCustomer({
        ...latest,
        profileStatus: 'unavailable',
        profileFetchedAt: now(),
      });
      const delay = profileDelays[attempt];
      if (delay !== undefined && !(error instanceof TokenError) && !ctx.closed) {
        const cancel = ctx.setTimer(() => {
          ctx.timers.delete(cancel);
          ctx.track(refreshProfile(customerId, attempt + 1));
        }, delay);
        ctx.timers.add(cancel);
      }
      return saved;
    }
  }

  return { refreshProfile };
}

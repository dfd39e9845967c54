import type { Channel, ChannelStatus, Conversation, Customer } from './model.js';

// What the inbox reads off its records, apart from their schemas in model.ts: a page's first load
// (the list, the composer) needs these, and zod's checks of server answers load beside the first request.

/** Meta's Page Inbox (Meta Business Suite): echoes from it are the page's own replies. */
export const PAGE_INBOX_APP_ID = '263902037430900';

/** Statuses in which a channel may still send; in the others the composer is blocked with the reason. */
export const SENDABLE_STATUSES: ReadonlySet<ChannelStatus> = new Set([
  'active',
  'expiring',
  'unsubscribed',
  'missing_permissions',
]);

/**
 * The name to show for a customer: the name agents gave it in the customer panel, else Meta's name,
 * first and last name, or `@username`; undefined when none is known (show "Unknown customer").
 *
 * @example
 * customerDisplayName({ name: 'Ana Maria', details: { name: 'Ana', updatedAt: 0 } }); // 'Ana'
 */
export function customerDisplayName(
  customer: Pick<Customer, 'name' | 'firstName' | 'lastName' | 'username' | 'details'>,
): string | undefined {
  return (
    customer.details?.name ||
    customer.name ||
    [customer.firstName, customer.lastName].filter(Boolean).join(' ') ||
    (customer.username ? `@${customer.username}` : undefined)
  );
}

/**
 * The app that holds a Messenger thread when it is not the channel's own app (handover protocol,
 * https://developers.facebook.com/docs/messenger-platform/handover-protocol): the send path refuses
 * replies then, and a composer says so. Undefined when the thread is idle, never heard of, or ours.
 *
 * @example
 * threadHeldBy({ threadOwner: { appId: '263902037430900', since: 0 } }, { appId: '42' }); // '263902037430900'
 */
export function threadHeldBy(
  conversation: Pick<Conversation, 'threadOwner'>,
  channel: Pick<Channel, 'appId'>,
): string | undefined {
  const owner = conversation.threadOwner?.appId;
  return owner === null || owner === undefined || owner === channel.appId ? undefined : owner;
}

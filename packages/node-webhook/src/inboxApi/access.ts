import {
  type Channel,
  type Conversation,
  type Customer,
  type Message,
  NotFoundError,
  type Store,
} from '@pagedesk/core';
import type { LiveEventDraft, LiveScope, LiveViewer } from './liveEvents.js';
import { canSee, type InboxPrincipal } from './principal.js';

// What one request may reach. Every route asks here first, so a resource outside the principal's
// visible channels answers 404 before any other check: the same answer as a resource that does not
// exist, so nothing confirms that another organisation's conversation or channel is there.

/** The principal of a request and the guards every route goes through. */
export interface Access {
  readonly principal: InboxPrincipal;
  /** The channels the principal sees (read once per request). */
  visibleChannels(): Promise<Channel[]>;
  /** The channel, or NotFoundError when it is missing or not visible. */
  channel(id: string): Promise<Channel>;
  /**
   * The conversation, or NotFoundError when it is missing, on a channel the principal does not see, or
   * stored under another organisation.
   */
  conversation(id: string): Promise<Conversation>;
  /** The message, or NotFoundError as for its conversation. */
  message(id: string): Promise<Message>;
  /** The customer, or NotFoundError as for a conversation. */
  customer(id: string): Promise<Customer>;
}

/** The store filter for the principal's organisation: `null` means "channels without one". */
export const organizationFilter = (principal: InboxPrincipal): string | null =>
  principal.organizationId ?? null;

/**
 * Whether a record (or a live event) stored under `organizationId` is the principal's organisation's.
 * A record keeps the organisation it was stored under, as the lists say: one left on a page that has
 * since moved to another organisation (an event that raced the purge) stays the first one's, and one
 * stored under none (events of a page while no channel held it) is no organisation's data.
 */
const sameOrganisation = (organizationId: string | undefined, principal: InboxPrincipal) =>
  (organizationId ?? undefined) === principal.organizationId;

/** Creates the guards of one request. */
export function createAccess(store: Store, principal: InboxPrincipal): Access {
  let visible: Promise<Channel[]> | undefined;
  const seesChannel = async (channelId: string) => {
    const channel = await store.channels.get(channelId);
    return channel !== undefined && canSee(principal, channel) ? channel : undefined;
  };
  const owns = (record: { organizationId?: string | undefined } | undefined) =>
    record !== undefined && sameOrganisation(record.organizationId, principal);
  return {
    principal,
    visibleChannels() {
      visible ??= store.channels
        .list({ organizationId: organizationFilter(principal) })
        // The store narrows by organisation; the role and agentIds rule, and a second look at the
        // organisation (a host's own store may not filter), stay here.
        .then((channels) => channels.filter((channel) => canSee(principal, channel)));
      return visible;
    },
    async channel(id) {
      const channel = await seesChannel(id);
      if (!channel) throw new NotFoundError('Channel', id);
      return channel;
    },
    async conversation(id) {
      const conversation = await store.conversations.get(id);
      if (!conversation || !owns(conversation) || !(await seesChannel(conversation.channelId)))
        throw new NotFoundError('Conversation', id);
      return conversation;
    },
    async message(id) {
      const message = await store.messages.get(id);
      // A message has no organisation of its own: it is its conversation's.
      if (
        !message ||
        !owns(await store.conversations.get(message.conversationId)) ||
        !(await seesChannel(message.channelId))
      )
        throw new NotFoundError('Message', id);
      return message;
    },
    async customer(id) {
      const customer = await store.customers.get(id);
      if (!customer || !owns(customer) || !(await seesChannel(customer.channelId)))
        throw new NotFoundError('Customer', id);
      return customer;
    },
  };
}

/**
 * The live view of one event-stream client: the channels it sees now, kept current from
 * `channel:updated` events (an admin adding or removing the agent, a page moving to another
 * organisation), so the stream follows the same rule as every route.
 */
export function createLiveViewer(principal: InboxPrincipal, channels: readonly Channel[]): LiveViewer {
  const visible = new Set(channels.map((channel) => channel.id));
  return {
    sees(scope: LiveScope) {
      return sameOrganisation(scope.organizationId, principal) && visible.has(scope.channelId);
    },
    changedBy(event: LiveEventDraft) {
      if (event.type === 'channel:purged') return visible.delete(event.channelId);
      if (event.type !== 'channel:updated') return false;
      const { channel } = event;
      const now = canSee(principal, channel);
      if (now === visible.has(channel.id)) return false;
      if (now) visible.add(channel.id);
      else visible.delete(channel.id);
      return true;
    },
    concerns(organizationId) {
      return organizationId === principal.organizationId;
    },
  };
}

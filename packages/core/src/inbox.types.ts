import type { AppEvent, MessengerEvent } from './events.js';
import type {
  Channel,
  CommentAction,
  Conversation,
  Customer,
  CustomerDetailsPatch,
  Failure,
  Message,
} from './model.js';
import type { ChannelPurgeReport, Store } from './store.js';

/** How inbound messages are grouped into conversations. */
export type Threading = { mode: 'until-resolved' } | { mode: 'intermission'; minutes: number };

/** What the inbox emits; every payload carries the entity after the change. */
export interface InboxEvents {
  'conversation:created': (payload: { conversation: Conversation; customer: Customer }) => void;
  'conversation:updated': (payload: { conversation: Conversation; customer: Customer }) => void;
  'message:created': (payload: { message: Message; conversation: Conversation }) => void;
  'message:updated': (payload: { message: Message; conversation: Conversation }) => void;
  'customer:created': (payload: { customer: Customer }) => void;
  'customer:updated': (payload: { customer: Customer }) => void;
  'channel:updated': (payload: { channel: Channel }) => void;
  /** A handover, opt-in, referral or unknown event: applied as nothing more than this notice. */
  'event:noticed': (payload: { event: MessengerEvent | AppEvent }) => void;
  /**
   * An event that could not be applied (it stays unmarked so a redelivery tries again). `apply` still
   * rejects when a redelivery could succeed (a store failure), so the webhook answers 5xx and Meta
   * retries; a malformed or forged event (`ValidationError`, `AppMismatchError`) is final and only reported.
   */
  error: (payload: { error: Error; event?: MessengerEvent; change?: InboxChange }) => void;
  /**
   * What listeners were told of a channel may be stale: `change` is stored, but its event could not be
   * completed (a store read for its payload failed after the commit; reported as an `error` with code
   * `emit_failed` too). Whoever mirrors the inbox refetches what it shows of the channel: the inbox
   * API sends a `reset` to the browsers that see it.
   */
  'channel:stale': (payload: { channelId: string; organizationId?: string; change: InboxChange }) => void;
}

/** One change `apply` made, in order. */
export type InboxChange =
  | { type: 'conversation:created' | 'conversation:updated'; conversation: Conversation }
  | { type: 'message:created' | 'message:updated'; message: Message }
  | { type: 'customer:created' | 'customer:updated'; customer: Customer }
  | { type: 'channel:updated'; channel: Channel };

/** An outbound message the send path records before calling Meta. */
export interface OutboundDraft {
  /** Reuse the composer's id so the optimistic bubble and the stored message are one. */
  id?: string;
  text?: string;
  attachments?: Message['attachments'];
  replyTo?: Message['replyTo'];
  quickReplies?: Message['quickReplies'];
  author: Message['author'];
  messagingType?: Message['messagingType'];
  tag?: string;
  /** A satisfaction survey: the message is the Customer Feedback Template. */
  survey?: Message['survey'];
}

/** Options of `Inbox.recordOutbound`. */
export interface RecordOutboundOptions {
  /**
   * Refuse a `draft.id` that is recorded already (PagedeskError `already_recorded`) instead of
   * answering the stored message: the caller that records it is the one that sends it, so the same
   * composer id reaching two servers at once goes out once.
   */
  exclusive?: boolean;
}

/**
 * Conversations, messages and customers, driven by webhook events and by the send path.
 * Every method serializes with `apply`, so concurrent deliveries never race.
 */
export interface Inbox {
  readonly store: Store;
  /** The inbox's clock (`createInbox({ now })`), which the inbox API tells browsers so windows follow it. */
  readonly now?: () => number;
  /** Applies webhook events (any order, any number of times) and returns the changes made. */
  apply(events: ReadonlyArray<MessengerEvent>): Promise<InboxChange[]>;
  /** Records an outbound message as `pending` before it is sent. */
  recordOutbound(
    conversationId: string,
    draft: OutboundDraft,
    options?: RecordOutboundOptions,
  ): Promise<Message>;
  /** Moves an outbound message to `sent` with Meta's id (never backwards past delivered/read). */
  markSent(messageId: string, sent: { mid: string; at: number }): Promise<Message>;
  /** Marks an outbound message `failed` with a typed reason (a later echo can still prove it went out). */
  markFailed(messageId: string, failure: Failure): Promise<Message>;
  /**
   * Puts a failed message back to `pending` for a retry. With `note` the message carries it as its
   * `failure` while pending: `{ code: 'checking' }` while the send path asks Meta whether an unknown
   * outcome went out (see `isChecking`). A message already pending is being sent or checked by
   * someone else: PagedeskError `send_in_progress` (only the checker's own call without a note moves
   * a checked message on).
   */
  markPending(messageId: string, note?: Failure): Promise<Message>;
  /**
   * The next customer message opens a new conversation, which continues this one's thread
   * (`continuesFrom`/`continuedIn`) and keeps its assignee. `by` records the agent who resolved it.
   */
  resolve(conversationId: string, options?: { by?: string }): Promise<Conversation>;
  reopen(conversationId: string): Promise<Conversation>;
  assign(conversationId: string, agentId: string | null): Promise<Conversation>;
  markRead(conversationId: string): Promise<Conversation>;
  /** Records who holds the thread now (`channels.threadControl` after Meta answered); emits `conversation:updated`. */
  recordThreadOwner(
    conversationId: string,
    owner: NonNullable<Conversation['threadOwner']>,
  ): Promise<Conversation>;
  /**
   * Records that the customer's newest comment had its one private reply. With `commentId` (the comment
   * it answered), nothing changes when the customer has commented again since: the newer comment keeps
   * its own.
   */
  markPrivateReplySent(conversationId: string, at: number, commentId?: string): Promise<Conversation>;
  /** Saves profile data looked up later (name, avatar) and tells listeners. */
  /** Records the host's copy of inbound attachment `index` (its URL, or why none): see `createMediaArchiver`. */
  recordAttachmentArchive(messageId: string, index: number, archive: AttachmentArchive): Promise<Message>;
  /** Saves profile data looked up later (name, avatar); `details` stay as stored (see `updateCustomerDetails`). */
  updateCustomer(customer: Customer): Promise<Customer>;
  /**
   * Changes what agents recorded about a customer (name override, email, phone, notes), read and
   * written in one step so a profile lookup at the same moment loses nothing; emits `customer:updated`.
   * `null` clears a field. Rejects with NotFoundError for an unknown customer, ValidationError for bad input.
   */
  /** Records that the page blocked (`{ at, by }`) or unblocked (`null`) a customer; emits `customer:updated`. */
  recordBlocked(customerId: string, blocked: Customer['blocked'] | null): Promise<Customer>;
  updateCustomerDetails(customerId: string, patch: CustomerDetailsPatch, by?: string): Promise<Customer>;
  /**
   * Records a moderation action Meta carried out on a comment message (`channels.moderateComment`
   * calls it after Meta's answer): its state and who did it; emits `message:updated`.
   */
  recordModeration(messageId: string, action: CommentAction, by?: string): Promise<Message>;
  /** Saves a channel (status, settings) and tells listeners. */
  updateChannel(channel: Channel): Promise<Channel>;
  /**
   * Deletes a channel and everything reached through it (`Store.channels.purge`), in the queue, plus
   * what waits in this process for its messages. Hosts call `channels.purge` (core/server), which
   * also disconnects the page from Meta first.
   */
  purgeChannel(channelId: string): Promise<ChannelPurgeReport>;
  on<TEvent extends keyof InboxEvents>(event: TEvent, listener: InboxEvents[TEvent]): () => void;
}

/** The copy of an inbound attachment: its URL, or why none exists. */
export type AttachmentArchive =
  | { archivedUrl: string }
  | { archiveStatus: 'expired' | 'too_large' | 'failed' };

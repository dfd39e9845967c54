// Every string the kit shows. Hosts pass a partial object to <PagedeskProvider strings>; it is
// deep-merged over these English defaults, so a translation can be completed one key at a time.

import {
  customerMessages,
  moderationMessages,
  notificationMessages,
  routingMessages,
} from './toolkitMessages.js';

/** Channel statuses as an admin reads them. */
export type ChannelStatusLabels = Record<
  | 'active'
  | 'expiring'
  | 'expired'
  | 'revoked'
  | 'missing_permissions'
  | 'unsubscribed'
  | 'blocked'
  | 'deactivated'
  | 'disconnected',
  string
>;

/**
 * The English UI strings. Functions take the values to interpolate so translations can reorder
 * words and apply their own plural rules.
 */
export const defaultStrings = {
  inbox: {
    label: 'Inbox',
    noSelection: 'Select a conversation to start',
    back: 'Back to conversations',
    resolve: 'Resolve',
    reopen: 'Reopen',
    assignee: 'Assignee',
    unassigned: 'Unassigned',
    live: {
      connecting: 'Connecting…',
      reconnecting: 'Reconnecting…',
      closed: 'Live updates stopped',
      open: 'Live',
    },
  },
  survey: {
    send: 'Send survey',
    sending: 'Sending survey…',
    sent: 'Survey sent',
    failed: 'The survey could not be sent.',
    /** e.g. "CSAT 4/5". */
    score: (type: string, score: number, max: number) => `${type} ${score}/${max}`,
    /** The heading of a sent survey's card in the thread. */
    card: 'Satisfaction survey sent',
    /** A sent survey not (yet) answered: e.g. "CSAT, 1 to 5". */
    scale: (type: string, min: number, max: number) => `${type}, ${min} to ${max}`,
  },
  list: {
    label: 'Conversations',
    search: 'Search conversations',
    filters: 'Filters',
    channel: 'Channel',
    allChannels: 'All channels',
    messenger: 'Messenger',
    instagram: 'Instagram',
    comments: 'Comments',
    status: 'Status',
    anyStatus: 'Any status',
    open: 'Not resolved',
    resolved: 'Resolved',
    windowClosed: 'Window closed',
    assignee: 'Assignee',
    anyAssignee: 'Anyone',
    unassigned: 'Unassigned',
    unreadOnly: 'Unread only',
    empty: 'No conversations',
    loading: 'Loading conversations…',
    loadingMore: 'Loading more…',
    error: 'Conversations could not be loaded.',
    retry: 'Try again',
    unread: (count: number) => `${count} unread`,
    unknownCustomer: 'Unknown customer',
    noPreview: 'No messages yet',
  },
  window: {
    standard: 'Standard window',
    human_agent: 'Human agent only',
    closed: 'Closed',
    closesIn: (remaining: string) => `Closes in ${remaining}`,
    standardEndsIn: (remaining: string) => `Standard window ends in ${remaining}`,
    humanAgentNotice:
      'Replying with the human-agent tag: no promotional content, automated messages are not allowed.',
    /**
     * Localised texts for `evaluateWindow`'s reason codes; a code missing here shows core's English
     * text, so a new core reason never leaves the composer blank.
     */
    reasons: {
      closed_expired:
        'The messaging window is closed: the customer has not written for too long. They must write again first.',
      closed_never_wrote: 'The customer has not written yet, so a message cannot be sent.',
      private_reply_available: 'One private reply to this comment can be sent.',
      private_reply_used: 'The one private reply to this comment was already sent.',
      private_reply_expired: 'Private replies are possible only within 7 days of the comment.',
    } as Record<string, string>,
  },
  messages: {
    label: 'Messages',
    loading: 'Loading messages…',
    loadingOlder: 'Loading older messages…',
    error: 'Messages could not be loaded.',
    retry: 'Try again',
    empty: 'No messages in this conversation yet',
    today: 'Today',
    yesterday: 'Yesterday',
    edited: 'Edited',
    unsent: 'This message was unsent',
    echoFrom: (tool: string) => `Sent from ${tool}`,
    pageInbox: 'Meta Business Suite',
    otherTool: 'another app',
    you: 'You',
    agent: (name: string) => `${name} (agent)`,
    customer: 'Customer',
    pending: 'Sending…',
    sent: 'Sent',
    delivered: 'Delivered',
    read: 'Seen',
    failed: 'Not sent',
    retrySend: 'Retry',
    /** A send whose outcome is unknown while the server asks Meta whether it went out. */
    checking: 'Checking…',
    /** A send that timed out or was interrupted: Retry checks with Meta before sending again. */
    unknownOutcome: 'May not have been sent',
    /** Shown when checking with Meta failed: only then can the agent send without checking. */
    checkFailed: 'Could not check whether it was sent: sending anyway may deliver it twice.',
    sendAnyway: 'Send anyway',
    /** Texts for a failed message's `failure.code`; a code missing here shows the server's text. */
    failures: {
      window_closed: 'The messaging window had closed: the customer must write again first.',
    } as Record<string, string>,
    replyTo: 'Reply',
    quoted: 'Replying to',
    quotedUnavailable: 'Original message unavailable',
    typing: (name: string) => `${name} is typing…`,
    anotherAgent: 'Another agent',
    newBelow: (count: number) => (count === 1 ? '1 new message' : `${count} new messages`),
    reactions: (list: string) => `Reactions: ${list}`,
    newMessage: (name: string, text: string) => `New message from ${name}: ${text}`,
    humanAgentTag: 'Human agent tag',
    postback: (title: string) => `Tapped “${title}”`,
    publicReply: 'Public reply',
    /** The divider below an earlier conversation of the same customer (`by`: the agent who resolved it). */
    earlierConversation: (date: string, resolved: boolean, by?: string) =>
      `Conversation of ${date}${resolved ? (by ? ` · resolved by ${by}` : ' · resolved') : ''}`,
    loadEarlier: 'Show earlier conversations',
    /** Under a long message shown clipped; `length` is formatted ("20,000"). */
    showWhole: (length: string) => `Show the whole message (${length} characters)`,
    showLess: 'Show less',
    loadingEarlier: 'Loading earlier conversations…',
    /** A resolved conversation the customer wrote to again: the thread went on in a new one. */
    continued: 'The customer wrote again after this was resolved.',
    openContinuation: 'Continues in the new conversation',
  },
  attachments: {
    image: 'Image',
    gif: 'GIF',
    video: 'Video',
    audio: 'Voice message',
    file: 'File',
    sticker: 'Sticker',
    location: 'Location',
    openMap: 'Open in maps',
    template: 'Template',
    share: 'Shared post',
    story_mention: 'Mentioned you in their story',
    fallback: 'Link',
    unknown: 'Attachment',
    unavailable: 'Attachment unavailable',
    /** Meta's URL for the media is gone and the host kept no copy. */
    expired: 'Media expired',
    download: (name: string) => `Download ${name}`,
    openImage: (name: string) => `Open ${name}`,
    lightbox: 'Image viewer',
    close: 'Close',
    blockedUrl: 'This attachment link was blocked because its address is not safe.',
  },
  composer: {
    label: 'Reply',
    placeholder: 'Write a reply…',
    placeholderClosed: 'Replies are blocked',
    send: 'Send',
    attach: 'Attach files',
    removeAttachment: (name: string) => `Remove ${name}`,
    dropHere: 'Drop files to attach',
    counter: (length: string, limit: string) => `${length} / ${limit}`,
    tooLong: (limit: string, bytes?: boolean) =>
      `The reply is longer than ${limit} ${bytes ? 'bytes' : 'characters'}.`,
    /** After the counter on Instagram, which limits UTF-8 bytes (an emoji is 4). */
    bytes: 'bytes',
    split: 'Send as several messages',
    splitInto: (count: number) => `Will be sent as ${count} messages`,
    quickReplies: 'Quick replies',
    addQuickReply: 'Add quick reply',
    quickReplyTitle: 'Quick reply text',
    removeQuickReply: (title: string) => `Remove quick reply ${title}`,
    templates: 'Reply templates',
    replyingTo: 'Replying to',
    cancelReply: 'Cancel quoted reply',
    uploading: 'Uploading…',
    uploadFailed: (name: string) => `${name} could not be uploaded`,
    sendFailed: 'The reply could not be sent.',
    hint: 'Enter to send, Shift+Enter for a new line',
    replyAs: 'Reply as',
    privateReply: 'Private message',
    publicReply: 'Public reply',
    /** Why replies are blocked while the channel cannot send (`status`: its label, e.g. "Deactivated"). */
    channelDown: (status: string) => `${status}: no reply can be sent until an admin fixes this channel.`,
    chooseReplyMode: 'The private reply is used: choose Public reply to answer under the comment.',
    tooManyQuickReplies: (limit: number) => `At most ${limit} quick replies.`,
    /** Why replies are blocked while the customer is blocked from the page. */
    customerBlocked: 'This customer is blocked from the page: unblock them to reply.',
    /** Why replies are blocked while another app holds the Messenger thread (`app`: who). */
    threadHeld: (app: string) => `${app} holds this conversation: take the thread to reply.`,
    pageInbox: "Meta's Page Inbox",
    otherApp: (appId: string) => `Another app (${appId})`,
    takeThread: 'Take thread',
    takeThreadFailed: 'The thread could not be taken.',
  },
  templatePicker: {
    open: 'Templates',
    label: 'Reply templates',
    search: 'Search templates',
    loading: 'Loading templates…',
    error: 'Templates could not be loaded.',
    empty: 'No templates for this channel',
    noMatch: 'No template matches',
    parts: (count: number) => (count === 1 ? '1 message' : `${count} messages`),
    part: (index: number) => `Message ${index}`,
    quickReplies: 'Quick replies',
    /** A template whose variables cannot be filled for this customer (`reason`: which ones). */
    cannotFill: (reason: string) => `Cannot be sent: ${reason}`,
    hint: '↑↓ to choose, Enter to send, Esc to close',
    sendFailed: 'The template could not be sent completely.',
    close: 'Close',
  },
  channels: {
    label: 'Channels',
    empty: 'No channels connected yet',
    loading: 'Loading channels…',
    error: 'Channels could not be loaded.',
    retry: 'Try again',
    status: {
      active: 'Active',
      expiring: 'Expiring soon',
      expired: 'Connection expired',
      revoked: 'Connection expired',
      missing_permissions: 'Permissions missing',
      unsubscribed: 'Not receiving messages',
      blocked: 'Blocked by Meta',
      deactivated: 'Deactivated',
      disconnected: 'Disconnected',
    } satisfies ChannelStatusLabels as ChannelStatusLabels,
    connect: 'Connect a page',
    connectTitle: 'Choose pages to connect',
    connectSelected: 'Connect selected',
    connecting: 'Connecting…',
    cancel: 'Cancel',
    alreadyConnected: 'Already connected',
    noConnectablePages: 'No pages found for this account',
    reauthorize: 'Reauthorize',
    deactivate: 'Deactivate',
    activate: 'Re-activate',
    resubscribe: 'Repair subscription',
    disconnect: 'Disconnect',
    confirmDisconnect: (name: string) =>
      `Disconnect ${name}? Its conversations stay readable, but no message can be sent or received.`,
    confirm: 'Disconnect',
    missingPermissions: (list: string) => `Missing: ${list}`,
    expiresOn: (date: string) => `Access expires on ${date}`,
    preferences: 'Preferences',
    threading: 'New conversation',
    untilResolved: 'When the previous one is resolved',
    intermission: 'After a silence of',
    minutes: 'minutes',
    humanAgent: 'Human agent tag (reply up to 7 days)',
    textLimit: 'Text limit (characters)',
    textLimitDefault: 'Platform limit',
    attachmentLimit: (kind: string) => `${kind} size limit (MB)`,
    agents: 'Agents on this channel',
    allAgents: 'Empty means every agent',
    save: 'Save preferences',
    saved: 'Preferences saved',
    savedChanged: 'Saved with changes by the server: check the values.',
    wholeNumber: 'Enter a whole number.',
    atLeast: (min: string) => `Enter at least ${min}.`,
    atMost: (max: string) => `Enter at most ${max}.`,
    positiveSize: 'Enter a size above 0, or nothing.',
    actionFailed: 'The action failed.',
  },
  customer: customerMessages,
  routing: routingMessages,
  moderation: moderationMessages,
  notifications: notificationMessages,
};

/** The full catalogue of UI strings. */
export type PagedeskStrings = typeof defaultStrings;

/** A partial catalogue: any key may be left out and falls back to English. */
export type DeepPartial<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Strings a host passes to `<PagedeskProvider strings>`. */
export type PagedeskStringsInput = DeepPartial<PagedeskStrings>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out;
}

/**
 * Deep-merges a partial catalogue over the English defaults.
 *
 * @example
 * const fr = mergeStrings({ composer: { send: 'Envoyer' } });
 * fr.composer.send; // 'Envoyer'
 */
export function mergeStrings(override?: PagedeskStringsInput): PagedeskStrings {
  if (!override) return defaultStrings;
  return merge(
    defaultStrings as unknown as Record<string, unknown>,
    override as Record<string, unknown>,
  ) as unknown as PagedeskStrings;
}

// The names before `strings` (they read like chat messages, beside `useMessages`): kept one release.

/** @deprecated Use {@link defaultStrings}; removed in the next major release. */
export const defaultMessages: PagedeskStrings = defaultStrings;
/** @deprecated Use {@link PagedeskStrings}; removed in the next major release. */
export type PagedeskMessages = PagedeskStrings;
/** @deprecated Use {@link PagedeskStringsInput}; removed in the next major release. */
export type PagedeskMessagesInput = PagedeskStringsInput;
/** @deprecated Use {@link mergeStrings}; removed in the next major release. */
export const mergeMessages: (override?: PagedeskStringsInput) => PagedeskStrings = mergeStrings;

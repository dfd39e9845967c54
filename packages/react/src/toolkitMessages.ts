// The strings of the agent's toolkit around a conversation (customer panel, thread owner, comment
// moderation, notifications), merged into `defaultMessages` so hosts translate them the same way.

/** The customer panel's strings. */
export const customerMessages = {
  panel: 'Customer details',
  show: 'Show customer details',
  hide: 'Hide customer details',
  close: 'Close',
  loading: 'Loading customer…',
  error: 'The customer could not be loaded.',
  fromMeta: 'From Meta',
  metaName: 'Name',
  username: 'Username',
  platformId: 'Page-scoped id',
  noProfile: 'Meta did not share a profile.',
  details: 'Details',
  name: 'Name (shown to agents)',
  email: 'Email',
  phone: 'Phone',
  notes: 'Notes',
  notesHint: 'Only agents see these notes.',
  save: 'Save',
  saving: 'Saving…',
  saved: 'Saved',
  saveFailed: 'The details could not be saved.',
  updatedBy: (who: string, when: string) => `Updated by ${who}, ${when}`,
  block: 'Block',
  unblock: 'Unblock',
  blocking: 'Blocking…',
  unblocking: 'Unblocking…',
  blocked: 'Blocked from the page',
  blockedBy: (who: string, when: string) => `Blocked by ${who}, ${when}`,
  confirmBlock: (name: string) =>
    `Block ${name}? They can no longer message the page, and no reply can be sent until you unblock them.`,
  blockFailed: 'Blocking did not work.',
};

/** Who holds a Messenger thread (handover protocol) and the actions on it. */
export const routingMessages = {
  owner: 'Thread owner',
  us: 'This inbox',
  pageInbox: "Meta's Page Inbox",
  bot: (appId: string) => `Another app (${appId})`,
  idle: 'Nobody',
  heldBy: (who: string) => `${who} holds this conversation`,
  requested: (who: string) => `${who} asked for this conversation`,
  take: 'Take over',
  pass: 'Pass back',
  request: 'Request',
  check: 'Check owner',
  actionFailed: 'The thread action failed.',
  standby: 'Standby',
  standbyHint: 'Arrived while another app held the conversation',
};

/** Comment moderation: the state shown under a comment and its buttons. */
export const moderationMessages = {
  actions: 'Moderate comment',
  hide: 'Hide',
  unhide: 'Unhide',
  delete: 'Delete',
  like: 'Like',
  unlike: 'Unlike',
  hiddenBy: (who: string) => `Hidden by ${who}`,
  hidden: 'Hidden',
  deleted: 'Deleted',
  liked: 'Liked',
  confirmDelete: 'Delete this comment on Meta? This cannot be undone.',
  failed: 'The comment could not be moderated.',
};

/** Browser notifications of new customer messages. */
export const notificationMessages = {
  newMessage: (name: string) => `New message from ${name}`,
  attachment: 'Sent an attachment',
  enable: 'Enable notifications',
  denied: 'Notifications are blocked in this browser',
};

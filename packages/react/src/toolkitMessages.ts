// The strings of the agent's toolkit around a conversation (customer panel, thread owner, comment
// moderation, notifications), merged into `defaultMessages` so hosts translate them the same way.
// Failures read "The action failed." (`channels.actionFailed`) followed by the server's reason.

/** The customer panel's strings. */
export const customerMessages = {
  panel: 'Customer details',
  close: 'Close',
  fromMeta: 'From Meta',
  metaName: 'Name',
  username: 'Username',
  details: 'Details',
  name: 'Name (shown to agents)',
  email: 'Email',
  phone: 'Phone',
  notes: 'Notes',
  save: 'Save',
  saved: 'Saved',
  updatedBy: (who: string, when: string) => `Updated by ${who}, ${when}`,
  block: 'Block',
  unblock: 'Unblock',
  blocked: (when: string, who?: string) => `Blocked${who ? ` by ${who}` : ''}, ${when}`,
  confirmBlock: (name: string) =>
    `Block ${name}? They can no longer message the page, and no reply can be sent until you unblock them.`,
};

/** Who holds a Messenger thread (handover protocol) and the actions on it. */
export const routingMessages = {
  owner: 'Thread owner',
  us: 'This inbox',
  pageInbox: "Meta's Page Inbox",
  bot: (appId: string) => `Another app (${appId})`,
  heldBy: (who: string) => `${who} holds this conversation`,
  requested: (who: string) => `${who} asked for this conversation`,
  take: 'Take over',
  pass: 'Pass back',
  request: 'Request',
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
};

/** Browser notifications of new customer messages. */
export const notificationMessages = {
  newMessage: (name: string) => `New message from ${name}`,
  attachment: 'Sent an attachment',
};

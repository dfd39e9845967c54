// Who holds a Messenger thread (handover protocol): a pure rule, apart from the <ThreadOwner> part so
// the main entry exports it without that part's code (which loads when a shared thread shows).

import type { Channel, ConversationWithCustomer } from '@pagedesk/core';

/** Who holds a thread, relative to this inbox's app. */
export type ThreadHolder = 'us' | 'other' | 'idle' | 'unknown';

/**
 * Who holds a Messenger thread (handover protocol): `us` (the channel's app), `other` (a bot, Meta's
 * Page Inbox), `idle`, or `unknown` when nothing was heard (the page shares no thread with another app).
 *
 * @example
 * threadHolder(conversation, channel); // 'other' while the bot answers
 */
export function threadHolder(
  conversation: Pick<ConversationWithCustomer, 'threadOwner'>,
  channel: Pick<Channel, 'appId'> | undefined,
): ThreadHolder {
  const owner = conversation.threadOwner;
  if (!owner) return 'unknown';
  if (owner.appId === null) return 'idle';
  return channel && owner.appId === channel.appId ? 'us' : 'other';
}

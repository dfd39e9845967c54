import { ThreadControlError, ValidationError } from '../errors.js';
import { PAGE_INBOX_APP_ID } from '../inbox/echoes.js';
import { type Channel, type Conversation, threadHeldBy } from '../model.js';
import type { ChannelContext } from './channelContext.js';

// Routing with bots (Messenger handover protocol): this inbox takes, passes or requests a customer's
// thread, or reads who holds it, and the conversation records the owner. Instagram moved to
// Conversation Routing (handover deprecated 2025-10-23): its routing is set up in Meta's app
// dashboard, so on Instagram only `check` and the owner heard from webhooks apply.
// https://developers.facebook.com/docs/messenger-platform/handover-protocol

/** What `channels.threadControl` does. */
export type ThreadControlAction = 'take' | 'pass' | 'request' | 'check';

/** Options of `channels.threadControl`. */
export interface ThreadControlOptions {
  /** For `pass`: the app to hand the thread to (a bot, or Meta's Page Inbox 263902037430900). */
  targetAppId?: string;
  /** Passed to the other app with the handover. */
  metadata?: string;
}

/**
 * The ThreadControlError that refuses a reply while another app holds the thread, or undefined when
 * this channel's app may send. Idle or never heard of: this app may send.
 */
export function threadControlRefusal(
  conversation: Pick<Conversation, 'threadOwner'>,
  channel: Pick<Channel, 'appId'>,
): ThreadControlError | undefined {
  const owner = threadHeldBy(conversation, channel);
  if (owner === undefined) return undefined;
  const who = owner === PAGE_INBOX_APP_ID ? "Meta's Page Inbox" : `another app (${owner})`;
  return new ThreadControlError(`${who} holds this conversation; take or request the thread to reply`);
}

/** Creates `threadControl` over the channels' shared context. */
export function createThreadControl(ctx: ChannelContext) {
  const { inbox, now } = ctx;
  return async function threadControl(
    conversationId: string,
    action: ThreadControlAction,
    options: ThreadControlOptions = {},
  ): Promise<Conversation> {
    const { conversation, channel, customer } = await ctx.loadConversation(conversationId);
    if (conversation.source !== 'message')
      throw new ValidationError('thread control', [
        { path: 'conversationId', message: 'comment threads have no owner' },
      ]);
    if (channel.platform === 'instagram' && action !== 'check')
      throw new ValidationError('thread control', [
        {
          path: 'action',
          message:
            'Instagram routes conversations with Conversation Routing (Meta app dashboard), not the handover API',
        },
      ]);
    ctx.assertSendable(channel);
    const page = await ctx.pageGraph(channel);
    const at = now();
    if (action === 'check') {
      const appId = await ctx.guarded(channel, () => page.threadOwner(customer.psid));
      return inbox.recordThreadOwner(conversationId, { appId, since: at });
    }
    await ctx.guarded(channel, () => page.threadControl(action, customer.psid, options));
    const metadata = options.metadata === undefined ? {} : { metadata: options.metadata };
    if (action === 'request') {
      // The owner does not change until the other app passes it (a handover webhook says so).
      return conversation;
    }
    const appId = action === 'take' ? channel.appId : (options.targetAppId as string);
    return inbox.recordThreadOwner(conversationId, { appId, since: at, ...metadata });
  };
}

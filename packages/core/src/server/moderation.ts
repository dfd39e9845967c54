import { NotFoundError } from '../errors.js';
import type { CommentAction, Message } from '../model.js';
import { assertModeratable } from '../moderation.js';
import type { ChannelContext } from './channelContext.js';

// Comment moderation through the send path's policy: the message must be a comment (a message of a
// comment conversation with Meta's id), the channel must be able to act (as for a send), Instagram
// comments cannot be liked, a deleted comment takes no further action; then Meta, then the message
// records what was done and by whom (`message:updated` to every open inbox).

/** Options of `channels.moderateComment`. */
export interface ModerateOptions {
  /** The agent who acted, recorded on the message. */
  agentId?: string;
}

/** Creates `moderateComment` over the channels' shared context. */
export function createModeration(ctx: ChannelContext) {
  const { store, inbox } = ctx;
  return async function moderateComment(
    messageId: string,
    action: CommentAction,
    options: ModerateOptions = {},
  ): Promise<Message> {
    const message = await store.messages.get(messageId);
    if (!message) throw new NotFoundError('Message', messageId);
    const { conversation, channel } = await ctx.loadConversation(message.conversationId);
    assertModeratable(conversation, message, action);
    ctx.assertSendable(channel);
    const page = await ctx.pageGraph(channel);
    const commentId = message.mid as string;
    await ctx.guarded(channel, () => page.moderateComment(commentId, action, channel.platform));
    return inbox.recordModeration(messageId, action, options.agentId);
  };
}

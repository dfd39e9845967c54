import { RuleViolationError } from './errors.js';
import type { CommentAction, Conversation, Message, Moderation } from './model.js';

// The rules of comment moderation, pure so the server's send path and a UI (or a fake backend) agree:
// which messages can be moderated, what is refused before Meta is asked, and the state after an action.

/**
 * Throws the RuleViolationError that refuses `action` on `message` before any call to Meta: not a
 * comment (`not_a_comment`), already deleted (`comment_deleted`), a like on Instagram (`not_supported`).
 *
 * @example
 * assertModeratable(conversation, message, 'like'); // throws on an Instagram comment
 */
export function assertModeratable(
  conversation: Pick<Conversation, 'source' | 'platform'>,
  message: Pick<Message, 'mid' | 'moderation'>,
  action: CommentAction,
): void {
  if (conversation.source !== 'comment' || message.mid === undefined)
    throw new RuleViolationError('not_a_comment', 'Only comments can be hidden, deleted or liked');
  if (message.moderation?.deleted)
    throw new RuleViolationError('comment_deleted', 'This comment was deleted on Meta');
  if (conversation.platform === 'instagram' && (action === 'like' || action === 'unlike'))
    throw new RuleViolationError('not_supported', 'Instagram comments cannot be liked through Meta’s API');
}

/**
 * A comment's moderation after `action` was carried out at `at` by `agentId`.
 *
 * @example
 * moderationAfter(undefined, 'hide', Date.now(), 'ana'); // { hidden: true, deleted: false, liked: false, actions: [...] }
 */
export function moderationAfter(
  before: Moderation | undefined,
  action: CommentAction,
  at: number,
  agentId?: string,
): Moderation {
  const state = before ?? { hidden: false, deleted: false, liked: false, actions: [] };
  return {
    hidden: action === 'hide' ? true : action === 'unhide' ? false : state.hidden,
    deleted: state.deleted || action === 'delete',
    liked: action === 'like' ? true : action === 'unlike' ? false : state.liked,
    actions: [...state.actions, { action, at, ...(agentId === undefined ? {} : { agentId }) }],
  };
}

import { type OutboundFile, planReply, type ReplyPart, type ReplyProblem } from './attachments.js';
import {
  ChannelUnavailableError,
  NotFoundError,
  RecipientUnavailableError,
  RuleViolationError,
  ThreadControlError,
  ValidationError,
  WindowClosedError,
} from './errors.js';
import type { Attachment, Channel, Conversation, Customer, Message } from './model.js';
import { PAGE_INBOX_APP_ID, SENDABLE_STATUSES, threadHeldBy } from './modelRules.js';
import type { Rules } from './rules.js';
import type { SendDraft } from './sendDraft.js';
import { type SenderKind, windowForConversation } from './window.js';

// The rules a reply must pass before anything is recorded or sent, as pure functions: the server's
// send path (`createChannels`) and the React kit's fake transport both decide with `decideReply`, so
// a reply the fake accepts is one the server accepts, with the same typed error otherwise.

/** Who sends a reply: its kind and, for an agent, the agent id (personas, stored author). */
export interface Sender {
  kind: SenderKind;
  agentId?: string;
}

/** Reads who sends a draft; `agentId` alone means an agent. */
export function senderOf(draft: Pick<SendDraft, 'author' | 'agentId'>): Sender {
  const author = draft.author;
  if (author?.kind === 'automation') {
    if (draft.agentId !== undefined)
      throw new ValidationError('reply', [
        { path: 'agentId', message: 'an automation reply has no agent; leave agentId out' },
      ]);
    return { kind: 'automation' };
  }
  const agentId = author?.agentId ?? draft.agentId;
  if (author?.agentId !== undefined && draft.agentId !== undefined && author.agentId !== draft.agentId)
    throw new ValidationError('reply', [
      { path: 'author.agentId', message: 'differs from agentId; give one of them' },
    ]);
  return agentId ? { kind: 'agent', agentId } : { kind: 'agent' };
}

/** The ChannelUnavailableError of a channel that may not send in its status, or undefined. */
export function unsendableRefusal(
  channel: Pick<Channel, 'id' | 'status' | 'statusReason'>,
): ChannelUnavailableError | undefined {
  return SENDABLE_STATUSES.has(channel.status)
    ? undefined
    : new ChannelUnavailableError(channel.id, channel.status, channel.statusReason);
}

/** The error that refuses a reply to a blocked customer, or undefined. */
export function blockedRefusal(customer: Pick<Customer, 'blocked'>): RecipientUnavailableError | undefined {
  return customer.blocked
    ? new RecipientUnavailableError('This customer is blocked from the page; unblock them to reply')
    : undefined;
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

/** Why the window refuses this reply now, or undefined when it is open. */
export function windowError(
  channel: Channel,
  conversation: Conversation,
  at: number,
  sender: SenderKind,
): WindowClosedError | undefined {
  const window = windowForConversation(conversation, channel, at, { sender });
  if (window.messagingType !== null && (conversation.source === 'message' || window.privateReply))
    return undefined;
  // The reason already says what would reopen the window; automation is also told who still can reply.
  const agentCanReply = window.reason.code === 'closed_automation' && channel.settings.humanAgent;
  const hint =
    agentCanReply && conversation.source === 'message' ? ' Hand the conversation to an agent.' : '';
  return new WindowClosedError(`${window.reason.text}.${hint}`, {
    ...(window.closesAt === null ? {} : { closedAt: window.closesAt }),
  });
}

/** One RuleViolationError naming every problem of a reply plan. */
export function ruleError(problems: ReplyProblem[]): RuleViolationError {
  const first = problems[0]!;
  const message = problems.map((p) =>
    p.index === undefined ? p.message : `Attachment ${p.index + 1}: ${p.message}`,
  );
  return new RuleViolationError(first.code, message.join(' '), first.limit);
}

/** The attachments a message of one planned part holds. */
export function attachmentsOfPart(part: ReplyPart): Attachment[] {
  const toAttachment = (kind: Attachment['kind'], file: OutboundFile): Attachment => ({
    kind,
    name: file.name,
    mimeType: file.type,
    size: file.size,
    ...(file.url === undefined ? {} : { url: file.url }),
    ...(file.attachmentId === undefined ? {} : { attachmentId: file.attachmentId }),
  });
  if (part.type === 'images') return part.files.map((f) => toAttachment('image', f));
  if (part.type === 'attachment') return [toAttachment(part.kind, part.file)];
  return [];
}

/**
 * The `replyTo` of a reply quoting `messageId`: the quoted message must be in the same conversation
 * and have reached Meta (its mid is what Meta quotes).
 *
 * @param quoted - The stored message with that id, if any.
 * @throws {NotFoundError} When no such message is in this conversation.
 * @throws {ValidationError} When it was never delivered.
 */
export function quoteOf(
  quoted: Pick<Message, 'id' | 'mid' | 'conversationId'> | undefined,
  conversationId: string,
  messageId: string,
): NonNullable<Message['replyTo']> {
  if (!quoted || quoted.conversationId !== conversationId) throw new NotFoundError('Message', messageId);
  if (!quoted.mid)
    throw new ValidationError('reply', [
      { path: 'replyToMessageId', message: 'the quoted message was never delivered, so it cannot be quoted' },
    ]);
  return { mid: quoted.mid, messageId: quoted.id };
}

/** What {@link decideReply} needs: the reply, where it goes, when, and the channel's rules. */
export interface ReplyContext {
  channel: Channel;
  conversation: Conversation;
  customer: Pick<Customer, 'blocked'>;
  draft: SendDraft;
  /** Now, epoch ms (the window is judged at this time). */
  at: number;
  /** The channel's text and attachment rules (`rulesFromSettings(channel)` or the host's). */
  rules: Rules;
}

/** A reply that passed every rule: a public answer under a comment, or the messages to send. */
export type ReplyDecision =
  | { kind: 'public'; sender: Sender; text: string }
  | {
      kind: 'messages';
      sender: Sender;
      /** One Send API message per part, in order (text first, then the attachments). */
      parts: ReplyPart[];
      messagingType: 'RESPONSE' | 'MESSAGE_TAG';
      tag?: 'HUMAN_AGENT';
    };

/**
 * Decides whether a reply may go out now, and as what: channel status, a blocked customer, thread
 * control, public-reply shape, the messaging window, then the text and attachment rules. Pure: it
 * records and sends nothing.
 *
 * @returns The decision to act on.
 * @throws The typed error the send path answers with (`ChannelUnavailableError`,
 * `RecipientUnavailableError`, `ThreadControlError`, `WindowClosedError`, `RuleViolationError`,
 * `ValidationError`).
 * @example
 * const decision = decideReply({ channel, conversation, customer, draft, at: Date.now(), rules: rulesFromSettings(channel) });
 */
export function decideReply(input: ReplyContext): ReplyDecision {
  const { channel, conversation, draft, at } = input;
  const refusal =
    unsendableRefusal(channel) ??
    blockedRefusal(input.customer) ??
    threadControlRefusal(conversation, channel);
  if (refusal) throw refusal;
  const sender = senderOf(draft);
  if (draft.publicReply) {
    if (!conversation.comment)
      throw new ValidationError('reply', [
        { path: 'publicReply', message: 'only comment conversations have public replies' },
      ]);
    if (draft.attachments?.length)
      throw new RuleViolationError(
        'public_reply_text_only',
        'A public reply under a comment can only be text',
      );
    const text = draft.text?.trim();
    if (!text) throw new RuleViolationError('empty_reply', 'Write a reply first');
    return { kind: 'public', sender, text };
  }
  const closed = windowError(channel, conversation, at, sender.kind);
  if (closed) throw closed;
  const plan = planReply(
    {
      ...(draft.text === undefined ? {} : { text: draft.text }),
      attachments: (draft.attachments ?? []).map((f) => ({
        name: f.name,
        type: f.type,
        size: f.size,
        url: f.url,
      })),
    },
    { rules: input.rules, platform: channel.platform, split: draft.split ?? false },
  );
  if (!plan.ok) throw ruleError(plan.problems);
  const comment = conversation.source === 'comment';
  if (comment && plan.parts.length > 1)
    throw new RuleViolationError(
      'private_reply_single',
      'A private reply to a comment is one message: send the text or one attachment',
    );
  return { kind: 'messages', sender, parts: plan.parts, ...replyRoute(channel, conversation, at, sender) };
}

/** How a message of this sender goes out now: its messaging type and, past 24 h, the tag. */
export function replyRoute(
  channel: Channel,
  conversation: Conversation,
  at: number,
  sender: Sender,
): { messagingType: 'RESPONSE' | 'MESSAGE_TAG'; tag?: 'HUMAN_AGENT' } {
  const window = windowForConversation(conversation, channel, at, { sender: sender.kind });
  // A private reply to a comment answers it (RESPONSE); a tag applies to message threads only.
  if (conversation.source === 'comment') return { messagingType: 'RESPONSE' };
  return {
    messagingType: window.messagingType ?? 'RESPONSE',
    ...(window.tag ? { tag: window.tag } : {}),
  };
}

import {
  HumanAgentUnavailableError,
  PermissionError,
  ValidationError,
  WindowClosedError,
} from '../errors.js';
import type { Channel, Conversation, Message } from '../model.js';
import type { SendDraft } from '../transport.js';
import { type SenderKind, windowForConversation } from '../window.js';
import type { ChannelContext } from './channelContext.js';

// Who is sending, and what that allows. A person (an agent) may answer with HUMAN_AGENT after 24 h
// when the channel has Meta's Human Agent feature; the host's automation only inside the 24-hour
// window, with RESPONSE (Meta's policy reserves the tag for people:
// https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags). When Meta
// refuses the tag, the app lacks the feature: the channel's `settings.humanAgent` is turned off so
// every later reply, every server and the composer's window follow the 24-hour rule.

/** Shown to the agent whose tagged reply Meta refused, and sent to admins with `channel:capability`. */
export const HUMAN_AGENT_REFUSED_TEXT =
  "Meta refused the human-agent tag: this app does not have Meta's Human Agent feature. Human Agent was turned off for this channel, so replies are possible only within 24 hours of the customer's last message.";

/** The sender of a draft: its kind, the author stored on the message, and the agent for personas. */
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

/** The sender of a stored message, for a retry. */
export function senderOfMessage(message: Message): Sender {
  if (message.author.kind === 'automation') return { kind: 'automation' };
  return message.author.agentId ? { kind: 'agent', agentId: message.author.agentId } : { kind: 'agent' };
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

/**
 * A permission error on a HUMAN_AGENT send means the app lacks Meta's Human Agent feature (Meta
 * answers 10 or 200 for a tag the app may not use): turns the capability off for the channel,
 * tells admins (`channel:capability`) and returns the typed error the composer shows. Any other
 * error is returned unchanged.
 */
export async function onTagRefused(
  ctx: ChannelContext,
  channel: Channel,
  tag: string | undefined,
  error: unknown,
): Promise<unknown> {
  if (tag !== 'HUMAN_AGENT' || !(error instanceof PermissionError)) return error;
  const details = {
    ...(error.graphCode === undefined ? {} : { graphCode: error.graphCode }),
    ...(error.subcode === undefined ? {} : { subcode: error.subcode }),
    ...(error.fbtraceId === undefined ? {} : { fbtraceId: error.fbtraceId }),
  };
  try {
    const current = await ctx.getChannel(channel.id);
    if (current.settings.humanAgent) {
      const saved = await ctx.inbox.updateChannel({
        ...current,
        settings: { ...current.settings, humanAgent: false },
        updatedAt: ctx.now(),
      });
      ctx.emitter.emit('channel:capability', {
        channel: saved,
        capability: 'humanAgent',
        enabled: false,
        reason: HUMAN_AGENT_REFUSED_TEXT,
      });
    }
  } catch (updateError) {
    ctx.reportError(updateError, channel.id);
  }
  return new HumanAgentUnavailableError(HUMAN_AGENT_REFUSED_TEXT, details, { cause: error });
}

import { HumanAgentUnavailableError, PermissionError } from '../errors.js';
import type { Channel, Message } from '../model.js';
import type { Sender } from '../sendRules.js';
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

/** The sender of a stored message, for a retry. */
export function senderOfMessage(message: Message): Sender {
  if (message.author.kind === 'automation') return { kind: 'automation' };
  return message.author.agentId ? { kind: 'agent', agentId: message.author.agentId } : { kind: 'agent' };
}

/**
 * Whether Meta refused the app itself rather than this one send: a permission code (10, or the 200
 * family) with no subcode. 230 ("Permissions disallow message to user") is about one recipient, and
 * a subcode names a narrower cause (10 / 1893063: the Page is restricted; 200 / 2534041: the
 * account's message access is off), so neither says the app lacks the Human Agent feature
 * (https://developers.facebook.com/docs/graph-api/guides/error-handling).
 */
function refusesTheApp({ graphCode: code, subcode }: PermissionError): boolean {
  if (subcode !== undefined || code === undefined || code === 230) return false;
  return code === 10 || (code >= 200 && code <= 299);
}

/**
 * Meta's refusal of the app on a HUMAN_AGENT send means it lacks Meta's Human Agent feature: turns
 * the capability off for the channel, tells admins (`channel:capability`) and returns the typed
 * error the composer shows. Any other error (one recipient's, a restricted Page's) is returned
 * unchanged, so one customer's refusal never closes every other conversation's 7-day window.
 */
export async function onTagRefused(
  ctx: ChannelContext,
  channel: Channel,
  tag: string | undefined,
  error: unknown,
): Promise<unknown> {
  if (tag !== 'HUMAN_AGENT' || !(error instanceof PermissionError) || !refusesTheApp(error)) return error;
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

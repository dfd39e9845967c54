import type { Channel, Conversation, Platform } from './model.js';
import { toEpoch } from './toEpoch.js';

// The messaging window: a pure function of the customer's last inbound
// action, the clock, the platform and the channel's Human Agent capability.
// - < 24 h after the last inbound action: standard messaging, RESPONSE, promotional content allowed.
// - 24 h to < 7 d: only with the Human Agent permission, MESSAGE_TAG + HUMAN_AGENT, no promotion.
// - otherwise closed until the customer writes again. ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE and
//   POST_PURCHASE_UPDATE answer error 100 since Apr 27 2026 and are never offered.
// - comments: one private reply within 7 d of the comment ([MP-PR]); public replies are not windowed.
// - automation (a host's bot, an auto-reply) never uses HUMAN_AGENT: Meta's policy keeps the tag for
//   people, so automation only answers inside the 24 h standard window, with RESPONSE.
// Meta's pages: https://developers.facebook.com/docs/messenger-platform/send-messages#messaging_types
// and https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags

/** The standard messaging window: 24 hours. */
export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The Human Agent window, and the private-reply window of a comment: 7 days. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** A stable code a UI can translate, with an English text and the time left it speaks of. */
export interface WindowReason {
  code:
    | 'standard'
    | 'human_agent'
    | 'closed_expired'
    | 'closed_never_wrote'
    | 'closed_automation'
    | 'private_reply_available'
    | 'private_reply_used'
    | 'private_reply_expired';
  /** English, e.g. "Window closes in 3 h". */
  text: string;
  /** Milliseconds until the state changes; null when nothing will change until the customer acts. */
  remainingMs: number | null;
}

/** What may be sent now. Times are epoch milliseconds. */
export interface WindowEvaluation {
  state: 'standard' | 'human_agent' | 'closed';
  /** Some reply is possible now (for a comment: at least a public reply, which is never windowed). */
  canReply: boolean;
  /** The Send API `messaging_type` for a message (or private reply) now; null when none may be sent. */
  messagingType: 'RESPONSE' | 'MESSAGE_TAG' | null;
  /** Set with `MESSAGE_TAG`. */
  tag?: 'HUMAN_AGENT';
  promotionalAllowed: boolean;
  /** When standard messaging ends (24 h after the last inbound action); null if the customer never wrote. */
  standardEndsAt: number | null;
  /** When no message can be sent any more; null if the customer never wrote. */
  closesAt: number | null;
  /** Comments: the one private reply may be sent now. Always false for message conversations. */
  privateReply: boolean;
  /** Comments: a public reply under the comment may be sent. Always false for message conversations. */
  publicReply: boolean;
  reason: WindowReason;
}

/** The input of `evaluateWindow`; times are a Date or epoch milliseconds. */
export interface WindowInput {
  /** The customer's last inbound action that counts (message, postback, reaction...; never an echo). */
  lastInboundAt: Date | number | null;
  now: Date | number;
  platform: Platform;
  /** `message` for direct messages, `comment` for a comment conversation. Default `message`. */
  source?: 'message' | 'comment';
  /** The channel has Meta's Human Agent permission. Default true. */
  humanAgent?: boolean;
  /** Comments: the one private reply was used. */
  privateReplySent?: boolean;
  /** Comments: when the comment was written; `lastInboundAt` when omitted. */
  commentCreatedAt?: Date | number | null;
  /**
   * Who replies: `agent` (a person; default) or `automation` (a bot or auto-reply). Automation only
   * answers inside the 24-hour standard window, never with the HUMAN_AGENT tag.
   */
  sender?: SenderKind;
}

/** Who sends a reply: a person at the helpdesk, or the host's automation (bot, auto-reply). */
export type SenderKind = 'agent' | 'automation';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration as a short English text, rounded down so it never promises more time than there is:
 * `2 d 3 h`, `5 h`, `45 min`, `less than a minute`.
 *
 * @example
 * formatRemaining(3 * 60 * 60 * 1000 + 59 * 60 * 1000); // '3 h'
 */
export function formatRemaining(ms: number): string {
  if (!(ms >= MINUTE)) return 'less than a minute';
  if (ms >= DAY) {
    const days = Math.floor(ms / DAY);
    const hours = Math.floor((ms - days * DAY) / HOUR);
    return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  }
  if (ms >= HOUR) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.floor(ms / MINUTE)} min`;
}

/**
 * The window of an input whose fields are known to be right (built here, or checked by
 * `evaluateWindow`): the rules themselves, without the check, so what only reads a conversation
 * (the composer, the list's badges) loads without zod.
 */
export function windowOf(input: WindowInput): WindowEvaluation {
  const {
    source = 'message',
    humanAgent: channelHumanAgent = true,
    privateReplySent = false,
    sender = 'agent',
  } = input;
  // The tag is for people: for automation the window is the standard one whatever the channel allows.
  const humanAgent = channelHumanAgent && sender === 'agent';
  const now = toEpoch(input.now, 'now', 'window input');
  const last =
    input.lastInboundAt === null ? null : toEpoch(input.lastInboundAt, 'lastInboundAt', 'window input');

  if (source === 'comment') {
    const created =
      input.commentCreatedAt === undefined || input.commentCreatedAt === null
        ? last
        : toEpoch(input.commentCreatedAt, 'commentCreatedAt', 'window input');
    const endsAt = created === null ? null : created + HUMAN_AGENT_WINDOW_MS;
    const open = !privateReplySent && endsAt !== null && now < endsAt;
    const reason: WindowReason = open
      ? {
          code: 'private_reply_available',
          text: `Private reply possible for ${formatRemaining(endsAt - now)}`,
          remainingMs: endsAt - now,
        }
      : privateReplySent
        ? {
            code: 'private_reply_used',
            text: 'Private reply already sent; reply publicly',
            remainingMs: null,
          }
        : {
            code: 'private_reply_expired',
            text: 'Private reply no longer possible; reply publicly',
            remainingMs: null,
          };
    return {
      state: open ? 'standard' : 'closed',
      canReply: true,
      messagingType: open ? 'RESPONSE' : null,
      // Meta documents no promotional allowance for private replies: stay conservative.
      promotionalAllowed: false,
      standardEndsAt: endsAt,
      closesAt: endsAt,
      privateReply: open,
      publicReply: true,
      reason,
    };
  }

  if (last === null) {
    return {
      state: 'closed',
      canReply: false,
      messagingType: null,
      promotionalAllowed: false,
      standardEndsAt: null,
      closesAt: null,
      privateReply: false,
      publicReply: false,
      reason: { code: 'closed_never_wrote', text: 'The customer has not written yet', remainingMs: null },
    };
  }
  const standardEndsAt = last + STANDARD_WINDOW_MS;
  const closesAt = humanAgent ? last + HUMAN_AGENT_WINDOW_MS : standardEndsAt;
  const base = { standardEndsAt, closesAt, privateReply: false, publicReply: false };
  if (now < standardEndsAt) {
    const remaining = closesAt - now;
    const text = humanAgent
      ? `Standard window ends in ${formatRemaining(standardEndsAt - now)}; human-agent replies possible for ${formatRemaining(remaining)}`
      : `Window closes in ${formatRemaining(remaining)}`;
    return {
      ...base,
      state: 'standard',
      canReply: true,
      messagingType: 'RESPONSE',
      promotionalAllowed: true,
      reason: { code: 'standard', text, remainingMs: standardEndsAt - now },
    };
  }
  if (now < closesAt) {
    return {
      ...base,
      state: 'human_agent',
      canReply: true,
      messagingType: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      promotionalAllowed: false,
      reason: {
        code: 'human_agent',
        text: `Human agent window closes in ${formatRemaining(closesAt - now)}; no promotional content`,
        remainingMs: closesAt - now,
      },
    };
  }
  // Automation is told why in its own words; with the Human Agent feature, a person could still answer.
  const agentEndsAt = last + HUMAN_AGENT_WINDOW_MS;
  const reason: WindowReason =
    sender === 'automation'
      ? {
          code: 'closed_automation',
          text: `Automation cannot reply outside the 24-hour window; ${channelHumanAgent && now < agentEndsAt ? `an agent can reply for ${formatRemaining(agentEndsAt - now)}` : 'the customer must write first'}`,
          remainingMs: null,
        }
      : {
          code: 'closed_expired',
          text: `Window closed ${formatRemaining(now - closesAt)} ago; the customer must write first`,
          remainingMs: null,
        };
  return {
    ...base,
    state: 'closed',
    canReply: false,
    messagingType: null,
    promotionalAllowed: false,
    reason,
  };
}

/**
 * The window of a stored conversation: its platform, source, last inbound action and private-reply
 * use, with the Human Agent capability of its channel (or `{ humanAgent }`).
 *
 * @param options - `sender`: `automation` for a bot's reply (24-hour window only); `agent` by default.
 *
 * @example
 * windowForConversation(conversation, channel, Date.now()).canReply;
 * windowForConversation(conversation, channel, Date.now(), { sender: 'automation' }).messagingType; // 'RESPONSE' or null
 */
export function windowForConversation(
  conversation: Pick<Conversation, 'platform' | 'source' | 'lastInboundAt' | 'createdAt' | 'comment'>,
  channel: Pick<Channel, 'settings'> | { humanAgent: boolean },
  now: Date | number,
  options: { sender?: SenderKind } = {},
): WindowEvaluation {
  const humanAgent = 'settings' in channel ? channel.settings.humanAgent : channel.humanAgent;
  return windowOf({
    lastInboundAt: conversation.lastInboundAt,
    now,
    platform: conversation.platform,
    source: conversation.source,
    humanAgent,
    privateReplySent: conversation.comment?.privateReplySentAt != null,
    // A private reply answers the customer's newest comment: a later one's time is the last inbound one.
    commentCreatedAt:
      conversation.source !== 'comment'
        ? null
        : conversation.comment?.latestId
          ? conversation.lastInboundAt
          : conversation.createdAt,
    ...(options.sender ? { sender: options.sender } : {}),
  });
}

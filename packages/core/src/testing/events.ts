import type {
  CommentEvent,
  DeliveryEvent,
  EchoEvent,
  EditEvent,
  FeedbackEvent,
  HandoverEvent,
  MessageEvent,
  OptinEvent,
  PolicyEnforcementEvent,
  PostbackEvent,
  ReactionEvent,
  ReadEvent,
  ReferralEvent,
  UnknownEvent,
  UnsendEvent,
} from '../events.js';
import type { Platform } from '../model.js';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
let seq = 0;
const next = () => ++seq;

type Input<T> = Partial<Omit<T, 'kind'>>;

function base(
  input: { platform?: Platform; pageId?: string; customerId?: string | null; timestamp?: number },
  n: number,
) {
  return {
    platform: input.platform ?? ('messenger' as Platform),
    pageId: input.pageId ?? 'PAGE_1',
    customerId: input.customerId === undefined ? 'PSID_1' : input.customerId,
    timestamp: input.timestamp ?? T0 + n * 1000,
  };
}

/**
 * Builders of valid `MessengerEvent`s for tests of any package. Defaults: page `PAGE_1`, customer
 * `PSID_1`, Messenger, increasing timestamps from 2026-01-01 and unique mids; ids are derived from the
 * content the way a webhook parser derives them (a redelivery gets the same id). `raw` holds the
 * matching Meta `messaging` item.
 *
 * @example
 * await inbox.apply([testEvents.message({ text: 'Hi' }), testEvents.read({ watermark: Date.now() })]);
 */
export const testEvents = {
  message(input: Input<MessageEvent> = {}): MessageEvent {
    const n = next();
    const b = base(input, n);
    const mid = input.mid ?? `m_${n}`;
    const event: MessageEvent = {
      id: `message:${mid}`,
      kind: 'message',
      ...b,
      mid,
      attachments: [],
      ...input,
      raw: undefined,
    };
    event.raw = input.raw ?? {
      sender: { id: event.customerId },
      recipient: { id: event.pageId },
      timestamp: event.timestamp,
      message: { mid, ...(event.text === undefined ? {} : { text: event.text }) },
    };
    return event;
  },
  echo(input: Input<EchoEvent> = {}): EchoEvent {
    const n = next();
    const b = base(input, n);
    const mid = input.mid ?? `m_${n}`;
    const event: EchoEvent = {
      id: `echo:${mid}`,
      kind: 'echo',
      ...b,
      mid,
      attachments: [],
      ...input,
      raw: undefined,
    };
    event.raw = input.raw ?? {
      sender: { id: event.pageId },
      recipient: { id: event.customerId },
      timestamp: event.timestamp,
      message: {
        is_echo: true,
        mid,
        ...(event.senderAppId === undefined ? {} : { app_id: Number(event.senderAppId) }),
        ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
        ...(event.text === undefined ? {} : { text: event.text }),
      },
    };
    return event;
  },
  edit(input: Input<EditEvent> & { mid: string }): EditEvent {
    const b = base(input, next());
    const editCount = input.editCount ?? 1;
    const text = input.text ?? 'edited';
    return {
      id: `edit:${input.mid}:${editCount}`,
      kind: 'edit',
      ...b,
      text,
      editCount,
      ...input,
      raw: input.raw ?? { message_edit: { mid: input.mid, text, num_edit: editCount } },
    };
  },
  unsend(input: Input<UnsendEvent> & { mid: string }): UnsendEvent {
    const b = base(input, next());
    return {
      id: `unsend:${input.mid}`,
      kind: 'unsend',
      ...b,
      ...input,
      raw: input.raw ?? { message: { mid: input.mid, is_deleted: true } },
    };
  },
  reaction(input: Input<ReactionEvent> & { mid: string }): ReactionEvent {
    const b = base(input, next());
    const action = input.action ?? 'react';
    return {
      id: `reaction:${input.mid}:${action}:${b.customerId}:${b.timestamp}`,
      kind: 'reaction',
      ...b,
      action,
      ...(action === 'react' && input.emoji === undefined && input.reaction === undefined
        ? { emoji: '❤️', reaction: 'love' }
        : {}),
      ...input,
      raw: input.raw ?? { reaction: { mid: input.mid, action } },
    };
  },
  postback(input: Input<PostbackEvent> = {}): PostbackEvent {
    const n = next();
    const b = base(input, n);
    const mid = input.mid ?? `m_${n}`;
    return {
      id: `postback:${mid}`,
      kind: 'postback',
      ...b,
      mid,
      title: 'Get Started',
      payload: 'GET_STARTED',
      ...input,
      raw: input.raw ?? {
        postback: { mid, title: input.title ?? 'Get Started', payload: input.payload ?? 'GET_STARTED' },
      },
    };
  },
  read(input: Input<ReadEvent> = {}): ReadEvent {
    const b = base(input, next());
    const key = input.mid ?? String(input.watermark ?? b.timestamp);
    return {
      id: `read:${b.customerId}:${key}`,
      kind: 'read',
      ...b,
      ...(input.mid === undefined ? { watermark: b.timestamp } : {}),
      ...input,
      raw: input.raw ?? {
        read: input.mid === undefined ? { watermark: input.watermark ?? b.timestamp } : { mid: input.mid },
      },
    };
  },
  delivery(input: Input<DeliveryEvent> = {}): DeliveryEvent {
    const b = base(input, next());
    const watermark = input.watermark ?? b.timestamp;
    return {
      id: `delivery:${b.customerId}:${watermark}`,
      kind: 'delivery',
      ...b,
      watermark,
      mids: [],
      ...input,
      raw: input.raw ?? { delivery: { watermark, mids: input.mids ?? [] } },
    };
  },
  referral(input: Input<ReferralEvent> = {}): ReferralEvent {
    const b = base(input, next());
    return {
      id: `referral:${b.customerId}:${b.timestamp}`,
      kind: 'referral',
      ...b,
      referral: { source: 'SHORTLINK', type: 'OPEN_THREAD', ref: 'test' },
      ...input,
      raw: input.raw ?? { referral: { source: 'SHORTLINK', type: 'OPEN_THREAD', ref: 'test' } },
    };
  },
  optin(input: Input<OptinEvent> = {}): OptinEvent {
    const b = base(input, next());
    return {
      id: `optin:${b.customerId}:${b.timestamp}`,
      kind: 'optin',
      ...b,
      ...input,
      raw: input.raw ?? { optin: {} },
    };
  },
  handover(input: Input<HandoverEvent> = {}): HandoverEvent {
    const b = base(input, next());
    const action = input.action ?? 'pass';
    return {
      id: `handover:${action}:${b.customerId}:${b.timestamp}`,
      kind: 'handover',
      ...b,
      action,
      ...input,
      raw: input.raw ?? { pass_thread_control: { new_owner_app_id: '1' } },
    };
  },
  policyEnforcement(input: Input<PolicyEnforcementEvent> = {}): PolicyEnforcementEvent {
    const b = base(input, next());
    const action = input.action ?? 'block';
    return {
      id: `policy:${b.pageId}:${action}:${b.timestamp}`,
      kind: 'policy_enforcement',
      ...b,
      customerId: null,
      action,
      ...input,
      raw: input.raw ?? { policy_enforcement: { action } },
    };
  },
  feedback(input: Input<FeedbackEvent> = {}): FeedbackEvent {
    const b = base(input, next());
    const answers = input.answers ?? [{ questionId: 'q1', type: 'csat' as const, score: 5 }];
    return {
      id: `feedback:${b.pageId}:${b.customerId}:${b.timestamp}`,
      kind: 'feedback',
      ...b,
      answers,
      ...input,
      raw: input.raw ?? { messaging_feedback: { feedback_screens: [] } },
    };
  },
  comment(input: Input<CommentEvent> = {}): CommentEvent {
    const n = next();
    const b = base(input, n);
    const action = input.action ?? 'add';
    const commentId = input.commentId ?? `post_1_c${n}`;
    const from = input.from ?? { id: b.customerId ?? 'PSID_1', name: 'Ana Customer' };
    return {
      id: `comment:${commentId}:${action}:${b.timestamp}`,
      kind: 'comment',
      ...b,
      customerId: from.id,
      action,
      commentId,
      postId: 'post_1',
      ...(action === 'remove' ? {} : { text: 'Nice product! Price?' }),
      from,
      fromPage: false,
      ...input,
      raw: input.raw ?? { field: 'feed', value: { item: 'comment', verb: action, comment_id: commentId } },
    };
  },
  unknown(input: Input<UnknownEvent> = {}): UnknownEvent {
    const b = base(input, next());
    const field = input.field ?? 'messaging_game_plays';
    return {
      id: `unknown:${field}:${b.timestamp}`,
      kind: 'unknown',
      ...b,
      field,
      ...input,
      raw: input.raw ?? {},
    };
  },
};

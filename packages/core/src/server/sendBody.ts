import * as z from 'zod/mini';
import { parseOrThrow } from '../parseOrThrow.js';
import { QUICK_REPLY_LIMITS } from '../sendDraft.js';
import { type SentSurvey, sentSurveySchema } from '../survey.js';

// The Send API request: Pagedesk's typed message → Meta's body (https://developers.facebook.com/docs/messenger-platform/reference/send-api/), validated first so a
// malformed message is a ValidationError naming the field instead of a round trip to Meta.

/** Who receives a Send API message: a person (PSID/IGSID), or a comment/post for a private reply. */
export type SendRecipient = { id: string } | { commentId: string } | { postId: string };

/** An outbound attachment by public URL or by a reusable upload id. */
export interface OutboundAttachment {
  type: 'image' | 'video' | 'audio' | 'file';
  url?: string;
  attachmentId?: string;
  /** Ask Meta to keep a URL attachment reusable (its `attachment_id` comes back). */
  isReusable?: boolean;
}

/** A quick reply button; `user_phone_number`/`user_email` offer the customer's own details. */
export type QuickReply =
  | { title: string; payload: string; imageUrl?: string }
  | { contentType: 'user_phone_number' | 'user_email' };

/** One Send API message (Meta's Send API reference). Exactly one of `text`, `attachment`, `attachments`. */
export interface SendMessageRequest {
  recipient: SendRecipient;
  messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  /** With `MESSAGE_TAG`: `HUMAN_AGENT` or `CUSTOMER_FEEDBACK`. */
  tag?: string;
  text?: string;
  attachment?: OutboundAttachment;
  /** Several images in one message (images only, at most 30). */
  attachments?: OutboundAttachment[];
  quickReplies?: QuickReply[];
  /** A Customer Feedback Template (satisfaction survey), Messenger only. */
  survey?: SentSurvey;
  /** Echoed back in `message_echoes`: Pagedesk puts its own message id here. Under 1000 characters. */
  metadata?: string;
  /** Quote-reply: the mid of the quoted message (top-level `reply_to`). */
  replyTo?: string;
  personaId?: string;
  notificationType?: 'REGULAR' | 'SILENT_PUSH' | 'NO_PUSH';
}

const attachmentRefSchema = z
  .object({
    type: z.enum(['image', 'video', 'audio', 'file']),
    url: z.optional(z.string().check(z.url())),
    attachmentId: z.optional(z.string().check(z.minLength(1))),
    isReusable: z.optional(z.boolean()),
  })
  .check(
    z.refine((a) => (a.url === undefined) !== (a.attachmentId === undefined), {
      message: 'give exactly one of url or attachmentId',
    }),
  );

const sendRequestSchema = z
  .object({
    recipient: z.union([
      z.object({ id: z.string().check(z.minLength(1)) }),
      z.object({ commentId: z.string().check(z.minLength(1)) }),
      z.object({ postId: z.string().check(z.minLength(1)) }),
    ]),
    messagingType: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']),
    tag: z.optional(z.string().check(z.minLength(1))),
    // Meta: "UTF-8, < 2000 characters" (Send API reference). The rules profile (`metaRules`, 2000
    // inclusive, UTF-16 units) decides what the send path splits; this guard only stops the absurd.
    text: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
    attachment: z.optional(attachmentRefSchema),
    attachments: z.optional(
      z.array(attachmentRefSchema).check(
        z.minLength(1),
        z.maxLength(30),
        z.refine((list) => list.every((a) => a.type === 'image'), {
          message: 'only images can share a message',
        }),
      ),
    ),
    survey: z.optional(sentSurveySchema),
    quickReplies: z.optional(
      z
        .array(
          z.union([
            z.object({
              title: z.string().check(z.minLength(1), z.maxLength(QUICK_REPLY_LIMITS.title)),
              payload: z.string().check(z.minLength(1), z.maxLength(QUICK_REPLY_LIMITS.payload)),
              imageUrl: z.optional(z.string()),
            }),
            z.object({ contentType: z.enum(['user_phone_number', 'user_email']) }),
          ]),
        )
        .check(z.maxLength(QUICK_REPLY_LIMITS.count)),
    ),
    metadata: z.optional(z.string().check(z.maxLength(999))),
    replyTo: z.optional(z.string().check(z.minLength(1))),
    personaId: z.optional(z.string().check(z.minLength(1))),
    notificationType: z.optional(z.enum(['REGULAR', 'SILENT_PUSH', 'NO_PUSH'])),
  })
  .check(
    z.refine(
      (r) =>
        [r.text, r.attachment, r.attachments, r.survey].filter((part) => part !== undefined).length === 1,
      {
        message: 'give exactly one of text, attachment, attachments or survey',
        path: ['text'],
      },
    ),
    z.refine((r) => (r.messagingType === 'MESSAGE_TAG') === (r.tag !== undefined), {
      message: 'tag is required with MESSAGE_TAG and only then',
      path: ['tag'],
    }),
  );

function toMetaAttachment(a: OutboundAttachment) {
  return {
    type: a.type,
    payload:
      a.attachmentId !== undefined
        ? { attachment_id: a.attachmentId }
        : { url: a.url, ...(a.isReusable === undefined ? {} : { is_reusable: a.isReusable }) },
  };
}

/**
 * The Customer Feedback Template of a survey: one screen with one question whose id comes back in
 * `messaging_feedback` (https://developers.facebook.com/docs/messenger-platform/send-messages/templates/customer-feedback-template).
 */
function customerFeedbackAttachment(s: SentSurvey) {
  const question = {
    id: s.questionId,
    type: s.type,
    ...(s.question === undefined ? {} : { title: s.question }),
    ...(s.followUp ? { follow_up: { type: 'free_form' } } : {}),
  };
  return {
    type: 'template',
    payload: {
      template_type: 'customer_feedback',
      title: s.title,
      ...(s.subtitle === undefined ? {} : { subtitle: s.subtitle }),
      button_title: s.buttonTitle,
      feedback_screens: [{ questions: [question] }],
      business_privacy: { url: s.privacyUrl },
      ...(s.expiresInDays === undefined ? {} : { expires_in_days: s.expiresInDays }),
    },
  };
}

/** Builds Meta's Send API body from a typed request; validates first (ValidationError names the field). */
export function buildSendBody(request: SendMessageRequest): Record<string, unknown> {
  parseOrThrow(sendRequestSchema, request, 'Send API message');
  const r = request;
  const recipient =
    'id' in r.recipient
      ? { id: r.recipient.id }
      : 'commentId' in r.recipient
        ? { comment_id: r.recipient.commentId }
        : { post_id: r.recipient.postId };
  const message: Record<string, unknown> = {};
  if (r.text !== undefined) message['text'] = r.text;
  if (r.attachment) message['attachment'] = toMetaAttachment(r.attachment);
  if (r.attachments) message['attachments'] = r.attachments.map(toMetaAttachment);
  if (r.survey) message['attachment'] = customerFeedbackAttachment(r.survey);
  if (r.quickReplies)
    message['quick_replies'] = r.quickReplies.map((q) =>
      'contentType' in q
        ? { content_type: q.contentType }
        : {
            content_type: 'text',
            title: q.title,
            payload: q.payload,
            ...(q.imageUrl ? { image_url: q.imageUrl } : {}),
          },
    );
  if (r.metadata !== undefined) message['metadata'] = r.metadata;
  return {
    recipient,
    messaging_type: r.messagingType,
    ...(r.tag === undefined ? {} : { tag: r.tag }),
    message,
    ...(r.replyTo === undefined ? {} : { reply_to: { mid: r.replyTo } }),
    ...(r.personaId === undefined ? {} : { persona_id: r.personaId }),
    ...(r.notificationType === undefined ? {} : { notification_type: r.notificationType }),
  };
}

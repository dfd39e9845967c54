import type { EmulatorAttachment, EmulatorComment, EmulatorMessage } from './types.js';
import type { QueuedEvent } from './webhooks.js';
import type { ChangeEvent, MessagingEvent, MetaAttachment, MetaMessage } from './wire.js';
import type { Customer, PageState } from './world.js';

// Builders of the webhook items Meta sends for what customers and pages do, typed with the wire
// types node-webhook's parser accepts (wire.ts). docs/meta-platform.md lists the shapes and sources.

/** Until this day Meta delivers a sticker twice: as `sticker` and as `image`. */
const STICKER_DUAL_UNTIL = Date.UTC(2026, 7, 30);
/** The sticker id of Messenger's thumbs-up, used when a test sends a sticker without one. */
const DEFAULT_STICKER_ID = 369239263222822;

/** Meta's `reaction` names for the emoji it knows; any other emoji is `other`. */
const reactionNames: Record<string, string> = {
  '❤️': 'love',
  '❤': 'love',
  '😍': 'love',
  '👍': 'like',
  '👎': 'dislike',
  '😆': 'smile',
  '😄': 'smile',
  '😀': 'smile',
  '😂': 'smile',
  '😮': 'wow',
  '😯': 'wow',
  '😢': 'sad',
  '😭': 'sad',
  '😠': 'angry',
  '😡': 'angry',
};

export function reactionName(emoji: string): string {
  return reactionNames[emoji] ?? 'other';
}

/** The webhook object of a page: `instagram` for an Instagram account, `page` otherwise. */
export function objectOf(page: PageState): 'page' | 'instagram' {
  return page.platform === 'instagram' ? 'instagram' : 'page';
}

type EventBody = MessagingEvent extends infer T
  ? T extends unknown
    ? Omit<T, 'sender' | 'recipient' | 'timestamp'>
    : never
  : never;

/** A `messaging[]` event from a customer to their page. */
export function customerEvent(
  page: PageState,
  customer: Customer,
  timestamp: number,
  body: EventBody,
): QueuedEvent {
  return {
    pageId: page.id,
    object: objectOf(page),
    time: timestamp,
    messaging: {
      sender: { id: customer.id },
      recipient: { id: page.id },
      timestamp,
      ...body,
    },
  };
}

/** Meta's webhook attachment list for a message (sticker/image dual delivery until Aug 30 2026). */
export function webhookAttachments(attachments: EmulatorAttachment[], timestamp: number): MetaAttachment[] {
  const out: MetaAttachment[] = [];
  for (const a of attachments) {
    const payload = {
      ...(a.url === undefined ? {} : { url: a.url }),
      ...(a.title === undefined ? {} : { title: a.title }),
    };
    if (a.type === 'sticker') {
      const sticker = { ...payload, sticker_id: a.stickerId ?? DEFAULT_STICKER_ID };
      out.push({ type: 'sticker', payload: sticker });
      if (timestamp < STICKER_DUAL_UNTIL) out.push({ type: 'image', payload: { ...sticker } });
    } else if (a.type === 'fallback') {
      out.push({
        type: 'fallback',
        payload: a.url === undefined ? null : payload,
        ...(a.title ? { title: a.title } : {}),
      });
    } else out.push({ type: a.type, payload });
  }
  return out;
}

/** The `message` of a customer's message. */
export function inboundMessage(message: EmulatorMessage, quickReplyPayload: string | undefined): MetaMessage {
  return {
    mid: message.mid,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.attachments.length > 0
      ? { attachments: webhookAttachments(message.attachments, message.timestamp) }
      : {}),
    ...(quickReplyPayload === undefined ? {} : { quick_reply: { payload: quickReplyPayload } }),
    ...(message.replyToMid === undefined
      ? {}
      : { reply_to: { mid: message.replyToMid, is_self_reply: false } }),
  };
}

/** The echo of a message the page sent (through the Send API or another app, `appId`). */
export function echoEvent(page: PageState, message: EmulatorMessage, appId: string): QueuedEvent {
  const body: MetaMessage = {
    is_echo: true,
    app_id: Number(appId),
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
    mid: message.mid,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.attachments.length > 0
      ? { attachments: webhookAttachments(message.attachments, message.timestamp) }
      : {}),
    ...(message.replyToMid === undefined ? {} : { reply_to: { mid: message.replyToMid } }),
  };
  return {
    pageId: page.id,
    object: objectOf(page),
    time: message.timestamp,
    messaging: {
      sender: { id: page.id },
      recipient: { id: message.customerId },
      timestamp: message.timestamp,
      message: body,
    },
  };
}

/** The `changes[]` item of a new comment or visitor post: Page `feed`, or Instagram `comments`. */
export function commentChange(page: PageState, customer: Customer, comment: EmulatorComment): ChangeEvent {
  const postId = comment.postId;
  if (page.platform === 'instagram') {
    return {
      field: 'comments',
      value: {
        from: { id: customer.id, username: customer.username },
        media: { id: postId, media_product_type: 'FEED' },
        id: comment.id,
        ...(comment.parentId === null ? {} : { parent_id: comment.parentId }),
        text: comment.text,
      },
    };
  }
  const post = {
    id: postId,
    status_type: 'added_photos',
    is_published: true,
    permalink_url: `https://www.facebook.com/${postId}`,
  };
  const from = { id: customer.id, name: customer.name };
  const when = { verb: 'add', created_time: Math.floor(comment.createdAt / 1000), message: comment.text };
  if (comment.isPost)
    return { field: 'feed', value: { from, item: 'status', post_id: postId, ...when, post } };
  const parentId = comment.parentId ?? postId;
  return {
    field: 'feed',
    value: {
      from,
      item: 'comment',
      comment_id: comment.id,
      parent_id: parentId,
      post_id: postId,
      ...when,
      post,
    },
  };
}

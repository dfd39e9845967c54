import type {
  attachmentPayloadSchema,
  deliverySchema,
  feedCommentSchema,
  feedValueSchema,
  instagramCommentSchema,
  messageEditSchema,
  messageSchema,
  messagingItemSchema,
  postbackSchema,
  reactionSchema,
  readSchema,
} from '@pagedesk/node-webhook';
import type * as z from 'zod';

// Meta's webhook wire format, as node-webhook's parser accepts it: every webhook item the emulator
// builds is typed from these, so the typechecker proves the emulator sends what the parser reads.
// The one place the emulator imports wire types (type-only: erased from the built code).

/** The part of a `messaging[]` item every event shares: sender, recipient, timestamp. */
export type MetaMessagingItem = z.infer<typeof messagingItemSchema>;
/** `messaging[].message`: a message, an echo or an Instagram unsend. */
export type MetaMessage = z.infer<typeof messageSchema>;
/** One item of `message.attachments`. */
export type MetaAttachment = z.infer<typeof attachmentPayloadSchema>;
export type MetaMessageEdit = z.infer<typeof messageEditSchema>;
export type MetaReaction = z.infer<typeof reactionSchema>;
export type MetaPostback = z.infer<typeof postbackSchema>;
export type MetaRead = z.infer<typeof readSchema>;
export type MetaDelivery = z.infer<typeof deliverySchema>;
/** A Page `feed` change value (`item`, `verb`). */
export type MetaFeedValue = z.infer<typeof feedValueSchema>;
/** A Page `feed` comment change value. */
export type MetaFeedComment = z.infer<typeof feedCommentSchema>;
/** An Instagram `comments` change value. */
export type MetaInstagramComment = z.infer<typeof instagramCommentSchema>;

/** One `messaging[]` item with the event object that names its kind. */
export type MessagingEvent = MetaMessagingItem &
  (
    | { message: MetaMessage }
    | { message_edit: MetaMessageEdit }
    | { reaction: MetaReaction }
    | { postback: MetaPostback }
    | { read: MetaRead }
    | { delivery: MetaDelivery }
  );

/** The post a Page `feed` change is about. */
interface FeedPost {
  id: string;
  status_type: string;
  is_published: boolean;
  permalink_url: string;
}

/** A Page `feed` change value: a comment, or a visitor post (`item: "status"`, no comment id). */
export type FeedChangeValue =
  | (MetaFeedValue & MetaFeedComment & { item: 'comment'; post: FeedPost })
  | (MetaFeedValue & Omit<MetaFeedComment, 'comment_id' | 'parent_id'> & { item: 'status'; post: FeedPost });

/** One `changes[]` item the emulator sends: a Page `feed` comment or post, or an Instagram comment. */
export type ChangeEvent =
  | { field: 'feed'; value: FeedChangeValue }
  | { field: 'comments'; value: MetaInstagramComment & { media: { media_product_type: string } } };

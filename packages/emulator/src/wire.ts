import type {
  MetaAttachment,
  MetaDelivery,
  MetaFeedComment,
  MetaFeedValue,
  MetaInstagramComment,
  MetaMessage,
  MetaMessageEdit,
  MetaMessagingFeedback,
  MetaMessagingItem,
  MetaPostback,
  MetaReaction,
  MetaRead,
} from '@pagedesk/node-webhook/meta';

// Meta's webhook wire format, as node-webhook's parser accepts it (`@pagedesk/node-webhook/meta`): every
// webhook item the emulator builds is typed from it, so the typechecker proves the emulator sends what
// the parser reads. The one place the emulator imports wire types (type-only: erased from the built code).

export type { MetaAttachment, MetaMessage };

/** One `messaging[]` item with the event object that names its kind. */
export type MessagingEvent = Pick<MetaMessagingItem, 'sender' | 'recipient' | 'timestamp'> &
  (
    | { message: MetaMessage }
    | { message_edit: MetaMessageEdit }
    | { reaction: MetaReaction }
    | { postback: MetaPostback }
    | { read: MetaRead }
    | { delivery: MetaDelivery }
    | { messaging_feedback: MetaMessagingFeedback }
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

import type { Attachment, Channel, ConversationWithCustomer, Message } from '@pagedesk/core';
import type { ComponentType, ReactNode } from 'react';

/** Props of a conversation row; replace it through `components.ConversationItem`. */
export interface ConversationItemProps {
  conversation: ConversationWithCustomer;
  /** The conversation shown in the view. */
  selected: boolean;
  /** The row the keyboard cursor is on. */
  active: boolean;
  channel: Channel | undefined;
}

/** Props of a message bubble; replace it through `components.MessageBubble`. */
export interface MessageBubbleProps {
  message: Message;
  /** The quoted message, when it is loaded. */
  quoted: Message | undefined;
  /** Resends a failed message (one whose outcome is unknown is checked with Meta first). */
  onRetry: (() => void) | undefined;
  /**
   * Sends an unknown-outcome message again without checking (the customer may get it twice). Given only
   * after checking with Meta failed.
   */
  onSendAnyway?: (() => void) | undefined;
  /** Starts a quoted reply to this message in the composer. */
  onReply: (() => void) | undefined;
  /** Our answer published under a comment, visible to everyone (not a private message). */
  publicReply?: boolean;
  /** A customer's comment on a post: the bubble offers hide, delete and like (`<CommentModeration>`). */
  comment?: boolean;
}

/** Props of one attachment; replace it through `components.Attachment`. */
export interface AttachmentProps {
  attachment: Attachment;
  message: Message;
}

/** Props of an empty or placeholder state. */
export interface EmptyStateProps {
  kind: 'conversations' | 'messages' | 'channels' | 'selection';
  children: ReactNode;
}

/**
 * Parts a host can replace with its own components, through `<PagedeskProvider components>`.
 *
 * @example
 * <PagedeskProvider transport={t} components={{ EmptyState: ({ children }) => <MyEmpty>{children}</MyEmpty> }}>
 */
export interface PagedeskComponents {
  ConversationItem: ComponentType<ConversationItemProps>;
  MessageBubble: ComponentType<MessageBubbleProps>;
  Attachment: ComponentType<AttachmentProps>;
  EmptyState: ComponentType<EmptyStateProps>;
}

// Public value types of the emulator: snapshots handed to tests and to the chat page. They are
// copies; mutating one changes nothing in the emulator.

import type { EmulatorSurvey } from './feedback.js';

/** An attachment as the emulator stores it: Meta's type and a URL a browser can open. */
export interface EmulatorAttachment {
  type: string;
  url?: string;
  title?: string;
  stickerId?: number;
  /** The upload id when the page sent it by `attachment_id`. */
  attachmentId?: string;
}

/** A simulated customer (a PSID on Messenger, an IGSID on Instagram). */
export interface EmulatorCustomer {
  id: string;
  pageId: string;
  platform: 'messenger' | 'instagram';
  name: string;
  firstName: string;
  lastName: string;
  username: string;
  profilePic: string;
  /** When the customer last messaged, posted back or reacted (epoch ms, emulated clock); null if never. */
  lastInboundAt: number | null;
  /** Profile lookups fail with this Meta code. */
  profileError: 230 | 2018218 | null;
  unavailable: boolean;
}

/** One message of a conversation, in either direction. */
export interface EmulatorMessage {
  mid: string;
  pageId: string;
  customerId: string;
  direction: 'inbound' | 'outbound';
  text?: string;
  attachments: EmulatorAttachment[];
  timestamp: number;
  /** Outbound: the app that sent it (the calling app, or the Page Inbox for `page().echo`). */
  appId?: string;
  metadata?: string;
  personaId?: string;
  /** The persona's name, shown to the customer above the message. */
  personaName?: string;
  replyToMid?: string;
  /** Outbound: when the customer read it. */
  readAt?: number;
  deliveredAt?: number;
  /** The comment this private reply answers. */
  commentId?: string;
  /** Outbound: the quick replies offered with it, as sent (`message[quick_replies]`). */
  quickReplies?: unknown[];
  deleted?: boolean;
  /** Outbound: a Customer Feedback Template (satisfaction survey), answered from the chat page. */
  survey?: EmulatorSurvey;
  reactions: Array<{ by: 'customer'; emoji: string }>;
}

/** A Send API call the emulator accepted (`sent()`), with the request fields tests assert on. */
export interface SentMessage {
  mid: string;
  pageId: string;
  /** The PSID/IGSID it went to (for private replies, the commenter). */
  recipientId: string;
  /** The recipient as given: `{ id }`, `{ comment_id }` or `{ post_id }`. */
  recipient: Record<string, string>;
  text?: string;
  attachments: EmulatorAttachment[];
  messagingType: string | null;
  tag: string | null;
  metadata?: string;
  personaId?: string;
  replyToMid?: string;
  quickReplies?: unknown[];
  notificationType?: string;
  timestamp: number;
}

/** A sender action the emulator accepted (typing_on, typing_off, mark_seen, react, unreact). */
export interface SenderActionRecord {
  pageId: string;
  recipientId: string;
  action: string;
  personaId?: string;
  timestamp: number;
}

/** A comment on a page post (Facebook) or media (Instagram), by a simulated customer. */
export interface EmulatorComment {
  id: string;
  pageId: string;
  postId: string;
  parentId: string | null;
  customerId: string;
  text: string;
  createdAt: number;
  /** The mid of the private reply sent for it, once one was. */
  privateReplyMid: string | null;
  /** Public replies posted by the page through `/{comment-id}/comments` or `/replies`. */
  replies: Array<{ id: string; text: string; createdAt: number }>;
  /** A visitor post on the page rather than a comment (private replies use `recipient.post_id`). */
  isPost: boolean;
  /** Moderation by the page (moderation.ts): hidden from everyone but its author, deleted, liked. */
  hidden?: boolean;
  deleted?: boolean;
  likedByPage?: boolean;
}

/** A live update of the emulator, streamed to the chat page over SSE and to `on()` listeners. */
export type EmulatorUpdate =
  | { type: 'message'; message: EmulatorMessage }
  | { type: 'message_updated'; message: EmulatorMessage }
  | { type: 'customer'; customer: EmulatorCustomer }
  | { type: 'comment'; comment: EmulatorComment }
  | { type: 'typing'; pageId: string; customerId: string; on: boolean }
  | { type: 'clock'; now: number }
  | { type: 'token'; pageId: string; valid: boolean; reason: string | null };

import { GraphError, ValidationError } from '../errors.js';
import type { CommentAction, Platform } from '../model.js';
import type { GraphRequester } from './graphRequest.js';
import {
  attachmentUploadSchema,
  blockedSchema,
  conversationsSchema,
  createdIdSchema,
  historyMessagesSchema,
  nextCursor,
  optional,
  parseGraphTime,
  profileSchema,
  senderActionResultSchema,
  sendResultSchema,
  subscribedAppsSchema,
  successSchema,
  threadOwnerSchema,
} from './graphSchemas.js';
import { buildSendBody, type OutboundAttachment, type SendMessageRequest } from './sendBody.js';

// Everything a Page (or the Page an Instagram account is linked to) does through the Graph API, each
// call with the Page token, and Meta's answers normalised into Pagedesk's shapes.

/** Meta's answer to a Send API message. */
export interface SendResult {
  messageId: string;
  recipientId?: string;
  /** When Meta returns one (reusable URL attachments). */
  attachmentId?: string;
}

/** A customer's public profile, normalised over Messenger and Instagram. */
export interface UserProfile {
  id: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  avatarUrl?: string;
}

/** One app installed on a page (`GET /{page}/subscribed_apps`). */
export interface SubscribedApp {
  id: string;
  name?: string;
  subscribedFields: string[];
}

/** A conversation of the Conversations API (history import). */
export interface HistoryConversation {
  id: string;
  updatedAt?: number;
  participants: Array<{ id: string; name?: string; username?: string }>;
}

/** A message of the Conversations API. */
export interface HistoryMessage {
  id: string;
  createdAt: number;
  from: { id: string; name?: string; username?: string };
  to: string[];
  text?: string;
  attachments: Array<{ url?: string; mimeType?: string; name?: string; size?: number }>;
}

/** A cursor page of a Graph list. */
export interface GraphPage<T> {
  items: T[];
  /** Pass as `after` for the next page; null on the last one. */
  after: string | null;
}

/** Graph calls that run as a Page (or the Page an Instagram account is linked to). */
export interface PageGraph {
  readonly pageId: string;
  /** Send API: one message. */
  send(request: SendMessageRequest): Promise<SendResult>;
  /** typing_on / typing_off / mark_seen; sent alone, as Meta requires. */
  senderAction(
    recipientId: string,
    action: 'typing_on' | 'typing_off' | 'mark_seen',
    options?: { personaId?: string },
  ): Promise<void>;
  /** Attachment Upload API: a reusable id, private to this page, valid 90 days. */
  uploadAttachment(
    upload:
      | { type: OutboundAttachment['type']; url: string }
      | { type: OutboundAttachment['type']; data: Blob | Uint8Array; fileName: string; mimeType: string },
    options?: { platform?: Platform },
  ): Promise<string>;
  /** The one private reply to a comment (or visitor post), as a Send API message. */
  privateReply(
    target: { commentId: string } | { postId: string },
    message: Omit<SendMessageRequest, 'recipient' | 'messagingType' | 'tag'>,
  ): Promise<SendResult>;
  /** A public answer under a comment (`/{comment}/comments` on Facebook, `/{comment}/replies` on Instagram). */
  replyToComment(commentId: string, text: string, platform: Platform): Promise<{ id: string }>;
  /**
   * Hides, unhides or deletes a comment; likes or unlikes a Page comment (Instagram has no likes edge).
   * https://developers.facebook.com/documentation/pages-api/comments-mentions,
   * https://developers.facebook.com/docs/instagram-api/guides/comment-moderation
   */
  moderateComment(commentId: string, action: CommentAction, platform: Platform): Promise<void>;
  /**
   * Messenger handover protocol: take, pass (to `targetAppId`) or request the thread of a customer.
   * https://developers.facebook.com/docs/messenger-platform/handover-protocol/conversation-control
   */
  threadControl(
    action: 'take' | 'pass' | 'request',
    psid: string,
    options?: { targetAppId?: string; metadata?: string },
  ): Promise<void>;
  /**
   * Blocks or unblocks a person from the Page by PSID (Messenger): `POST`/`DELETE /{page}/blocked`.
   * https://developers.facebook.com/docs/graph-api/reference/page/blocked/
   */
  setBlocked(psid: string, blocked: boolean): Promise<void>;
  /** The app that holds a customer's thread (`/{page}/thread_owner`); null when idle. */
  threadOwner(psid: string): Promise<string | null>;
  profile(userId: string, platform: Platform): Promise<UserProfile>;
  subscribedApps(): Promise<SubscribedApp[]>;
  subscribe(fields: ReadonlyArray<string>): Promise<void>;
  unsubscribe(): Promise<void>;
  conversations(options: {
    platform: Platform;
    limit?: number;
    after?: string;
    /** Only the conversation with this person (PSID/IGSID). */
    userId?: string;
  }): Promise<GraphPage<HistoryConversation>>;
  conversationMessages(
    conversationId: string,
    options?: { limit?: number; after?: string },
  ): Promise<GraphPage<HistoryMessage>>;
  createPersona(persona: { name: string; profilePictureUrl?: string }): Promise<string>;
  deletePersona(personaId: string): Promise<void>;
}

/** The Page calls of a Graph client, bound to one Page token. */
export function createPageGraph(
  request: GraphRequester,
  page: { id: string; accessToken: string; node?: string },
): PageGraph {
  if (!page.id || !page.accessToken)
    throw new ValidationError('page', [{ path: page.id ? 'accessToken' : 'id', message: 'required' }]);
  const token = page.accessToken;
  const node = encodeURIComponent(page.node ?? page.id);
  const send = async (body: Record<string, unknown>): Promise<SendResult> => {
    const result = await request({
      method: 'POST',
      path: `${node}/messages`,
      accessToken: token,
      json: body,
      schema: sendResultSchema,
      idempotent: false,
    });
    return {
      messageId: result.message_id,
      ...optional('recipientId', result.recipient_id),
      ...optional('attachmentId', result.attachment_id),
    };
  };
  return {
    pageId: page.id,
    send: async (message) => send(buildSendBody(message)),
    async senderAction(recipientId, action, actionOptions = {}) {
      if (!recipientId)
        throw new ValidationError('sender action', [{ path: 'recipientId', message: 'required' }]);
      await request({
        method: 'POST',
        path: `${node}/messages`,
        accessToken: token,
        json: {
          recipient: { id: recipientId },
          sender_action: action,
          // Meta accepts persona_id only with typing indicators (docs/meta-platform.md).
          ...(actionOptions.personaId && action !== 'mark_seen'
            ? { persona_id: actionOptions.personaId }
            : {}),
        },
        schema: senderActionResultSchema,
        // Repeating a typing indicator or mark_seen is harmless.
        idempotent: true,
      });
    },
    async uploadAttachment(upload, uploadOptions = {}) {
      const query = uploadOptions.platform === 'instagram' ? { platform: 'instagram' } : undefined;
      if ('url' in upload) {
        const result = await request({
          method: 'POST',
          path: `${node}/message_attachments`,
          accessToken: token,
          ...(query ? { query } : {}),
          json: {
            message: { attachment: { type: upload.type, payload: { url: upload.url, is_reusable: true } } },
          },
          schema: attachmentUploadSchema,
          // An extra upload only wastes an id: safe to repeat.
          idempotent: true,
        });
        return result.attachment_id;
      }
      const form = new FormData();
      form.set(
        'message',
        JSON.stringify({ attachment: { type: upload.type, payload: { is_reusable: true } } }),
      );
      const blob =
        upload.data instanceof Blob
          ? upload.data
          : new Blob([upload.data as Uint8Array<ArrayBuffer>], { type: upload.mimeType });
      form.set('filedata', blob, upload.fileName);
      const result = await request({
        method: 'POST',
        path: `${node}/message_attachments`,
        accessToken: token,
        ...(query ? { query } : {}),
        form,
        schema: attachmentUploadSchema,
        idempotent: true,
      });
      return result.attachment_id;
    },
    async privateReply(target, message) {
      return send(buildSendBody({ ...message, recipient: target, messagingType: 'RESPONSE' }));
    },
    async replyToComment(commentId, text, platform) {
      if (!commentId || !text)
        throw new ValidationError('comment reply', [
          { path: commentId ? 'text' : 'commentId', message: 'required' },
        ]);
      const edge = platform === 'instagram' ? 'replies' : 'comments';
      return request({
        method: 'POST',
        path: `${encodeURIComponent(commentId)}/${edge}`,
        accessToken: token,
        json: { message: text },
        schema: createdIdSchema,
        idempotent: false,
      });
    },
    async threadControl(action, psid, controlOptions = {}) {
      if (!psid) throw new ValidationError('thread control', [{ path: 'psid', message: 'required' }]);
      if (action === 'pass' && !controlOptions.targetAppId)
        throw new ValidationError('thread control', [{ path: 'targetAppId', message: 'required to pass' }]);
      await request({
        method: 'POST',
        path: `${node}/${action}_thread_control`,
        accessToken: token,
        json: {
          recipient: { id: psid },
          ...(action === 'pass' ? { target_app_id: controlOptions.targetAppId } : {}),
          ...(controlOptions.metadata ? { metadata: controlOptions.metadata } : {}),
        },
        schema: successSchema,
        // Taking or requesting twice changes nothing; passing twice fails harmlessly (not ours any more).
        idempotent: true,
      });
    },
    async setBlocked(psid, blocked) {
      if (!psid) throw new ValidationError('block', [{ path: 'psid', message: 'required' }]);
      if (blocked)
        await request({
          method: 'POST',
          path: `${node}/blocked`,
          accessToken: token,
          json: { psid: [psid] },
          schema: blockedSchema,
          idempotent: true,
        });
      else
        await request({
          method: 'DELETE',
          path: `${node}/blocked`,
          accessToken: token,
          query: { psid },
          schema: successSchema,
          idempotent: true,
        });
    },
    async threadOwner(psid) {
      const result = await request({
        method: 'GET',
        path: `${node}/thread_owner`,
        accessToken: token,
        query: { recipient: psid },
        schema: threadOwnerSchema,
      });
      return result.data[0]?.thread_owner?.app_id ?? null;
    },
    async moderateComment(commentId, action, platform) {
      if (!commentId)
        throw new ValidationError('comment moderation', [{ path: 'commentId', message: 'required' }]);
      const node = encodeURIComponent(commentId);
      const call = (method: 'POST' | 'DELETE', path: string, query?: Record<string, string>) =>
        request({
          method,
          path,
          accessToken: token,
          ...(query ? { query } : {}),
          schema: successSchema,
          idempotent: true,
        });
      if (action === 'delete') await call('DELETE', node);
      else if (action === 'like' || action === 'unlike') {
        if (platform === 'instagram')
          throw new ValidationError('comment moderation', [
            { path: 'action', message: 'Instagram comments cannot be liked through the API' },
          ]);
        await call(action === 'like' ? 'POST' : 'DELETE', `${node}/likes`);
      } else {
        // Pages take `is_hidden`, Instagram `hide`.
        await call('POST', node, {
          [platform === 'instagram' ? 'hide' : 'is_hidden']: String(action === 'hide'),
        });
      }
    },
    async profile(userId, platform) {
      const fields =
        platform === 'instagram' ? 'name,username,profile_pic' : 'first_name,last_name,name,profile_pic';
      const p = await request({
        method: 'GET',
        path: encodeURIComponent(userId),
        accessToken: token,
        query: { fields },
        schema: profileSchema,
      });
      const name = p.name ?? ([p.first_name, p.last_name].filter(Boolean).join(' ') || undefined);
      return {
        id: p.id ?? userId,
        ...optional('name', name),
        ...optional('firstName', p.first_name),
        ...optional('lastName', p.last_name),
        ...optional('username', p.username),
        ...optional('avatarUrl', p.profile_pic),
      };
    },
    async subscribedApps() {
      const result = await request({
        method: 'GET',
        path: `${node}/subscribed_apps`,
        accessToken: token,
        schema: subscribedAppsSchema,
      });
      return result.data.map((app) => ({
        id: app.id,
        ...optional('name', app.name),
        subscribedFields: (app.subscribed_fields ?? []).map((f) => (typeof f === 'string' ? f : f.name)),
      }));
    },
    async subscribe(fields) {
      if (fields.length === 0)
        throw new ValidationError('subscription', [{ path: 'fields', message: 'empty' }]);
      const result = await request({
        method: 'POST',
        path: `${node}/subscribed_apps`,
        accessToken: token,
        query: { subscribed_fields: fields.join(',') },
        schema: successSchema,
        idempotent: true,
      });
      if (result.success !== true && result.success !== 'true')
        throw new GraphError('Meta did not confirm the webhook subscription', {}, { retryable: true });
    },
    async unsubscribe() {
      await request({
        method: 'DELETE',
        path: `${node}/subscribed_apps`,
        accessToken: token,
        schema: successSchema,
        idempotent: true,
      });
    },
    async conversations({ platform, limit: pageSize = 25, after, userId }) {
      const result = await request({
        method: 'GET',
        path: `${node}/conversations`,
        accessToken: token,
        query: { platform, fields: 'id,updated_time,participants', limit: pageSize, after, user_id: userId },
        schema: conversationsSchema,
      });
      return {
        items: result.data.map((c) => ({
          id: c.id,
          ...optional('updatedAt', parseGraphTime(c.updated_time)),
          participants: (c.participants?.data ?? []).map((p) => ({
            id: p.id,
            ...optional('name', p.name),
            ...optional('username', p.username),
          })),
        })),
        after: nextCursor(result.paging),
      };
    },
    async conversationMessages(conversationId, { limit: pageSize = 25, after } = {}) {
      const result = await request({
        method: 'GET',
        path: `${encodeURIComponent(conversationId)}/messages`,
        accessToken: token,
        query: { fields: 'id,created_time,from,to,message,attachments', limit: pageSize, after },
        schema: historyMessagesSchema,
      });
      const items: HistoryMessage[] = [];
      for (const m of result.data) {
        const createdAt = parseGraphTime(m.created_time);
        if (createdAt === undefined) continue;
        items.push({
          id: m.id,
          createdAt,
          from: {
            id: m.from.id,
            ...optional('name', m.from.name),
            ...optional('username', m.from.username),
          },
          to: (m.to?.data ?? []).map((p) => p.id),
          ...optional('text', m.message || undefined),
          attachments: (m.attachments?.data ?? []).map((a) => ({
            ...optional('url', a.image_data?.url ?? a.video_data?.url ?? a.file_url),
            ...optional('mimeType', a.mime_type),
            ...optional('name', a.name),
            ...optional('size', a.size),
          })),
        });
      }
      return { items, after: nextCursor(result.paging) };
    },
    async createPersona({ name, profilePictureUrl }) {
      if (!name || name.length > 50)
        throw new ValidationError('persona', [{ path: 'name', message: 'required, at most 50 characters' }]);
      const result = await request({
        method: 'POST',
        path: `${node}/personas`,
        accessToken: token,
        json: { name, ...(profilePictureUrl ? { profile_picture_url: profilePictureUrl } : {}) },
        schema: createdIdSchema,
        idempotent: false,
      });
      return result.id;
    },
    async deletePersona(personaId) {
      await request({
        method: 'DELETE',
        path: encodeURIComponent(personaId),
        accessToken: token,
        schema: successSchema,
        idempotent: true,
      });
    },
  };
}

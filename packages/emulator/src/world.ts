import { randomBytes, randomInt } from 'node:crypto';
import { NotFoundError, PAGE_INBOX_APP_ID, ValidationError } from '@pagedesk/core';
import { type EmulatorClock, parseDuration } from './clock.js';
import type { ResolvedOptions, ResolvedPage, RevokeReason } from './options.js';
import type {
  EmulatorAttachment,
  EmulatorComment,
  EmulatorCustomer,
  EmulatorMessage,
  EmulatorUpdate,
  SenderActionRecord,
  SentMessage,
} from './types.js';
import type { DeliveryOutcome, QueuedEvent } from './webhooks.js';

// The emulated platform's state and the customer-side actions that change it. Graph routes (graph.ts)
// and controls (emulator.ts) both act through this one object, so the chat page, the library API and
// the HTTP control API always agree.

const STICKER_DUAL_UNTIL = Date.UTC(2026, 7, 30);
const DAY = 86_400_000;

export interface PageState extends ResolvedPage {
  scopes: string[];
  revoked: RevokeReason | null;
  /** Earlier tokens of this page (after `tokens.reissue`): Meta answers 190/467 for them. */
  retiredTokens: Set<string>;
  subscribedFields: string[];
  samplePostId: string;
  tokenIssuedAt: number;
}

export interface Upload {
  id: string;
  pageId: string;
  type: string;
  size: number | null;
  url: string | null;
  bytes: Buffer | null;
  mime: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface Persona {
  id: string;
  pageId: string;
  name: string;
  profilePictureUrl: string;
  deleted: boolean;
}

const defaultScopes = {
  messenger: [
    'pages_show_list',
    'pages_messaging',
    'pages_manage_metadata',
    'pages_read_engagement',
    'pages_manage_engagement',
  ],
  instagram: [
    'pages_show_list',
    'pages_manage_metadata',
    'pages_read_engagement',
    'instagram_basic',
    'instagram_manage_messages',
    'instagram_manage_comments',
  ],
};

const messengerFields = [
  'messages',
  'messaging_postbacks',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'message_reactions',
  'message_edits',
  'feed',
];
const instagramFields = [
  'messages',
  'messaging_postbacks',
  'messaging_seen',
  'message_reactions',
  'comments',
];

export function defaultSubscribedFields(platform: 'messenger' | 'instagram'): string[] {
  return [...(platform === 'instagram' ? instagramFields : messengerFields)];
}

function digits(n: number): string {
  let out = String(randomInt(1, 10));
  for (let i = 1; i < n; i++) out += String(randomInt(0, 10));
  return out;
}

export function newMid(): string {
  return `m_${randomBytes(18).toString('base64url')}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

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

type Resolved<T> = T & { at?: number | string | undefined };

export class World {
  readonly pages = new Map<string, PageState>();
  readonly customers = new Map<string, EmulatorCustomer & { consent: boolean }>();
  readonly messages = new Map<string, EmulatorMessage[]>();
  readonly comments = new Map<string, EmulatorComment>();
  readonly uploads = new Map<string, Upload>();
  readonly personas = new Map<string, Persona>();
  readonly sentLog: SentMessage[] = [];
  readonly actionLog: SenderActionRecord[] = [];
  readonly user: {
    id: string;
    name: string;
    accessToken: string;
    pages: string[] | null;
    expiresAt: number | null;
    extraTokens: Map<string, number | null>;
  };
  readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<(update: EmulatorUpdate) => void>();
  private seq = 1;
  baseUrl = '';

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: EmulatorClock,
    readonly enqueue: (event: QueuedEvent) => Promise<DeliveryOutcome>,
  ) {
    for (const page of options.pages) this.addPage(page);
    this.user = {
      id: options.user?.id ?? digits(15),
      name: options.user?.name ?? 'Emulated Admin',
      accessToken: options.user?.accessToken ?? `EAAU${randomBytes(24).toString('base64url')}`,
      pages: options.user?.pages ?? null,
      expiresAt: options.user?.expiresAt ?? null,
      extraTokens: new Map(),
    };
  }

  addPage(page: ResolvedPage): PageState {
    if (this.pages.has(page.id))
      throw new ValidationError('page', [{ path: 'id', message: `page ${page.id} already exists` }]);
    const state: PageState = {
      ...page,
      scopes: page.scopes ?? [...defaultScopes[page.platform]],
      revoked: null,
      retiredTokens: new Set(),
      subscribedFields: page.subscribed ? defaultSubscribedFields(page.platform) : [],
      samplePostId: page.platform === 'instagram' ? `179${digits(14)}` : `${page.id}_${digits(15)}`,
      tokenIssuedAt: this.clock.now(),
    };
    this.pages.set(page.id, state);
    return state;
  }

  on(listener: (update: EmulatorUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(update: EmulatorUpdate): void {
    for (const listener of this.listeners) listener(update);
  }

  nextSeq(): number {
    return this.seq++;
  }

  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  page(id: string): PageState {
    const page = this.pages.get(id);
    if (!page) throw new NotFoundError('Page', id);
    return page;
  }

  customer(id: string): EmulatorCustomer & { consent: boolean } {
    const customer = this.customers.get(id);
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }

  /** Resolves `at` (epoch ms, or `-30h`-style relative to now) to epoch ms on the emulated clock. */
  time(at: number | string | undefined): number {
    if (at === undefined) return this.clock.now();
    if (typeof at === 'number') return at;
    const offset = parseDuration(at);
    if (offset === undefined)
      throw new ValidationError('time', [{ path: 'at', message: 'must look like -30h' }]);
    return this.clock.now() + offset;
  }

  conversation(customerId: string): EmulatorMessage[] {
    let list = this.messages.get(customerId);
    if (!list) {
      list = [];
      this.messages.set(customerId, list);
    }
    return list;
  }

  findMessage(mid: string): EmulatorMessage | undefined {
    for (const list of this.messages.values()) {
      const found = list.find((m) => m.mid === mid);
      if (found) return found;
    }
    return undefined;
  }

  snapshotCustomer(customer: EmulatorCustomer & { consent: boolean }): EmulatorCustomer {
    const { consent: _consent, ...rest } = customer;
    return clone(rest);
  }

  createCustomer(input: {
    pageId: string;
    name: string;
    id?: string | undefined;
    username?: string | undefined;
    profilePic?: string | undefined;
    profileError?: 230 | 2018218 | undefined;
    unavailable?: boolean | undefined;
  }): EmulatorCustomer {
    const page = this.page(input.pageId);
    const id = input.id ?? digits(16);
    if (this.customers.has(id))
      throw new ValidationError('customer', [{ path: 'id', message: `customer ${id} already exists` }]);
    const [first = input.name, ...rest] = input.name.trim().split(/\s+/);
    const customer = {
      id,
      pageId: page.id,
      platform: page.platform,
      name: input.name,
      firstName: first,
      lastName: rest.join(' '),
      username:
        input.username ??
        input.name
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[^a-z0-9]+/g, '.')
          .replace(/^\.|\.$/g, ''),
      profilePic: input.profilePic ?? `${this.baseUrl}/samples/avatar.png?customer=${id}`,
      lastInboundAt: null,
      profileError: input.profileError ?? null,
      unavailable: input.unavailable ?? false,
      consent: false,
    };
    this.customers.set(id, customer);
    const snapshot = this.snapshotCustomer(customer);
    this.emit({ type: 'customer', customer: snapshot });
    return snapshot;
  }

  private touchInbound(customer: EmulatorCustomer & { consent: boolean }, at: number): void {
    customer.consent = true;
    if (customer.lastInboundAt === null || at > customer.lastInboundAt) customer.lastInboundAt = at;
    this.emit({ type: 'customer', customer: this.snapshotCustomer(customer) });
  }

  private objectOf(page: PageState): 'page' | 'instagram' {
    return page.platform === 'instagram' ? 'instagram' : 'page';
  }

  private messagingEvent(
    customer: EmulatorCustomer,
    timestamp: number,
    body: Record<string, unknown>,
  ): QueuedEvent {
    const page = this.page(customer.pageId);
    return {
      pageId: page.id,
      object: this.objectOf(page),
      time: timestamp,
      messaging: { sender: { id: customer.id }, recipient: { id: page.id }, timestamp, ...body },
    };
  }

  resolveAttachment(
    attachment:
      | { type: string; url: string; title?: string | undefined; stickerId?: number | undefined }
      | { sample: string },
  ): EmulatorAttachment {
    if ('sample' in attachment) {
      return { type: 'image', url: `${this.baseUrl}/samples/${attachment.sample}.png` };
    }
    return {
      type: attachment.type,
      url: attachment.url,
      ...(attachment.title === undefined ? {} : { title: attachment.title }),
      ...(attachment.stickerId === undefined ? {} : { stickerId: attachment.stickerId }),
    };
  }

  /** Meta's webhook attachment list for a message (sticker/image dual delivery until Aug 30 2026). */
  webhookAttachments(attachments: EmulatorAttachment[], timestamp: number): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const a of attachments) {
      const payload: Record<string, unknown> = {};
      if (a.url !== undefined) payload['url'] = a.url;
      if (a.title !== undefined) payload['title'] = a.title;
      if (a.type === 'sticker') {
        payload['sticker_id'] = a.stickerId ?? 369239263222822;
        out.push({ type: 'sticker', payload });
        if (timestamp < STICKER_DUAL_UNTIL) out.push({ type: 'image', payload: { ...payload } });
        continue;
      }
      if (a.type === 'fallback') {
        out.push({
          type: 'fallback',
          payload: a.url === undefined ? null : payload,
          ...(a.title ? { title: a.title } : {}),
        });
        continue;
      }
      out.push({ type: a.type, payload });
    }
    return out;
  }

  customerSend(
    customerId: string,
    input: Resolved<{
      text?: string | undefined;
      attachments?: Array<EmulatorAttachment> | undefined;
      quickReplyPayload?: string | undefined;
      replyToMid?: string | undefined;
    }>,
  ): { mid: string; timestamp: number; delivery: Promise<DeliveryOutcome> } {
    const customer = this.customer(customerId);
    const attachments = input.attachments ?? [];
    for (const [i, a] of attachments.entries()) {
      if (a.type === 'story_mention' && customer.platform !== 'instagram') {
        throw new ValidationError('customer message', [
          { path: `attachments[${i}].type`, message: 'story_mention is Instagram only' },
        ]);
      }
    }
    if (
      input.replyToMid !== undefined &&
      !this.conversation(customer.id).some((m) => m.mid === input.replyToMid)
    ) {
      throw new ValidationError('customer message', [
        { path: 'replyToMid', message: 'is not a message of this conversation' },
      ]);
    }
    const timestamp = this.time(input.at);
    const mid = newMid();
    const message: EmulatorMessage = {
      mid,
      pageId: customer.pageId,
      customerId: customer.id,
      direction: 'inbound',
      ...(input.text === undefined ? {} : { text: input.text }),
      attachments: clone(attachments),
      timestamp,
      ...(input.replyToMid === undefined ? {} : { replyToMid: input.replyToMid }),
      reactions: [],
    };
    this.insert(message);
    this.touchInbound(customer, timestamp);
    const body: Record<string, unknown> = { mid };
    if (input.text !== undefined) body['text'] = input.text;
    if (attachments.length > 0) body['attachments'] = this.webhookAttachments(attachments, timestamp);
    if (input.quickReplyPayload !== undefined) body['quick_reply'] = { payload: input.quickReplyPayload };
    if (input.replyToMid !== undefined) body['reply_to'] = { mid: input.replyToMid, is_self_reply: false };
    const delivery = this.enqueue(this.messagingEvent(customer, timestamp, { message: body }));
    return { mid, timestamp, delivery };
  }

  /** Inserts keeping each conversation sorted by timestamp (seeded history may arrive out of order). */
  insert(message: EmulatorMessage): void {
    const list = this.conversation(message.customerId);
    let index = list.length;
    while (index > 0 && list[index - 1]!.timestamp > message.timestamp) index--;
    list.splice(index, 0, message);
    this.emit({ type: 'message', message: clone(message) });
  }

  customerReact(
    customerId: string,
    input: Resolved<{ mid: string; emoji: string; action: 'react' | 'unreact' }>,
  ) {
    const customer = this.customer(customerId);
    const target = this.conversation(customer.id).find((m) => m.mid === input.mid);
    if (!target)
      throw new ValidationError('reaction', [
        { path: 'mid', message: 'is not a message of this conversation' },
      ]);
    const timestamp = this.time(input.at);
    if (input.action === 'react') {
      target.reactions = [{ by: 'customer', emoji: input.emoji }];
      this.touchInbound(customer, timestamp);
    } else {
      target.reactions = [];
    }
    this.emit({ type: 'message_updated', message: clone(target) });
    const reaction: Record<string, unknown> =
      input.action === 'unreact' && customer.platform === 'instagram'
        ? { mid: input.mid, action: 'unreact' }
        : {
            reaction: reactionNames[input.emoji] ?? 'other',
            emoji: input.emoji,
            action: input.action,
            mid: input.mid,
          };
    return { timestamp, delivery: this.enqueue(this.messagingEvent(customer, timestamp, { reaction })) };
  }

  customerRead(
    customerId: string,
    at?: number | string,
  ): { timestamp: number; delivery: Promise<DeliveryOutcome> | null } {
    const customer = this.customer(customerId);
    const timestamp = this.time(at);
    const unread = this.conversation(customer.id).filter(
      (m) => m.direction === 'outbound' && m.readAt === undefined && m.timestamp <= timestamp,
    );
    for (const m of unread) {
      m.readAt = timestamp;
      this.emit({ type: 'message_updated', message: clone(m) });
    }
    if (customer.platform === 'instagram') {
      // Instagram's messaging_seen marks one message, the latest one seen.
      const last = this.conversation(customer.id)
        .filter((m) => m.direction === 'outbound' && m.timestamp <= timestamp)
        .at(-1);
      if (!last) return { timestamp, delivery: null };
      return {
        timestamp,
        delivery: this.enqueue(this.messagingEvent(customer, timestamp, { read: { mid: last.mid } })),
      };
    }
    return {
      timestamp,
      delivery: this.enqueue(this.messagingEvent(customer, timestamp, { read: { watermark: timestamp } })),
    };
  }

  customerDelivered(customerId: string, mids: string[]): Promise<DeliveryOutcome> | null {
    const customer = this.customer(customerId);
    if (customer.platform === 'instagram') return null; // deliveries are Messenger only
    const timestamp = this.clock.now();
    for (const m of this.conversation(customer.id)) {
      if (mids.includes(m.mid) && m.deliveredAt === undefined) {
        m.deliveredAt = timestamp;
        this.emit({ type: 'message_updated', message: clone(m) });
      }
    }
    return this.enqueue(
      this.messagingEvent(customer, timestamp, { delivery: { mids, watermark: timestamp } }),
    );
  }

  customerPostback(customerId: string, input: Resolved<{ title: string; payload?: string | undefined }>) {
    const customer = this.customer(customerId);
    const timestamp = this.time(input.at);
    this.touchInbound(customer, timestamp);
    const mid = newMid();
    const postback: Record<string, unknown> = { mid, title: input.title };
    if (input.payload !== undefined) postback['payload'] = input.payload;
    return { mid, timestamp, delivery: this.enqueue(this.messagingEvent(customer, timestamp, { postback })) };
  }

  customerEdit(customerId: string, input: Resolved<{ mid: string; text: string }>) {
    const customer = this.customer(customerId);
    if (customer.platform !== 'messenger')
      throw new ValidationError('edit', [{ path: 'mid', message: 'message edits are Messenger only' }]);
    const target = this.conversation(customer.id).find(
      (m) => m.mid === input.mid && m.direction === 'inbound',
    );
    if (!target)
      throw new ValidationError('edit', [{ path: 'mid', message: 'is not a message this customer sent' }]);
    const edits = ((target as EmulatorMessage & { edits?: number }).edits ?? 0) + 1;
    if (edits > 5)
      throw new ValidationError('edit', [
        { path: 'mid', message: 'a message can be edited at most five times' },
      ]);
    (target as EmulatorMessage & { edits?: number }).edits = edits;
    target.text = input.text;
    this.emit({ type: 'message_updated', message: clone(target) });
    const timestamp = this.time(input.at);
    return {
      timestamp,
      delivery: this.enqueue(
        this.messagingEvent(customer, timestamp, {
          message_edit: { mid: input.mid, text: input.text, num_edit: edits },
        }),
      ),
    };
  }

  customerUnsend(customerId: string, input: Resolved<{ mid: string }>) {
    const customer = this.customer(customerId);
    if (customer.platform !== 'instagram')
      throw new ValidationError('unsend', [{ path: 'mid', message: 'unsend webhooks are Instagram only' }]);
    const target = this.conversation(customer.id).find(
      (m) => m.mid === input.mid && m.direction === 'inbound',
    );
    if (!target)
      throw new ValidationError('unsend', [{ path: 'mid', message: 'is not a message this customer sent' }]);
    target.deleted = true;
    delete target.text;
    target.attachments = [];
    this.emit({ type: 'message_updated', message: clone(target) });
    const timestamp = this.time(input.at);
    return {
      timestamp,
      delivery: this.enqueue(
        this.messagingEvent(customer, timestamp, { message: { mid: input.mid, is_deleted: true } }),
      ),
    };
  }

  customerComment(
    customerId: string,
    input: Resolved<{ text: string; postId?: string | undefined; parentId?: string | undefined }>,
    isPost = false,
  ) {
    const customer = this.customer(customerId);
    const page = this.page(customer.pageId);
    const timestamp = this.time(input.at);
    let postId = input.postId ?? page.samplePostId;
    if (input.parentId !== undefined) {
      const parent = this.comments.get(input.parentId);
      if (!parent || parent.pageId !== page.id)
        throw new ValidationError('comment', [
          { path: 'parentId', message: 'is not a comment of this page' },
        ]);
      postId = parent.postId;
    }
    const n = this.nextSeq();
    const id = isPost
      ? `${page.id}_${digits(15)}`
      : page.platform === 'instagram'
        ? `178${digits(14)}`
        : `${postId.split('_').at(-1)}_${String(n).padStart(15, '0')}`;
    const comment: EmulatorComment = {
      id,
      pageId: page.id,
      postId: isPost ? id : postId,
      parentId: isPost ? null : (input.parentId ?? null),
      customerId: customer.id,
      text: input.text,
      createdAt: timestamp,
      privateReplyMid: null,
      replies: [],
      isPost,
    };
    this.comments.set(id, comment);
    this.emit({ type: 'comment', comment: clone(comment) });
    let change: { field: string; value: Record<string, unknown> };
    if (page.platform === 'instagram') {
      change = {
        field: 'comments',
        value: {
          from: { id: customer.id, username: customer.username },
          media: { id: postId, media_product_type: 'FEED' },
          id,
          ...(input.parentId === undefined ? {} : { parent_id: input.parentId }),
          text: input.text,
        },
      };
    } else {
      change = {
        field: 'feed',
        value: {
          from: { id: customer.id, name: customer.name },
          item: isPost ? 'status' : 'comment',
          ...(isPost ? {} : { comment_id: id, parent_id: input.parentId ?? postId }),
          post_id: isPost ? id : postId,
          verb: 'add',
          created_time: Math.floor(timestamp / 1000),
          message: input.text,
          post: {
            id: isPost ? id : postId,
            status_type: 'added_photos',
            is_published: true,
            permalink_url: `https://www.facebook.com/${postId}`,
          },
        },
      };
    }
    const delivery = this.enqueue({ pageId: page.id, object: this.objectOf(page), time: timestamp, change });
    return { comment: clone(comment), delivery };
  }

  /** A message the page sent from another app (Page Inbox by default): an echo with that app id. */
  pageEcho(
    pageId: string,
    input: Resolved<{
      recipient: string;
      text: string;
      appId?: string | number | undefined;
      metadata?: string | undefined;
    }>,
  ) {
    const page = this.page(pageId);
    const customer = this.customer(input.recipient);
    if (customer.pageId !== page.id)
      throw new ValidationError('echo', [{ path: 'recipient', message: 'is not a customer of this page' }]);
    const timestamp = this.time(input.at);
    const appId = String(input.appId ?? PAGE_INBOX_APP_ID);
    const message: EmulatorMessage = {
      mid: newMid(),
      pageId: page.id,
      customerId: customer.id,
      direction: 'outbound',
      text: input.text,
      attachments: [],
      timestamp,
      appId,
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
      reactions: [],
    };
    this.insert(message);
    const delivery = this.sendEcho(message);
    return { mid: message.mid, timestamp, delivery };
  }

  sendEcho(message: EmulatorMessage): Promise<DeliveryOutcome> {
    const page = this.page(message.pageId);
    const body: Record<string, unknown> = {
      is_echo: true,
      app_id: Number(message.appId ?? this.options.appId),
      ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
      mid: message.mid,
    };
    if (message.text !== undefined) body['text'] = message.text;
    if (message.attachments.length > 0)
      body['attachments'] = this.webhookAttachments(message.attachments, message.timestamp);
    if (message.replyToMid !== undefined) body['reply_to'] = { mid: message.replyToMid };
    return this.enqueue({
      pageId: page.id,
      object: this.objectOf(page),
      time: message.timestamp,
      messaging: {
        sender: { id: page.id },
        recipient: { id: message.customerId },
        timestamp: message.timestamp,
        message: body,
      },
    });
  }

  /** Whether a Send API message to this customer is inside a window now; returns Meta's rule outcome. */
  windowFor(customer: EmulatorCustomer, now: number): 'standard' | 'human_agent' | 'closed' {
    if (customer.lastInboundAt === null) return 'closed';
    const age = now - customer.lastInboundAt;
    if (age <= DAY) return 'standard';
    if (age <= 7 * DAY) return 'human_agent';
    return 'closed';
  }

  /** The page's token state: null when valid, else the Meta 190 subcode and reason. */
  tokenProblem(page: PageState): { reason: RevokeReason; subcode: number } | null {
    if (page.revoked && page.revoked !== 'permission_revoked')
      return { reason: page.revoked, subcode: subcodes[page.revoked] };
    if (page.tokenExpiresAt !== undefined && page.tokenExpiresAt <= this.clock.now())
      return { reason: 'expired', subcode: 463 };
    return null;
  }

  newToken(): string {
    return `EAAG${randomBytes(30).toString('base64url')}`;
  }

  newId(length = 16): string {
    return digits(length);
  }
}

export const subcodes: Record<RevokeReason, number> = {
  expired: 463,
  password_changed: 460,
  app_removed: 458,
  permission_revoked: 0,
  session_invalid: 492,
  checkpoint: 459,
  invalid: 467,
};

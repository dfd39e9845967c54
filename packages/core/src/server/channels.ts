import { EventEmitter } from 'eventemitter3';
import * as z from 'zod/mini';
import { type OutboundFile, planReply, type ReplyPart, type ReplyProblem } from '../attachments.js';
import {
  ChannelUnavailableError,
  GraphError,
  NotFoundError,
  PagedeskError,
  PermissionError,
  RuleViolationError,
  TokenError,
  type TokenErrorReason,
  toPagedeskError,
  ValidationError,
  WindowClosedError,
} from '../errors.js';
import { hashId, parseOrThrow } from '../ids.js';
import { defaultChannelSettings } from '../inbox.js';
import type { Inbox, OutboundDraft } from '../inbox.types.js';
import {
  type Attachment,
  type Channel,
  type ChannelSettings,
  type ChannelStatus,
  type Conversation,
  type Customer,
  channelSettingsSchema,
  type Failure,
  type Message,
  type Platform,
} from '../model.js';
import { type Rules, rulesFromSettings } from '../rules.js';
import type { ChannelCredentials, Store } from '../store.js';
import { type ChannelAction, type ConnectablePage, type SendDraft, sendDraftSchema } from '../transport.js';
import { windowForConversation } from '../window.js';
import { type AttachmentCache, defaultAttachmentHash, memoryAttachmentCache } from './attachmentCache.js';
import {
  type AccountPage,
  createGraphClient,
  type GraphClient,
  type OutboundAttachment,
  type PageGraph,
  type SendMessageRequest,
  type SendResult,
} from './graphClient.js';
import type { Channels, ChannelsEvents } from './types.js';

// The send path and the channel lifecycle. Policy first (channel status, window, rules), then the
// store (every outbound part recorded `pending` before Meta is called), then Meta, then the outcome.
// Meta's verdicts feed back into the channel: a 190 while sending flips the channel at once.

const DAY = 24 * 60 * 60 * 1000;

/** Webhook fields Pagedesk subscribes a Messenger page to (platform.md §1.1). */
export const MESSENGER_FIELDS = [
  'messages',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'message_reactions',
  'message_edits',
  'messaging_postbacks',
  'messaging_referrals',
  'messaging_optins',
  'messaging_handovers',
  'messaging_policy_enforcement',
  'standby',
  'feed',
] as const;

/** Webhook fields for an Instagram account (its echoes arrive under `messages`; reads are `messaging_seen`). */
export const INSTAGRAM_FIELDS = [
  'messages',
  'messaging_postbacks',
  'messaging_seen',
  'messaging_referral',
  'message_reactions',
  'messaging_handover',
  'standby',
  'comments',
] as const;

/** Permissions a channel needs to send and receive (platform.md §5.3). */
export const REQUIRED_SCOPES: Record<Platform, readonly string[]> = {
  messenger: ['pages_messaging', 'pages_manage_metadata'],
  instagram: ['pages_manage_metadata', 'instagram_basic', 'instagram_manage_messages'],
};

/** Statuses in which a channel may still send. */
const SENDABLE: ReadonlySet<ChannelStatus> = new Set([
  'active',
  'expiring',
  'unsubscribed',
  'missing_permissions',
]);

const TOKEN_REASON_TEXT: Record<TokenErrorReason, string> = {
  expired: 'The access token expired',
  password_changed: 'The admin changed their Facebook password',
  app_removed: 'The app was removed from the account',
  permission_revoked: 'A permission was removed',
  session_invalid: 'The admin lost their role on the page, or the session was invalidated',
  checkpoint: 'Facebook asks the admin to log in and pass a security check',
  invalid: 'The access token is no longer valid',
};

/** A page is already connected to another organisation of the host. */
export class ChannelConflictError extends PagedeskError {
  readonly channelId: string;
  constructor(channelId: string) {
    super('channel_conflict', `Page ${channelId} is already connected to another organisation`);
    this.name = 'ChannelConflictError';
    this.channelId = channelId;
  }
}

/** An agent's public face for personas (name and avatar shown to the customer). */
export interface AgentProfile {
  name: string;
  avatarUrl?: string;
}

/** Options of {@link createChannels}. */
export interface ChannelsOptions {
  store: Store;
  inbox: Inbox;
  /** Meta apps by id with their secrets; Graph clients are created from them. */
  apps?: Record<string, { appSecret: string }>;
  /** Or bring your own Graph clients (tests, the emulator, custom retry settings). */
  graph?: (appId: string) => GraphClient;
  /** The app new channels connect through; the first of `apps` when omitted. */
  defaultAppId?: string;
  /** The host's organisation: only its channels are listed, and pages owned by another one are refused. */
  organizationId?: string;
  /** A rules profile, or one per channel; default `rulesFromSettings(channel)`. */
  rules?: Rules | ((channel: Channel) => Rules);
  now?: () => number;
  graphVersion?: string;
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Looks up an agent's name and avatar for personas; without it no persona is used. */
  agents?: (agentId: string) => AgentProfile | undefined | Promise<AgentProfile | undefined>;
  attachmentCache?: AttachmentCache;
  /** Content key of an outbound file for the attachment cache; default {@link defaultAttachmentHash}. */
  hashAttachment?: (file: OutboundFile) => string | Promise<string>;
  /** Delays of the profile lookups retried after a failure; default 1 h, 6 h, 24 h. */
  profileRetryDelaysMs?: readonly number[];
  /** History import on connect; `false` turns it off. */
  historyImport?: { conversations?: number; messagesPerConversation?: number } | false;
  /** Exchange the admin's user token for a long-lived one before reading Page tokens; default true. */
  exchangeUserTokens?: boolean;
  /** `expiring` starts this long before the token or data access ends; default 7 days. */
  warnBefore?: number;
  /** `check` re-subscribes a page Meta dropped and returns it to `active`; default true. */
  repairSubscriptions?: boolean;
  /** Timer for profile retries; returns a cancel function. */
  setTimer?: (callback: () => void, ms: number) => () => void;
}

/** What `check` found about a channel. */
export interface ChannelCheck {
  channel: Channel;
  previous: ChannelStatus;
  resubscribed: boolean;
}

/** A channel handle, as DESIGN.md's `createChannel` returns it. */
export interface ChannelHandle {
  readonly id: string;
  /** The stored channel now. */
  get(): Promise<Channel>;
  send(conversationId: string, draft: SendDraft): Promise<Message[]>;
  retry(messageId: string): Promise<Message>;
}

/** `Channels` plus the lifecycle operations the host and the token monitor drive. */
export interface ServerChannels extends Channels {
  /** A handle bound to one channel. */
  channel(channelId: string): ChannelHandle;
  /** debug_token + subscribed_apps: updates the channel's status and emits `channel:status` on change. */
  check(channelId: string, options?: { warnBefore?: number }): Promise<ChannelCheck>;
  /** A fresh user token → a new Page token, re-subscribed, back to `active`. */
  reauthorize(channelId: string, userAccessToken: string): Promise<Channel>;
  resubscribe(channelId: string): Promise<Channel>;
  /** Marks `pending` messages this process is not sending as failed `interrupted` (retryable), after a crash. */
  recoverPending(options?: { olderThanMs?: number; limit?: number }): Promise<Message[]>;
  /** Imports recent conversations as `imported` messages, without notifying anyone. */
  importHistory(
    channelId: string,
    options?: { conversations?: number; messagesPerConversation?: number },
  ): Promise<{ conversations: number; messages: number }>;
  /** Looks up a customer's profile now; on failure keeps the name the event carried and retries later. */
  refreshProfile(customerId: string): Promise<Customer | undefined>;
  /** The Graph client of a channel's app. */
  graphFor(channel: Pick<Channel, 'appId'>): GraphClient;
  /** Resolves when background work (profile lookups) has settled. */
  idle(): Promise<void>;
  /** Stops listening to the inbox and cancels retry timers. */
  close(): void;
}

const settingsPatchSchema = z.partial(channelSettingsSchema);

function failureOf(error: unknown): Failure {
  const e = toPagedeskError(error);
  const graph = e instanceof GraphError ? e : undefined;
  return {
    code: e.code,
    message: e.message,
    retryable: e.retryable,
    ...(graph?.graphCode === undefined ? {} : { graphCode: graph.graphCode }),
    ...(graph?.subcode === undefined ? {} : { graphSubcode: graph.subcode }),
  };
}

function ruleError(problems: ReplyProblem[]): RuleViolationError {
  const first = problems[0]!;
  const message = problems.map((p) =>
    p.index === undefined ? p.message : `Attachment ${p.index + 1}: ${p.message}`,
  );
  return new RuleViolationError(first.code, message.join(' '), first.limit);
}

function attachmentsOfPart(part: ReplyPart): Attachment[] {
  const toAttachment = (kind: Attachment['kind'], file: OutboundFile): Attachment => ({
    kind,
    name: file.name,
    mimeType: file.type,
    size: file.size,
    ...(file.url === undefined ? {} : { url: file.url }),
    ...(file.attachmentId === undefined ? {} : { attachmentId: file.attachmentId }),
  });
  if (part.type === 'images') return part.files.map((f) => toAttachment('image', f));
  if (part.type === 'attachment') return [toAttachment(part.kind, part.file)];
  return [];
}

/**
 * Every connected channel of a host, and the send path: window and rules first, then every part
 * recorded `pending`, then Meta, then `sent` or `failed` with a typed reason. Also connects pages,
 * checks tokens and subscriptions, looks up customer profiles and imports history.
 *
 * @example
 * const channels = createChannels({ store, inbox, apps: { [appId]: { appSecret } } });
 * const [message] = await channels.send(conversationId, { text: 'Hello!' });
 */
export function createChannels(options: ChannelsOptions): ServerChannels {
  const { store, inbox } = options;
  const now = options.now ?? Date.now;
  const emitter = new EventEmitter<ChannelsEvents>();
  const appIds = Object.keys(options.apps ?? {});
  const defaultAppId = options.defaultAppId ?? appIds[0];
  const clients = new Map<string, GraphClient>();
  const attachmentCache = options.attachmentCache ?? memoryAttachmentCache({ now });
  const hashAttachment = options.hashAttachment ?? defaultAttachmentHash;
  const profileDelays = options.profileRetryDelaysMs ?? [60 * 60 * 1000, 6 * 60 * 60 * 1000, DAY];
  const warnBefore = options.warnBefore ?? 7 * DAY;
  const setTimer =
    options.setTimer ??
    ((callback: () => void, ms: number) => {
      const handle = setTimeout(callback, ms);
      handle.unref?.();
      return () => clearTimeout(handle);
    });
  const personas = new Map<string, string>();
  const personaUnavailable = new Set<string>();
  const inFlight = new Set<string>();
  const background = new Set<Promise<unknown>>();
  const timers = new Set<() => void>();
  const queues = new Map<string, Promise<unknown>>();
  let closed = false;

  function graphFor(channel: Pick<Channel, 'appId'>): GraphClient {
    let client = clients.get(channel.appId);
    if (client) return client;
    if (options.graph) client = options.graph(channel.appId);
    else {
      const app = options.apps?.[channel.appId];
      if (!app)
        throw new ValidationError('channels options', [
          { path: `apps.${channel.appId}`, message: 'unknown app' },
        ]);
      client = createGraphClient({
        appId: channel.appId,
        appSecret: app.appSecret,
        ...(options.graphVersion ? { version: options.graphVersion } : {}),
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    }
    clients.set(channel.appId, client);
    return client;
  }

  function rulesOf(channel: Channel): Rules {
    if (typeof options.rules === 'function') return options.rules(channel);
    return options.rules ?? rulesFromSettings(channel);
  }

  /** Serializes work per key so the parts of replies to one thread reach Meta in order. */
  function serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  }

  function track<T>(promise: Promise<T>): void {
    const p = promise.catch((error: unknown) => emitter.emit('error', { error: toPagedeskError(error) }));
    background.add(p);
    void p.finally(() => background.delete(p));
  }

  async function getChannel(channelId: string): Promise<Channel> {
    const channel = await store.channels.get(channelId);
    if (
      !channel ||
      (options.organizationId && channel.organizationId && channel.organizationId !== options.organizationId)
    )
      throw new NotFoundError('Channel', channelId);
    return channel;
  }

  async function pageGraph(channel: Channel): Promise<PageGraph> {
    const credentials = await store.credentials.get(channel.id);
    if (!credentials)
      throw new ChannelUnavailableError(channel.id, channel.status, 'no access token is stored');
    return graphFor(channel).forPage({
      id: channel.id,
      accessToken: credentials.accessToken,
      ...(credentials.pageId ? { node: credentials.pageId } : {}),
    });
  }

  async function setStatus(
    channelId: string,
    patch: Partial<
      Pick<
        Channel,
        'status' | 'statusReason' | 'tokenExpiresAt' | 'dataAccessExpiresAt' | 'missingPermissions'
      >
    >,
  ): Promise<Channel> {
    const current = await getChannel(channelId);
    const next: Channel = { ...current, ...patch, updatedAt: now() };
    // `statusReason: undefined` in a patch clears the reason rather than storing an undefined key.
    for (const [key, value] of Object.entries(patch))
      if (value === undefined) delete (next as Record<string, unknown>)[key];
    const changed =
      JSON.stringify({ ...current, updatedAt: 0 }) !== JSON.stringify({ ...next, updatedAt: 0 });
    if (!changed) return current;
    const saved = await inbox.updateChannel(next);
    if (saved.status !== current.status)
      emitter.emit('channel:status', { channel: saved, previous: current.status });
    return saved;
  }

  /** A 190 seen anywhere flips the channel at once; other errors leave it alone. */
  async function onGraphError(channel: Channel, error: unknown): Promise<void> {
    if (!(error instanceof TokenError)) return;
    try {
      await setStatus(channel.id, {
        status: error.reason === 'expired' ? 'expired' : 'revoked',
        statusReason: TOKEN_REASON_TEXT[error.reason],
      });
    } catch (statusError) {
      emitter.emit('error', { error: toPagedeskError(statusError), channelId: channel.id });
    }
  }

  function assertSendable(channel: Channel): void {
    if (!SENDABLE.has(channel.status))
      throw new ChannelUnavailableError(channel.id, channel.status, channel.statusReason);
  }

  async function loadConversation(conversationId: string) {
    const conversation = await store.conversations.get(conversationId);
    if (!conversation) throw new NotFoundError('Conversation', conversationId);
    const channel = await getChannel(conversation.channelId);
    const customer = await store.customers.get(conversation.customerId);
    if (!customer) throw new NotFoundError('Customer', conversation.customerId);
    return { conversation, channel, customer };
  }

  async function personaFor(
    channel: Channel,
    page: PageGraph,
    agentId: string | undefined,
  ): Promise<string | undefined> {
    if (!agentId || !options.agents || channel.platform !== 'messenger' || personaUnavailable.has(channel.id))
      return undefined;
    const key = `${channel.id}\u0000${agentId}`;
    const cached = personas.get(key);
    if (cached) return cached;
    try {
      const agent = await options.agents(agentId);
      if (!agent) return undefined;
      const id = await page.createPersona({
        name: agent.name.slice(0, 50),
        ...(agent.avatarUrl ? { profilePictureUrl: agent.avatarUrl } : {}),
      });
      personas.set(key, id);
      return id;
    } catch (error) {
      // A reply without the agent's face is better than no reply.
      await onGraphError(channel, error);
      if (error instanceof TokenError) throw error;
      personaUnavailable.add(channel.id);
      emitter.emit('error', { error: toPagedeskError(error), channelId: channel.id });
      return undefined;
    }
  }

  async function attachmentRef(
    channel: Channel,
    attachment: Attachment,
    useCache: boolean,
  ): Promise<{ ref: OutboundAttachment; hash?: string; cached: boolean }> {
    const kind =
      attachment.kind === 'image' || attachment.kind === 'video' || attachment.kind === 'audio'
        ? attachment.kind
        : 'file';
    if (attachment.attachmentId)
      return { ref: { type: kind, attachmentId: attachment.attachmentId }, cached: false };
    if (!attachment.url)
      throw new ValidationError('attachment', [
        { path: 'attachments.url', message: 'an outbound attachment needs a url' },
      ]);
    const hash = await hashAttachment({
      name: attachment.name ?? '',
      type: attachment.mimeType ?? '',
      size: attachment.size ?? 0,
      url: attachment.url,
    });
    const cachedId = useCache ? await attachmentCache.get(channel.id, hash) : undefined;
    if (cachedId) return { ref: { type: kind, attachmentId: cachedId }, hash, cached: true };
    return { ref: { type: kind, url: attachment.url, isReusable: true }, hash, cached: false };
  }

  interface Delivery {
    channel: Channel;
    page: PageGraph;
    recipient: SendMessageRequest['recipient'];
    messagingType: SendMessageRequest['messagingType'];
    tag?: string;
    personaId?: string;
  }

  /** One Send API call for one stored message, re-uploading rejected cached ids and dropping a rejected persona. */
  async function deliver(d: Delivery, message: Message): Promise<SendResult> {
    const attempt = async (useCache: boolean, personaId: string | undefined) => {
      const refs = await Promise.all(message.attachments.map((a) => attachmentRef(d.channel, a, useCache)));
      const request: SendMessageRequest = {
        recipient: d.recipient,
        messagingType: d.messagingType,
        ...(d.tag ? { tag: d.tag } : {}),
        ...(message.text !== undefined && refs.length === 0 ? { text: message.text } : {}),
        ...(refs.length === 1 ? { attachment: refs[0]!.ref } : {}),
        ...(refs.length > 1 ? { attachments: refs.map((r) => r.ref) } : {}),
        ...(message.quickReplies?.length ? { quickReplies: message.quickReplies } : {}),
        ...('id' in d.recipient ? { metadata: message.id } : {}),
        ...(message.replyTo?.mid ? { replyTo: message.replyTo.mid } : {}),
        ...(personaId ? { personaId } : {}),
      };
      const result = await d.page.send(request);
      const single = refs.length === 1 ? refs[0] : undefined;
      if (single?.hash && !single.cached && result.attachmentId)
        await attachmentCache.set(d.channel.id, single.hash, result.attachmentId);
      return { result, refs };
    };
    let useCache = true;
    let personaId = d.personaId;
    for (let i = 0; i < 3; i++) {
      try {
        return (await attempt(useCache, personaId)).result;
      } catch (error) {
        // Meta answered with an error, so it did not accept the message: sending again is safe.
        if (useCache && error instanceof GraphError && error.subcode === 2018074) {
          useCache = false;
          for (const a of message.attachments) {
            const ref = await attachmentRef(d.channel, a, false).catch(() => undefined);
            if (ref?.hash) await attachmentCache.delete(d.channel.id, ref.hash);
          }
          continue;
        }
        const personaRejected =
          personaId !== undefined &&
          (error?.constructor === PermissionError ||
            (error?.constructor === GraphError && (error as GraphError).graphCode === 100));
        if (personaRejected) {
          personaUnavailable.add(d.channel.id);
          personaId = undefined;
          continue;
        }
        throw error;
      }
    }
    throw new GraphError(
      'Meta rejected the message after re-uploading its attachments',
      {},
      { retryable: true },
    );
  }

  /** Sends recorded messages in order; the first failure fails the rest (order is kept for a retry). */
  async function sendRecorded(
    d: Delivery,
    conversation: Conversation,
    messages: Message[],
  ): Promise<Message[]> {
    const out: Message[] = [];
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      inFlight.add(message.id);
      try {
        const result = await deliver(d, message);
        if ('commentId' in d.recipient) await inbox.markPrivateReplySent(conversation.id, now());
        out.push(await inbox.markSent(message.id, { mid: result.messageId, at: now() }));
      } catch (error) {
        await onGraphError(d.channel, error);
        await inbox.markFailed(message.id, failureOf(error));
        for (const rest of messages.slice(i + 1))
          await inbox.markFailed(rest.id, {
            code: 'previous_part_failed',
            message: 'Not sent because an earlier part of the reply failed',
            retryable: true,
          });
        throw toPagedeskError(error);
      } finally {
        inFlight.delete(message.id);
      }
    }
    return out;
  }

  function windowError(
    channel: Channel,
    conversation: Conversation,
    at: number,
  ): WindowClosedError | undefined {
    const window = windowForConversation(conversation, channel, at);
    if (window.messagingType !== null && (conversation.source === 'message' || window.privateReply))
      return undefined;
    return new WindowClosedError(
      `${window.reason.text}. The customer has to write again before you can reply.`,
      {
        ...(window.closesAt === null ? {} : { closedAt: window.closesAt }),
      },
    );
  }

  async function deliveryFor(
    channel: Channel,
    conversation: Conversation,
    customer: Customer,
    at: number,
    agentId?: string,
  ) {
    const window = windowForConversation(conversation, channel, at);
    const page = await pageGraph(channel);
    const comment = conversation.source === 'comment' ? conversation.comment : undefined;
    const recipient: SendMessageRequest['recipient'] = comment
      ? { commentId: comment.commentId }
      : { id: customer.psid };
    const personaId = comment ? undefined : await personaFor(channel, page, agentId);
    const d: Delivery = {
      channel,
      page,
      recipient,
      messagingType: comment ? 'RESPONSE' : (window.messagingType ?? 'RESPONSE'),
      ...(!comment && window.tag ? { tag: window.tag } : {}),
      ...(personaId ? { personaId } : {}),
    };
    return d;
  }

  async function publicReply(
    conversation: Conversation,
    channel: Channel,
    draft: SendDraft,
    author: Message['author'],
  ) {
    const comment = conversation.comment;
    if (!comment)
      throw new ValidationError('reply', [
        { path: 'publicReply', message: 'only comment conversations have public replies' },
      ]);
    if (draft.attachments?.length)
      throw new RuleViolationError(
        'public_reply_text_only',
        'A public reply under a comment can only be text',
      );
    const text = draft.text?.trim();
    if (!text) throw new RuleViolationError('empty_reply', 'Write a reply first');
    const page = await pageGraph(channel);
    const recorded = await inbox.recordOutbound(conversation.id, {
      ...(draft.clientId ? { id: draft.clientId } : {}),
      text,
      author,
    });
    return [await sendPublic(channel, page, comment.commentId, recorded)];
  }

  async function sendPublic(
    channel: Channel,
    page: PageGraph,
    commentId: string,
    message: Message,
  ): Promise<Message> {
    inFlight.add(message.id);
    try {
      const result = await page.replyToComment(commentId, message.text ?? '', channel.platform);
      return await inbox.markSent(message.id, { mid: result.id, at: now() });
    } catch (error) {
      await onGraphError(channel, error);
      await inbox.markFailed(message.id, failureOf(error));
      throw toPagedeskError(error);
    } finally {
      inFlight.delete(message.id);
    }
  }

  async function send(conversationId: string, draftInput: SendDraft): Promise<Message[]> {
    const draft = parseOrThrow(sendDraftSchema, draftInput, 'reply');
    return serial(conversationId, async () => {
      const { conversation, channel, customer } = await loadConversation(conversationId);
      assertSendable(channel);
      const agent = draft.agentId && options.agents ? await options.agents(draft.agentId) : undefined;
      const author: Message['author'] = {
        kind: 'agent',
        ...(draft.agentId ? { agentId: draft.agentId } : {}),
        ...(agent?.name ? { name: agent.name } : {}),
      };
      if (conversation.source === 'comment' && draft.publicReply)
        return publicReply(conversation, channel, draft, author);
      const at = now();
      const closed = windowError(channel, conversation, at);
      if (closed) throw closed;
      const plan = planReply(
        {
          ...(draft.text === undefined ? {} : { text: draft.text }),
          attachments: (draft.attachments ?? []).map((f) => ({
            name: f.name,
            type: f.type,
            size: f.size,
            url: f.url,
          })),
        },
        { rules: rulesOf(channel), platform: channel.platform, split: draft.split ?? false },
      );
      if (!plan.ok) throw ruleError(plan.problems);
      if (conversation.source === 'comment' && plan.parts.length > 1)
        throw new RuleViolationError(
          'private_reply_single',
          'A private reply to a comment is one message: send the text or one attachment',
        );
      let replyTo: Message['replyTo'];
      if (draft.replyToMessageId) {
        const quoted = await store.messages.get(draft.replyToMessageId);
        if (!quoted || quoted.conversationId !== conversationId)
          throw new NotFoundError('Message', draft.replyToMessageId);
        if (!quoted.mid)
          throw new ValidationError('reply', [
            {
              path: 'replyToMessageId',
              message: 'the quoted message was never delivered, so it cannot be quoted',
            },
          ]);
        replyTo = { mid: quoted.mid, messageId: quoted.id };
      }
      const d = await deliveryFor(channel, conversation, customer, at, draft.agentId);
      const recorded: Message[] = [];
      for (let i = 0; i < plan.parts.length; i++) {
        const part = plan.parts[i]!;
        const outbound: OutboundDraft = {
          ...(i === 0 && draft.clientId ? { id: draft.clientId } : {}),
          ...(part.type === 'text' ? { text: part.text } : {}),
          attachments: attachmentsOfPart(part),
          ...(i === 0 && replyTo ? { replyTo } : {}),
          ...(i === plan.parts.length - 1 && draft.quickReplies?.length
            ? { quickReplies: draft.quickReplies }
            : {}),
          author,
          messagingType: d.messagingType,
          ...(d.tag ? { tag: d.tag } : {}),
        };
        recorded.push(await inbox.recordOutbound(conversationId, outbound));
      }
      return sendRecorded(d, conversation, recorded);
    });
  }

  async function retry(messageId: string): Promise<Message> {
    const first = await store.messages.get(messageId);
    if (!first) throw new NotFoundError('Message', messageId);
    if (first.direction !== 'outbound')
      throw new ValidationError('retry', [
        { path: 'messageId', message: 'only outbound messages can be retried' },
      ]);
    return serial(first.conversationId, async () => {
      // Re-read inside the queue: an echo may have confirmed an unknown outcome in the meantime.
      const message = (await store.messages.get(messageId)) ?? first;
      if (message.delivery !== 'failed' || inFlight.has(message.id)) return message;
      const { conversation, channel, customer } = await loadConversation(message.conversationId);
      assertSendable(channel);
      const publicAnswer = conversation.source === 'comment' && message.messagingType === undefined;
      const at = now();
      if (!publicAnswer) {
        const closed = windowError(channel, conversation, at);
        if (closed) throw closed;
      }
      const pending = await inbox.markPending(message.id);
      if (publicAnswer)
        return sendPublic(channel, await pageGraph(channel), conversation.comment!.commentId, pending);
      const d = await deliveryFor(channel, conversation, customer, at, message.author.agentId);
      const [sent] = await sendRecorded(d, conversation, [pending]);
      return sent!;
    });
  }

  async function senderAction(conversationId: string, action: 'typing_on' | 'typing_off' | 'mark_seen') {
    const { conversation, channel, customer } = await loadConversation(conversationId);
    // Comments have no thread to type in; typing is a courtesy, never an error for the agent.
    if (conversation.source === 'comment') return;
    assertSendable(channel);
    const page = await pageGraph(channel);
    try {
      await page.senderAction(customer.psid, action);
    } catch (error) {
      await onGraphError(channel, error);
      throw toPagedeskError(error);
    }
  }

  function requiredMissing(
    channel: Channel,
    scopes: string[],
    granular: Array<{ scope: string; targetIds: string[] }>,
    node: string,
  ) {
    return REQUIRED_SCOPES[channel.platform].filter((scope) => {
      if (!scopes.includes(scope)) return true;
      const grant = granular.find((g) => g.scope === scope);
      // Granular scopes name the assets a permission covers; an empty list means all of them.
      return (
        grant !== undefined &&
        grant.targetIds.length > 0 &&
        !grant.targetIds.includes(node) &&
        !grant.targetIds.includes(channel.id)
      );
    });
  }

  async function check(channelId: string, checkOptions: { warnBefore?: number } = {}): Promise<ChannelCheck> {
    const channel = await getChannel(channelId);
    const previous = channel.status;
    // An admin's pause, a disconnection and Meta's block are not the token's business.
    if (channel.status === 'deactivated' || channel.status === 'disconnected' || channel.status === 'blocked')
      return { channel, previous, resubscribed: false };
    const credentials = await store.credentials.get(channel.id);
    if (!credentials) {
      const saved = await setStatus(channel.id, {
        status: 'revoked',
        statusReason: 'No access token is stored: reconnect the page',
      });
      return { channel: saved, previous, resubscribed: false };
    }
    const graph = graphFor(channel);
    const info = await graph.debugToken(credentials.accessToken);
    const at = now();
    const expiresAt = info.expiresAt;
    const dataAccessExpiresAt = info.dataAccessExpiresAt;
    const base = { tokenExpiresAt: expiresAt, dataAccessExpiresAt };
    if (!info.isValid) {
      const subcode = info.error?.subcode;
      const expired = subcode === 463 || (expiresAt !== null && expiresAt <= at);
      const reason: TokenErrorReason =
        subcode === 460
          ? 'password_changed'
          : subcode === 458
            ? 'app_removed'
            : subcode === 492
              ? 'session_invalid'
              : subcode === 459
                ? 'checkpoint'
                : 'invalid';
      const saved = await setStatus(channel.id, {
        ...base,
        status: expired ? 'expired' : 'revoked',
        statusReason: TOKEN_REASON_TEXT[expired ? 'expired' : reason],
      });
      return { channel: saved, previous, resubscribed: false };
    }
    const ends = [expiresAt, dataAccessExpiresAt].filter((t): t is number => t !== null);
    const endsAt = ends.length > 0 ? Math.min(...ends) : null;
    if (endsAt !== null && endsAt <= at) {
      const saved = await setStatus(channel.id, {
        ...base,
        status: 'expired',
        statusReason:
          endsAt === dataAccessExpiresAt
            ? 'Data access expired: the admin has to log in again'
            : TOKEN_REASON_TEXT.expired,
      });
      return { channel: saved, previous, resubscribed: false };
    }
    const missing = requiredMissing(
      channel,
      info.scopes,
      info.granularScopes,
      credentials.pageId ?? channel.id,
    );
    if (missing.length > 0) {
      const saved = await setStatus(channel.id, {
        ...base,
        status: 'missing_permissions',
        missingPermissions: missing,
        statusReason: `Permission removed: ${missing.join(', ')}`,
      });
      return { channel: saved, previous, resubscribed: false };
    }
    const page = await pageGraph(channel);
    let resubscribed = false;
    const apps = await page.subscribedApps();
    const fields = channel.platform === 'instagram' ? INSTAGRAM_FIELDS : MESSENGER_FIELDS;
    const ours = apps.find((a) => a.id === channel.appId);
    const subscribed =
      ours !== undefined &&
      (ours.subscribedFields.length === 0 || ours.subscribedFields.includes('messages'));
    if (!subscribed) {
      await setStatus(channel.id, {
        ...base,
        missingPermissions: [],
        status: 'unsubscribed',
        statusReason: 'Meta stopped sending this page’s webhooks',
      });
      if (options.repairSubscriptions === false)
        return { channel: await getChannel(channel.id), previous, resubscribed };
      await page.subscribe(fields);
      resubscribed = true;
    }
    const warn = checkOptions.warnBefore ?? warnBefore;
    const expiring = endsAt !== null && endsAt - at <= warn;
    const saved = await setStatus(channel.id, {
      ...base,
      missingPermissions: [],
      status: expiring ? 'expiring' : 'active',
      ...(expiring
        ? {
            statusReason:
              endsAt === dataAccessExpiresAt
                ? 'Data access expires soon: the admin has to log in again'
                : 'The access token expires soon: reauthorize the page',
          }
        : { statusReason: undefined }),
    });
    return { channel: saved, previous, resubscribed };
  }

  async function userPages(
    userAccessToken: string,
    appId: string,
  ): Promise<{ pages: AccountPage[]; userToken: string }> {
    const graph = graphFor({ appId });
    let userToken = userAccessToken;
    if (options.exchangeUserTokens !== false && graph.appId) {
      // Page tokens read with a long-lived user token do not expire (platform.md §5.1).
      userToken = (await graph.exchangeUserToken(userAccessToken)).accessToken;
    }
    return { pages: await graph.forUser(userToken).accounts(), userToken };
  }

  interface Candidate {
    id: string;
    platform: Platform;
    name: string;
    pictureUrl?: string;
    tasks: string[];
    accessToken?: string;
    /** The Facebook Page an Instagram account is linked to. */
    pageId?: string;
  }

  function candidatesOf(pages: AccountPage[]): Candidate[] {
    const out: Candidate[] = [];
    for (const p of pages) {
      out.push({
        id: p.id,
        platform: 'messenger',
        name: p.name,
        tasks: p.tasks,
        ...(p.pictureUrl ? { pictureUrl: p.pictureUrl } : {}),
        ...(p.accessToken ? { accessToken: p.accessToken } : {}),
      });
      if (p.instagram)
        out.push({
          id: p.instagram.id,
          platform: 'instagram',
          name: p.instagram.username ?? p.instagram.name ?? p.name,
          tasks: p.tasks,
          pageId: p.id,
          ...(p.instagram.pictureUrl ? { pictureUrl: p.instagram.pictureUrl } : {}),
          ...(p.accessToken ? { accessToken: p.accessToken } : {}),
        });
    }
    return out;
  }

  function missingTask(tasks: string[]): string | undefined {
    const has = (task: string) => tasks.includes(task) || tasks.includes('MANAGE');
    if (!has('MESSAGING')) return 'Your role on this page cannot message customers (MESSAGING task)';
    if (!has('MODERATE')) return 'Your role on this page cannot install apps (MODERATE task)';
    return undefined;
  }

  async function availability(candidate: Candidate) {
    const existing = await store.channels.get(candidate.id);
    const otherOrg =
      existing !== undefined &&
      existing.status !== 'disconnected' &&
      existing.organizationId !== undefined &&
      existing.organizationId !== options.organizationId;
    const unavailableReason = otherOrg
      ? 'Already connected to another organisation'
      : !candidate.accessToken
        ? 'Meta returned no access token for this page'
        : missingTask(candidate.tasks);
    const connected = existing !== undefined && !otherOrg && existing.status !== 'disconnected';
    return { existing, otherOrg, unavailableReason, connected };
  }

  async function listConnectablePages(userAccessToken: string): Promise<ConnectablePage[]> {
    if (!defaultAppId)
      throw new ValidationError('channels options', [{ path: 'apps', message: 'no Meta app configured' }]);
    const { pages } = await userPages(userAccessToken, defaultAppId);
    const out: ConnectablePage[] = [];
    for (const candidate of candidatesOf(pages)) {
      const { unavailableReason, connected } = await availability(candidate);
      out.push({
        id: candidate.id,
        name: candidate.name,
        platform: candidate.platform,
        ...(candidate.pictureUrl ? { pictureUrl: candidate.pictureUrl } : {}),
        tasks: candidate.tasks,
        ...(unavailableReason ? { unavailableReason } : {}),
        connected,
      });
    }
    return out;
  }

  async function storeToken(channel: Channel, candidate: Candidate, connectedBy?: string) {
    const credentials: ChannelCredentials = {
      accessToken: candidate.accessToken!,
      ...(candidate.pageId ? { pageId: candidate.pageId } : {}),
      ...(connectedBy ? { connectedByUserId: connectedBy } : {}),
    };
    await store.credentials.put(channel.id, credentials);
  }

  async function connect(userAccessToken: string, pageIds: string[]): Promise<Channel[]> {
    if (!defaultAppId)
      throw new ValidationError('channels options', [{ path: 'apps', message: 'no Meta app configured' }]);
    if (pageIds.length === 0)
      throw new ValidationError('connect', [{ path: 'pageIds', message: 'choose at least one page' }]);
    const appId = defaultAppId;
    const { pages } = await userPages(userAccessToken, appId);
    const candidates = candidatesOf(pages);
    const chosen: Array<{ candidate: Candidate; existing: Channel | undefined }> = [];
    for (const [index, pageId] of pageIds.entries()) {
      const candidate = candidates.find((c) => c.id === pageId);
      if (!candidate)
        throw new ValidationError('connect', [
          { path: `pageIds[${index}]`, message: `${pageId} is not among the pages this user administers` },
        ]);
      const { existing, otherOrg, unavailableReason } = await availability(candidate);
      if (otherOrg) throw new ChannelConflictError(candidate.id);
      if (unavailableReason) throw new PermissionError(`${candidate.name}: ${unavailableReason}`);
      chosen.push({ candidate, existing });
    }
    const connected: Channel[] = [];
    for (const { candidate, existing } of chosen) {
      const at = now();
      const channel: Channel = {
        id: candidate.id,
        platform: candidate.platform,
        name: candidate.name,
        ...(candidate.pictureUrl ? { pictureUrl: candidate.pictureUrl } : {}),
        appId,
        ...(options.organizationId ? { organizationId: options.organizationId } : {}),
        status: 'active',
        tokenExpiresAt: null,
        dataAccessExpiresAt: null,
        missingPermissions: [],
        settings: existing?.settings ?? { ...defaultChannelSettings, agentIds: [] },
        connectedAt: existing && existing.status !== 'disconnected' ? existing.connectedAt : at,
        updatedAt: at,
      };
      await storeToken(channel, candidate);
      const page = graphFor(channel).forPage({
        id: channel.id,
        accessToken: candidate.accessToken!,
        ...(candidate.pageId ? { node: candidate.pageId } : {}),
      });
      await page.subscribe(candidate.platform === 'instagram' ? INSTAGRAM_FIELDS : MESSENGER_FIELDS);
      await inbox.updateChannel(channel);
      if (existing && existing.status !== channel.status)
        emitter.emit('channel:status', { channel, previous: existing.status });
      let result = channel;
      if (graphFor(channel).appId) result = (await check(channel.id)).channel;
      if (options.historyImport !== false) {
        try {
          await importHistory(channel.id, options.historyImport ?? {});
        } catch (error) {
          // History is a bonus: a page connects even when its past cannot be read.
          emitter.emit('error', { error: toPagedeskError(error), channelId: channel.id });
        }
      }
      connected.push(result);
    }
    return connected;
  }

  async function reauthorize(channelId: string, userAccessToken: string): Promise<Channel> {
    const channel = await getChannel(channelId);
    if (channel.status === 'disconnected')
      throw new ChannelUnavailableError(channel.id, channel.status, 'connect the page again instead');
    const { pages } = await userPages(userAccessToken, channel.appId);
    const candidate = candidatesOf(pages).find((c) => c.id === channel.id);
    if (!candidate?.accessToken)
      throw new NotFoundError('Page among the pages this user administers', channel.id);
    const reason = missingTask(candidate.tasks);
    if (reason) throw new PermissionError(`${candidate.name}: ${reason}`);
    const previousCredentials = await store.credentials.get(channel.id);
    await storeToken(channel, candidate, previousCredentials?.connectedByUserId);
    const page = graphFor(channel).forPage({
      id: channel.id,
      accessToken: candidate.accessToken,
      ...(candidate.pageId ? { node: candidate.pageId } : {}),
    });
    await page.subscribe(channel.platform === 'instagram' ? INSTAGRAM_FIELDS : MESSENGER_FIELDS);
    // A deactivated channel stays paused: reauthorizing fixes the token, not the admin's choice.
    if (channel.status === 'deactivated') return channel;
    await setStatus(channel.id, { status: 'active', statusReason: undefined, missingPermissions: [] });
    if (graphFor(channel).appId) return (await check(channel.id)).channel;
    return getChannel(channel.id);
  }

  async function resubscribe(channelId: string): Promise<Channel> {
    const channel = await getChannel(channelId);
    assertSendable(channel);
    const page = await pageGraph(channel);
    try {
      await page.subscribe(channel.platform === 'instagram' ? INSTAGRAM_FIELDS : MESSENGER_FIELDS);
    } catch (error) {
      await onGraphError(channel, error);
      throw toPagedeskError(error);
    }
    if (channel.status === 'unsubscribed')
      return setStatus(channel.id, { status: 'active', statusReason: undefined });
    return channel;
  }

  async function action(channelId: string, input: ChannelAction): Promise<Channel> {
    const a = parseOrThrow(
      z.union([
        z.object({ action: z.enum(['deactivate', 'activate', 'disconnect', 'resubscribe', 'check']) }),
        z.object({ action: z.literal('reauthorize'), userAccessToken: z.string().check(z.minLength(1)) }),
      ]),
      input,
      'channel action',
    );
    const channel = await getChannel(channelId);
    switch (a.action) {
      case 'deactivate':
        return setStatus(channel.id, { status: 'deactivated', statusReason: 'Paused by an admin' });
      case 'activate': {
        if (channel.status === 'disconnected')
          throw new ChannelUnavailableError(channel.id, channel.status, 'connect the page again instead');
        if (channel.status !== 'deactivated') return channel;
        await setStatus(channel.id, { status: 'active', statusReason: undefined });
        return graphFor(channel).appId ? (await check(channel.id)).channel : getChannel(channel.id);
      }
      case 'disconnect': {
        if (channel.status === 'disconnected') return channel;
        const credentials = await store.credentials.get(channel.id);
        if (credentials) {
          try {
            await (await pageGraph(channel)).unsubscribe();
          } catch (error) {
            // Disconnecting must work even with a dead token: Meta stops delivering anyway.
            emitter.emit('error', { error: toPagedeskError(error), channelId: channel.id });
          }
          await store.credentials.delete(channel.id);
        }
        return setStatus(channel.id, {
          status: 'disconnected',
          statusReason: 'Disconnected: history is kept read-only',
        });
      }
      case 'resubscribe':
        return resubscribe(channel.id);
      case 'check':
        return (await check(channel.id)).channel;
      case 'reauthorize':
        return reauthorize(channel.id, a.userAccessToken);
      default: {
        const never: never = a;
        return never;
      }
    }
  }

  async function updateSettings(channelId: string, patch: Partial<ChannelSettings>): Promise<Channel> {
    const parsed = parseOrThrow(settingsPatchSchema, patch, 'channel settings');
    const channel = await getChannel(channelId);
    const settings = { ...channel.settings } as Record<string, unknown>;
    for (const [key, value] of Object.entries(parsed)) if (value !== undefined) settings[key] = value;
    return inbox.updateChannel({ ...channel, settings: settings as ChannelSettings, updatedAt: now() });
  }

  async function recoverPending({
    olderThanMs = 0,
    limit = 1000,
  }: {
    olderThanMs?: number;
    limit?: number;
  } = {}) {
    const pending = await store.messages.listPending(limit);
    const cutoff = now() - olderThanMs;
    const recovered: Message[] = [];
    for (const message of pending) {
      if (inFlight.has(message.id) || message.createdAt > cutoff || message.direction !== 'outbound')
        continue;
      recovered.push(
        await inbox.markFailed(message.id, {
          code: 'interrupted',
          message: 'Sending was interrupted (the server restarted); it may not have reached the customer',
          retryable: true,
        }),
      );
    }
    return recovered;
  }

  async function refreshProfile(customerId: string, attempt = 0): Promise<Customer | undefined> {
    if (closed) return undefined;
    const customer = await store.customers.get(customerId);
    if (!customer || customer.profileStatus === 'fetched') return customer;
    const channel = await store.channels.get(customer.channelId);
    if (!channel || !SENDABLE.has(channel.status)) return customer;
    try {
      const page = await pageGraph(channel);
      const profile = await page.profile(customer.psid, customer.platform);
      const latest = (await store.customers.get(customerId)) ?? customer;
      return await inbox.updateCustomer({
        ...latest,
        ...(profile.name ? { name: profile.name } : {}),
        ...(profile.firstName ? { firstName: profile.firstName } : {}),
        ...(profile.lastName ? { lastName: profile.lastName } : {}),
        ...(profile.username ? { username: profile.username } : {}),
        ...(profile.avatarUrl ? { avatarUrl: profile.avatarUrl } : {}),
        profileStatus: 'fetched',
        profileFetchedAt: now(),
      });
    } catch (error) {
      await onGraphError(channel, error);
      // Keep the name the event carried; say the profile is unavailable for now and try again later.
      const latest = (await store.customers.get(customerId)) ?? customer;
      const saved = await inbox.updateCustomer({
        ...latest,
        profileStatus: 'unavailable',
        profileFetchedAt: now(),
      });
      const delay = profileDelays[attempt];
      if (delay !== undefined && !(error instanceof TokenError) && !closed) {
        const cancel = setTimer(() => {
          timers.delete(cancel);
          track(refreshProfile(customerId, attempt + 1));
        }, delay);
        timers.add(cancel);
      }
      return saved;
    }
  }

  async function importHistory(
    channelId: string,
    {
      conversations: maxConversations = 25,
      messagesPerConversation = 25,
    }: { conversations?: number; messagesPerConversation?: number } = {},
  ): Promise<{ conversations: number; messages: number }> {
    const channel = await getChannel(channelId);
    assertSendable(channel);
    const page = await pageGraph(channel);
    const credentials = await store.credentials.get(channel.id);
    const selfIds = new Set([channel.id, credentials?.pageId].filter((id): id is string => !!id));
    const threads = await page.conversations({
      platform: channel.platform,
      limit: Math.min(maxConversations, 100),
    });
    let conversationCount = 0;
    let messageCount = 0;
    for (const thread of threads.items.slice(0, maxConversations)) {
      const person = thread.participants.find((p) => !selfIds.has(p.id));
      if (!person) continue;
      const history = await page.conversationMessages(thread.id, {
        limit: Math.min(messagesPerConversation, 100),
      });
      const items = history.items.slice(0, messagesPerConversation).sort((a, b) => a.createdAt - b.createdAt);
      if (items.length === 0) continue;
      const customerId = `${channel.id}:${person.id}`;
      let customer = await store.customers.get(customerId);
      if (!customer) {
        customer = {
          id: customerId,
          channelId: channel.id,
          platform: channel.platform,
          psid: person.id,
          ...(person.name ? { name: person.name } : {}),
          ...(person.username ? { username: person.username } : {}),
          profileStatus: 'unknown',
          createdAt: items[0]!.createdAt,
        };
        // Written to the store directly: inbox events would make old history look like new mail.
        await store.customers.put(customer);
        track(refreshProfile(customerId));
      }
      let conversation =
        (await store.conversations.findLatest({ channelId: channel.id, customerId, source: 'message' })) ??
        ({
          id: hashId('c', channel.id, 'import', thread.id),
          channelId: channel.id,
          platform: channel.platform,
          customerId,
          source: 'message',
          status: 'open',
          assigneeId: null,
          unreadCount: 0,
          lastInboundAt: null,
          lastOutboundAt: null,
          lastMessageAt: items[0]!.createdAt,
          createdAt: items[0]!.createdAt,
          updatedAt: now(),
          resolvedAt: null,
        } satisfies Conversation);
      let imported = 0;
      for (const item of items) {
        if (await store.messages.getByMid(channel.id, item.id)) continue;
        const inbound = item.from.id === person.id;
        const message: Message = {
          // The inbox's own id for this mid, so a later webhook for it is recognised.
          id: hashId('m', channel.id, item.id),
          conversationId: conversation.id,
          channelId: channel.id,
          direction: inbound ? 'inbound' : 'echo',
          mid: item.id,
          ...(item.text ? { text: item.text } : {}),
          attachments: item.attachments.map((a) => ({
            kind: a.mimeType?.startsWith('image/')
              ? 'image'
              : a.mimeType?.startsWith('video/')
                ? 'video'
                : a.mimeType?.startsWith('audio/')
                  ? 'audio'
                  : 'file',
            ...(a.url ? { url: a.url } : {}),
            ...(a.name ? { name: a.name } : {}),
            ...(a.mimeType ? { mimeType: a.mimeType } : {}),
            ...(a.size === undefined ? {} : { size: a.size }),
          })),
          reactions: [],
          delivery: 'delivered',
          author: inbound ? { kind: 'customer' } : { kind: 'page' },
          imported: true,
          createdAt: item.createdAt,
          ...(inbound ? {} : { sentAt: item.createdAt }),
          updatedAt: now(),
        };
        await store.messages.put(message);
        imported++;
        const preview = item.text ?? (item.attachments.length > 0 ? '[attachment]' : undefined);
        conversation = {
          ...conversation,
          lastMessageAt: Math.max(conversation.lastMessageAt, item.createdAt),
          ...(inbound
            ? { lastInboundAt: Math.max(conversation.lastInboundAt ?? 0, item.createdAt) }
            : { lastOutboundAt: Math.max(conversation.lastOutboundAt ?? 0, item.createdAt) }),
          ...(item.createdAt >= conversation.lastMessageAt && preview ? { preview } : {}),
          updatedAt: now(),
        };
      }
      if (imported === 0) continue;
      await store.conversations.put(conversation);
      conversationCount++;
      messageCount += imported;
    }
    emitter.emit('history:imported', { channel, conversations: conversationCount, messages: messageCount });
    return { conversations: conversationCount, messages: messageCount };
  }

  const unsubscribeInbox = inbox.on('customer:created', ({ customer }) => {
    if (customer.profileStatus !== 'fetched') track(refreshProfile(customer.id));
  });

  const channels: ServerChannels = {
    async list() {
      const all = await store.channels.list();
      return options.organizationId
        ? all.filter((c) => c.organizationId === undefined || c.organizationId === options.organizationId)
        : all;
    },
    get: getChannel,
    send,
    retry,
    setTyping: (conversationId, on) => senderAction(conversationId, on ? 'typing_on' : 'typing_off'),
    markSeen: (conversationId) => senderAction(conversationId, 'mark_seen'),
    updateSettings,
    action,
    listConnectablePages,
    connect,
    on(event, listener) {
      emitter.on(event, listener as never);
      return () => {
        emitter.off(event, listener as never);
      };
    },
    channel(channelId) {
      return {
        id: channelId,
        get: () => getChannel(channelId),
        async send(conversationId, draft) {
          const conversation = await store.conversations.get(conversationId);
          if (!conversation || conversation.channelId !== channelId)
            throw new NotFoundError('Conversation', conversationId);
          return send(conversationId, draft);
        },
        async retry(messageId) {
          const message = await store.messages.get(messageId);
          if (!message || message.channelId !== channelId) throw new NotFoundError('Message', messageId);
          return retry(messageId);
        },
      };
    },
    check,
    reauthorize,
    resubscribe,
    recoverPending,
    importHistory,
    refreshProfile: (customerId) => refreshProfile(customerId),
    graphFor,
    async idle() {
      for (let i = 0; i < 100 && background.size > 0; i++) await Promise.all([...background]);
    },
    close() {
      closed = true;
      unsubscribeInbox();
      for (const cancel of timers) cancel();
      timers.clear();
    },
  };
  return channels;
}

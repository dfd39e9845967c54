'use client';

import {
  type Agent,
  bodiesMatch,
  type Channel,
  type ChannelAction,
  ChannelUnavailableError,
  type ConnectablePage,
  type ConversationQuery,
  type ConversationWithCustomer,
  type Customer,
  checkText,
  type InboxTransport,
  type LiveEvent,
  type LiveStatus,
  type Message,
  NotFoundError,
  type Page,
  type PagedeskError,
  RuleViolationError,
  rulesFromSettings,
  SENDABLE_STATUSES,
  type SendDraft,
  searchTerm,
  splitText,
  type UploadedFile,
  ValidationError,
  WindowClosedError,
  windowForConversation,
} from '@pagedesk/core';
import {
  DAY,
  defaultSettings,
  FIRST,
  firstSorted,
  generateMessages,
  HOUR,
  LAST,
  LINES,
  mulberry32,
} from './fakeData.js';
import { fakeToolkit } from './fakeToolkit.js';
import type { DistributiveOmit, FakeTransport, FakeTransportOptions, Method } from './fakeTransport.types.js';
import { matchesFilter } from './queryKeys.js';

export type { FakeTransport, FakeTransportOptions };

/**
 * An in-memory {@link InboxTransport} with generated, deterministic data and live events: for
 * Storybook, tests and a host's own tests. It keeps the platform's rules (window, text limits), so a
 * reply to a closed conversation fails as it would for real.
 *
 * @example
 * const transport = createFakeTransport({ seed: 7, conversations: 10_000 });
 * render(<PagedeskProvider transport={transport}><Inbox /></PagedeskProvider>);
 * transport.receive(transport.data.conversations[0].id, { text: 'Hello?' });
 */
export function createFakeTransport(options: FakeTransportOptions = {}): FakeTransport {
  const now = options.now ?? Date.now;
  const random = mulberry32(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const base = now();
  const asset = options.assetBaseUrl ?? 'https://example.com/pagedesk/';
  const perConversation = options.messagesPerConversation ?? 30;

  const channels: Channel[] = options.channels ?? [
    {
      id: 'page-1',
      platform: 'messenger',
      name: 'Acme Support',
      appId: 'app-1',
      status: 'active',
      tokenExpiresAt: null,
      dataAccessExpiresAt: base + 80 * DAY,
      missingPermissions: [],
      settings: defaultSettings,
      connectedAt: base - 90 * DAY,
      updatedAt: base - DAY,
    },
    {
      id: 'ig-1',
      platform: 'instagram',
      name: 'acme.shop',
      appId: 'app-1',
      status: 'active',
      tokenExpiresAt: null,
      dataAccessExpiresAt: base + 60 * DAY,
      missingPermissions: [],
      settings: defaultSettings,
      connectedAt: base - 30 * DAY,
      updatedAt: base - DAY,
    },
  ];
  const agents: Agent[] = [
    { id: 'agent-1', name: 'Sam Rivera' },
    { id: 'agent-2', name: 'Kim Lee' },
  ];

  const conversations: ConversationWithCustomer[] = [];
  const count = options.conversations ?? 40;
  for (let i = 0; i < count; i++) {
    const channel = channels[i % 5 === 4 ? 1 % channels.length : 0] as Channel;
    const source: 'message' | 'comment' = i % 7 === 6 ? 'comment' : 'message';
    // A spread of windows: fresh, human-agent tier (> 24 h), closed (> 7 d).
    const age = i % 9 === 3 ? 30 * HOUR : i % 9 === 5 ? 9 * DAY : Math.floor(random() * 20 * HOUR);
    const lastInboundAt = base - age;
    const firstName = pick(FIRST);
    const lastName = pick(LAST);
    const psid = `${1000 + i}`;
    const customer: Customer = {
      id: `${channel.id}:${psid}`,
      channelId: channel.id,
      platform: channel.platform,
      psid,
      name: `${firstName} ${lastName}`,
      firstName,
      lastName,
      profileStatus: 'fetched',
      createdAt: lastInboundAt - 10 * DAY,
    };
    conversations.push({
      id: `conv-${i + 1}`,
      channelId: channel.id,
      platform: channel.platform,
      customerId: customer.id,
      customer,
      source,
      status: i % 11 === 10 ? 'resolved' : 'open',
      assigneeId: i % 4 === 0 ? (agents[i % 2] as Agent).id : null,
      unreadCount: i % 3 === 0 ? 1 + (i % 4) : 0,
      lastInboundAt,
      lastOutboundAt: lastInboundAt - HOUR,
      lastMessageAt: lastInboundAt,
      preview: pick(LINES),
      ...(source === 'comment'
        ? { comment: { commentId: `c-${i}`, postId: `p-${i % 3}`, privateReplySentAt: null } }
        : {}),
      createdAt: lastInboundAt - 2 * HOUR,
      updatedAt: lastInboundAt,
      resolvedAt: null,
    });
  }

  const messages = new Map<string, Message[]>(); // newest first
  let nextId = 1;
  const id = (prefix: string) => `${prefix}-${nextId++}`;

  const generate = (conversation: ConversationWithCustomer): Message[] =>
    generateMessages(conversation, perConversation, asset);
  const messagesOf = (conversationId: string): Message[] => {
    let list = messages.get(conversationId);
    if (!list) {
      const conversation = conversations.find((c) => c.id === conversationId);
      if (!conversation) throw new NotFoundError('conversation', conversationId);
      list = generate(conversation);
      messages.set(conversationId, list);
    }
    return list;
  };

  const listeners = new Set<{
    onEvent: (event: LiveEvent) => void;
    onStatus?: ((status: LiveStatus) => void) | undefined;
  }>();
  let seq = 0;
  let status: LiveStatus = 'open';
  const emit = (event: DistributiveOmit<LiveEvent, 'seq'> | { type: 'reset' }) => {
    const full = { ...event, seq: ++seq } as LiveEvent;
    for (const listener of listeners) listener.onEvent(full);
  };
  const failures = new Map<Method, PagedeskError>();
  const stalled = new Set<Method>();
  const calls: Array<{ method: Method; args: unknown[] }> = [];
  const latency = options.latencyMs ?? 0;

  function answer<T>(method: Method, args: unknown[], run: () => T): Promise<T> {
    calls.push({ method, args });
    if (stalled.has(method)) return new Promise<T>(() => {});
    const failure = failures.get(method);
    failures.delete(method);
    return new Promise<T>((resolve, reject) => {
      const settle = () => {
        if (failure) return reject(failure);
        try {
          resolve(structuredClone(run()));
        } catch (error) {
          reject(error);
        }
      };
      if (latency > 0) setTimeout(settle, latency);
      else queueMicrotask(settle);
    });
  }

  const conversationById = (conversationId: string) => {
    const conversation = conversations.find((c) => c.id === conversationId);
    if (!conversation) throw new NotFoundError('conversation', conversationId);
    return conversation;
  };
  const channelById = (channelId: string) => {
    const channel = channels.find((c) => c.id === channelId);
    if (!channel) throw new NotFoundError('channel', channelId);
    return channel;
  };
  const replaceConversation = (next: ConversationWithCustomer) => {
    conversations[conversations.findIndex((c) => c.id === next.id)] = next;
    emit({ type: 'conversation:updated', conversation: next });
    return next;
  };
  const replaceChannel = (next: Channel) => {
    channels[channels.findIndex((c) => c.id === next.id)] = next;
    emit({ type: 'channel:updated', channel: next });
    return next;
  };
  const storeMessage = (message: Message) => {
    const list = messagesOf(message.conversationId);
    const index = list.findIndex((m) => m.id === message.id);
    if (index === -1) {
      list.unshift(message);
      emit({ type: 'message:created', message });
    } else {
      list[index] = message;
      emit({ type: 'message:updated', message });
    }
  };

  const transport: FakeTransport = {
    // The fake's `now` is its server clock.
    serverClock: { offset: () => now() - Date.now(), subscribe: () => () => {} },
    listConversations(query: ConversationQuery) {
      return answer('listConversations', [query], (): Page<ConversationWithCustomer> => {
        const { cursor, limit = 25, ...filter } = query;
        const start = cursor ? Number(cursor) : 0;
        const size = Math.min(100, Math.max(1, limit));
        // Search matches message bodies too, as the stores do (core's bodiesMatch).
        const term = searchTerm(filter.search);
        const { search: _search, ...others } = filter;
        const matches = (c: ConversationWithCustomer) =>
          matchesFilter(c, filter) ||
          (term !== undefined && matchesFilter(c, others) && bodiesMatch(messagesOf(c.id), term));
        const { head, total } = firstSorted(conversations, start + size, matches);
        const items = head.slice(start, start + size);
        return { items, nextCursor: start + size < total ? String(start + size) : null };
      });
    },
    getConversation(conversationId) {
      return answer('getConversation', [conversationId], () => conversationById(conversationId));
    },
    updateConversation(conversationId, patch) {
      return answer('updateConversation', [conversationId, patch], () => {
        const current = conversationById(conversationId);
        const at = now();
        return replaceConversation({
          ...current,
          ...(patch.status
            ? { status: patch.status, resolvedAt: patch.status === 'resolved' ? at : null }
            : {}),
          ...(patch.assigneeId !== undefined ? { assigneeId: patch.assigneeId } : {}),
          ...(patch.read ? { unreadCount: 0 } : {}),
          updatedAt: at,
        });
      });
    },
    listMessages(conversationId, query = {}) {
      return answer('listMessages', [conversationId, query], (): Page<Message> => {
        const list = messagesOf(conversationId);
        const start = query.before ? Number(query.before) : 0;
        const size = Math.min(100, Math.max(1, query.limit ?? 25));
        return {
          items: list.slice(start, start + size),
          nextCursor: start + size < list.length ? String(start + size) : null,
        };
      });
    },
    sendMessage(conversationId, draft: SendDraft) {
      return answer('sendMessage', [conversationId, draft], () => {
        const conversation = conversationById(conversationId);
        const channel = channelById(conversation.channelId);
        if (!SENDABLE_STATUSES.has(channel.status))
          throw new ChannelUnavailableError(channel.id, channel.status);
        const at = now();
        const window = windowForConversation(conversation, channel, at);
        const isComment = conversation.source === 'comment';
        if (draft.publicReply && (!isComment || draft.attachments?.length))
          throw new ValidationError('reply', [
            { path: 'publicReply', message: 'only a text reply to a comment can be public' },
          ]);
        // Like core: one private reply per comment; a public answer is always possible.
        if (!window.canReply || (isComment && !draft.publicReply && !window.privateReply))
          throw new WindowClosedError('The messaging window is closed.');
        const rules = rulesFromSettings(channel);
        const text = draft.text ?? '';
        if (!text.trim() && !draft.attachments?.length)
          throw new ValidationError('reply', [
            { path: 'text', message: 'a reply needs text or an attachment' },
          ]);
        const check = text ? checkText(text, rules) : null;
        if (check && !check.ok && check.code === 'text_too_long' && !draft.split)
          throw new RuleViolationError(
            'text_too_long',
            `The text is ${check.length} characters; the limit is ${check.limit}.`,
            check.limit,
          );
        const texts = text.trim() ? (check?.ok ? [text] : splitText(text, rules)) : [];
        const common = {
          conversationId,
          channelId: channel.id,
          direction: 'outbound' as const,
          reactions: [],
          delivery: 'sent' as const,
          author: { kind: 'agent' as const, ...(draft.agentId ? { agentId: draft.agentId } : {}) },
          createdAt: at,
          sentAt: at,
          updatedAt: at,
          ...(draft.publicReply
            ? {}
            : window.tag
              ? { messagingType: 'MESSAGE_TAG' as const, tag: window.tag }
              : { messagingType: 'RESPONSE' as const }),
        };
        const sent: Message[] = [];
        texts.forEach((part, k) => {
          sent.push({
            ...common,
            id: k === 0 && draft.clientId ? draft.clientId : id('msg'),
            mid: id('mid'),
            text: part,
            attachments: [],
            ...(draft.replyToMessageId && k === 0
              ? { replyTo: { mid: '', messageId: draft.replyToMessageId } }
              : {}),
            ...(draft.quickReplies && k === texts.length - 1 ? { quickReplies: draft.quickReplies } : {}),
          });
        });
        for (const file of draft.attachments ?? []) {
          const kind = file.type.startsWith('image/')
            ? 'image'
            : file.type.startsWith('video/')
              ? 'video'
              : file.type.startsWith('audio/')
                ? 'audio'
                : 'file';
          sent.push({
            ...common,
            id: sent.length === 0 && draft.clientId ? draft.clientId : id('msg'),
            mid: id('mid'),
            attachments: [{ kind, url: file.url, name: file.name, mimeType: file.type, size: file.size }],
          });
        }
        for (const message of sent) storeMessage(message);
        const last = sent.at(-1);
        replaceConversation({
          ...conversation,
          lastOutboundAt: at,
          lastMessageAt: at,
          preview: last?.text ?? last?.attachments[0]?.name ?? conversation.preview,
          updatedAt: at,
          ...(conversation.comment && !draft.publicReply
            ? { comment: { ...conversation.comment, privateReplySentAt: at } }
            : {}),
        } as ConversationWithCustomer);
        return sent;
      });
    },
    retryMessage(messageId, retryOptions) {
      return answer('retryMessage', retryOptions ? [messageId, retryOptions] : [messageId], () => {
        for (const list of messages.values()) {
          const message = list.find((m) => m.id === messageId);
          if (!message) continue;
          const { failure: _f, ...rest } = message;
          const next: Message = { ...rest, delivery: 'sent', sentAt: now(), updatedAt: now() };
          storeMessage(next);
          return next;
        }
        throw new NotFoundError('message', messageId);
      });
    },
    setTyping(conversationId, on) {
      return answer('setTyping', [conversationId, on], () => undefined);
    },
    uploadFile(file: Blob, name: string) {
      return answer('uploadFile', [name], (): UploadedFile => {
        const uploadId = id('upload');
        return {
          id: uploadId,
          name,
          type: file.type || 'application/octet-stream',
          size: file.size,
          url: `${asset}uploads/${uploadId}`,
        };
      });
    },
    listChannels() {
      return answer('listChannels', [], () => channels);
    },
    updateChannelSettings(channelId, settings) {
      return answer('updateChannelSettings', [channelId, settings], () => {
        const channel = channelById(channelId);
        return replaceChannel({
          ...channel,
          settings: { ...channel.settings, ...settings },
          updatedAt: now(),
        });
      });
    },
    channelAction(channelId, action: ChannelAction) {
      return answer('channelAction', [channelId, action], () => {
        const channel = channelById(channelId);
        const status: Channel['status'] =
          action.action === 'deactivate'
            ? 'deactivated'
            : action.action === 'disconnect'
              ? 'disconnected'
              : action.action === 'check'
                ? channel.status
                : 'active';
        const { statusReason: _r, ...rest } = channel;
        return replaceChannel({
          ...(status === 'active' ? rest : channel),
          status,
          ...(status === 'active' ? { missingPermissions: [] } : {}),
          updatedAt: now(),
        });
      });
    },
    listConnectablePages(userAccessToken) {
      return answer('listConnectablePages', ['<token>'], (): ConnectablePage[] => {
        if (!userAccessToken)
          throw new ValidationError('connect', [{ path: 'userAccessToken', message: 'is required' }]);
        return [
          ...channels.map((c) => ({
            id: c.id,
            name: c.name,
            platform: c.platform,
            tasks: ['MESSAGING'],
            connected: c.status !== 'disconnected',
          })),
          {
            id: 'page-new',
            name: 'Acme Outlet',
            platform: 'messenger' as const,
            tasks: ['MESSAGING', 'MANAGE'],
            connected: false,
          },
          {
            id: 'page-other',
            name: 'Partner Page',
            platform: 'messenger' as const,
            tasks: ['ANALYZE'],
            connected: false,
            unavailableReason: 'You cannot message for this page',
          },
        ];
      });
    },
    connectPages(userAccessToken, pageIds) {
      return answer('connectPages', ['<token>', pageIds], () => {
        if (!userAccessToken)
          throw new ValidationError('connect', [{ path: 'userAccessToken', message: 'is required' }]);
        return pageIds.map((pageId) => {
          const existing = channels.find((c) => c.id === pageId);
          if (existing) return replaceChannel({ ...existing, status: 'active', updatedAt: now() });
          const channel: Channel = {
            id: pageId,
            platform: 'messenger',
            name: pageId === 'page-new' ? 'Acme Outlet' : pageId,
            appId: 'app-1',
            status: 'active',
            tokenExpiresAt: null,
            dataAccessExpiresAt: now() + 90 * DAY,
            missingPermissions: [],
            settings: defaultSettings,
            connectedAt: now(),
            updatedAt: now(),
          };
          channels.push(channel);
          emit({ type: 'channel:updated', channel });
          return channel;
        });
      });
    },
    listAgents() {
      return answer('listAgents', [], () => agents);
    },
    subscribe(onEvent, onStatus) {
      const listener = { onEvent, onStatus };
      listeners.add(listener);
      queueMicrotask(() => {
        if (listeners.has(listener)) onStatus?.(status);
      });
      return () => {
        listeners.delete(listener);
      };
    },
    receive(conversationId, input) {
      const conversation = conversationById(conversationId);
      const at = now();
      const message: Message = {
        id: id('in'),
        conversationId,
        channelId: conversation.channelId,
        direction: 'inbound',
        mid: id('mid'),
        attachments: input.attachments ?? [],
        reactions: [],
        delivery: 'delivered',
        author: { kind: 'customer' },
        createdAt: at,
        updatedAt: at,
        ...(input.text !== undefined ? { text: input.text } : {}),
      };
      storeMessage(message);
      replaceConversation({
        ...conversation,
        lastInboundAt: at,
        lastMessageAt: at,
        unreadCount: conversation.unreadCount + 1,
        preview: input.text ?? input.attachments?.[0]?.name ?? conversation.preview,
        updatedAt: at,
      } as ConversationWithCustomer);
      return message;
    },
    typing(conversationId, on, agentId) {
      emit({ type: 'typing', conversationId, on, ...(agentId ? { by: 'agent' as const, agentId } : {}) });
    },
    emit,
    setStatus(next) {
      status = next;
      for (const listener of listeners) listener.onStatus?.(next);
    },
    failNext(method, error) {
      failures.set(method, error);
    },
    stall(method) {
      stalled.add(method);
    },
    deliver(messageId, state) {
      for (const list of messages.values()) {
        const message = list.find((m) => m.id === messageId);
        if (!message) continue;
        const at = now();
        storeMessage({
          ...message,
          delivery: state,
          ...(state === 'read' ? { readAt: at } : { deliveredAt: at }),
          updatedAt: at,
        });
        return;
      }
      throw new NotFoundError('message', messageId);
    },
    data: {
      channels,
      conversations,
      messages: (conversationId) => [...messagesOf(conversationId)].reverse(),
    },
    calls,
  };
  // Customer panel, templates and moderation live in their own module (fakeToolkit.ts).
  const sendMessage = transport.sendMessage.bind(transport);
  Object.assign(
    transport,
    fakeToolkit({
      answer,
      conversations,
      channels,
      emit,
      now,
      sendMessage,
      messagesOf,
      storeMessage,
      ...(options.templates ? { templates: options.templates } : {}),
    }),
  );
  return transport;
}

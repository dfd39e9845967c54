'use client';

import {
  type Agent,
  attachmentsOfPart,
  bodiesMatch,
  type Channel,
  type ChannelAction,
  type ConnectablePage,
  type ConversationQuery,
  type ConversationWithCustomer,
  compareConversations,
  decideReply,
  decodeCursor,
  encodeCursor,
  type InboxTransport,
  type LiveEvent,
  type LiveStatus,
  type Message,
  matchesConversationQuery,
  messagePreview,
  NotFoundError,
  type Paged,
  type PagedeskError,
  parseOrThrow,
  quoteOf,
  rulesFromSettings,
  type SendDraft,
  searchTerm,
  sendDraftSchema,
  type UploadedFile,
  ValidationError,
} from '@pagedesk/core';
import {
  DAY,
  defaultChannels,
  fakeChannel,
  firstSorted,
  generateConversations,
  generateMessages,
  mulberry32,
} from './fakeData.js';
import { fakeToolkit } from './fakeToolkit.js';
import type { DistributiveOmit, FakeTransport, FakeTransportOptions, Method } from './fakeTransport.types.js';

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
  const base = now();
  const asset = options.assetBaseUrl ?? 'https://example.com/pagedesk/';
  const perConversation = options.messagesPerConversation ?? 30;

  const channels: Channel[] = options.channels ?? defaultChannels(base);
  const agents: Agent[] = [
    { id: 'agent-1', name: 'Sam Rivera' },
    { id: 'agent-2', name: 'Kim Lee' },
  ];
  const records = options.records;
  const conversations: ConversationWithCustomer[] = records
    ? [...records.conversations]
    : generateConversations({ count: options.conversations ?? 40, channels, agents, random, base });

  const messages = new Map<string, Message[]>(); // newest first
  if (records) {
    // Given records start with exactly their messages (none generated).
    for (const c of conversations) messages.set(c.id, []);
    const newestFirst = [...(records.messages ?? [])].sort(
      (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    for (const m of newestFirst) messages.get(m.conversationId)?.push(m);
  }
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
  const findMessage = (messageId: string): Message | undefined => {
    for (const list of messages.values()) {
      const found = list.find((m) => m.id === messageId);
      if (found) return found;
    }
    return undefined;
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
      return answer('listConversations', [query], (): Paged<ConversationWithCustomer> => {
        const { cursor, limit = 25, ...filter } = query;
        const after = cursor === undefined ? undefined : decodeCursor(cursor, 'cursor');
        const size = Math.min(100, Math.max(1, limit));
        // Search matches message bodies too, as the stores do (core's bodiesMatch).
        const term = searchTerm(filter.search);
        const { search: _search, ...others } = filter;
        const matches = (c: ConversationWithCustomer) =>
          matchesConversationQuery(c, filter) ||
          (term !== undefined && matchesConversationQuery(c, others) && bodiesMatch(messagesOf(c.id), term));
        // Core's filter and order, and its keyset cursor: the fake pages exactly like a store.
        const { head } = firstSorted(
          conversations,
          size + 1,
          (c) =>
            matches(c) &&
            (after === undefined || compareConversations(c, { lastMessageAt: after.time, id: after.id }) > 0),
        );
        const items = head.slice(0, size);
        const last = items.at(-1);
        return {
          items,
          nextCursor: head.length > size && last ? encodeCursor(last.lastMessageAt, last.id) : null,
        };
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
      return answer('listMessages', [conversationId, query], (): Paged<Message> => {
        const list = messagesOf(conversationId);
        const before = query.before === undefined ? undefined : decodeCursor(query.before, 'before');
        // The cursor names the last message served; the list is kept newest first.
        const start = before === undefined ? 0 : list.findIndex((m) => m.id === before.id) + 1;
        const size = Math.min(100, Math.max(1, query.limit ?? 25));
        const items = start === 0 && before !== undefined ? [] : list.slice(start, start + size);
        const last = items.at(-1);
        return {
          items,
          nextCursor: start + size < list.length && last ? encodeCursor(last.createdAt, last.id) : null,
        };
      });
    },
    sendMessage(conversationId, input: SendDraft) {
      return answer('sendMessage', [conversationId, input], () => {
        const draft = parseOrThrow(sendDraftSchema, input, 'reply');
        const conversation = conversationById(conversationId);
        const existing = draft.clientId ? findMessage(draft.clientId) : undefined;
        if (existing) {
          // Like the server: the same composer id twice answers with the stored message.
          if (existing.conversationId !== conversationId || existing.direction !== 'outbound')
            throw new ValidationError('reply', [
              { path: 'clientId', message: 'is already used by another message' },
            ]);
          return [existing];
        }
        const channel = channelById(conversation.channelId);
        const at = now();
        // Core decides, as on the server: status, blocking, thread control, window, text and files.
        const decision = decideReply({
          channel,
          conversation,
          customer: conversation.customer,
          draft,
          at,
          rules: rulesFromSettings(channel),
        });
        const replyTo = draft.replyToMessageId
          ? quoteOf(findMessage(draft.replyToMessageId), conversationId, draft.replyToMessageId)
          : undefined;
        const { sender } = decision;
        const agentName = agents.find((a) => a.id === sender.agentId)?.name;
        const automationName = draft.author?.kind === 'automation' ? draft.author.name : undefined;
        const author: Message['author'] =
          sender.kind === 'automation'
            ? { kind: 'automation', ...(automationName ? { name: automationName } : {}) }
            : {
                kind: 'agent',
                ...(sender.agentId ? { agentId: sender.agentId } : {}),
                ...(agentName ? { name: agentName } : {}),
              };
        const parts =
          decision.kind === 'public'
            ? [{ text: decision.text, attachments: [] }]
            : decision.parts.map((part) => ({
                ...(part.type === 'text' ? { text: part.text } : {}),
                attachments: attachmentsOfPart(part),
              }));
        const sent = parts.map(
          (part, k): Message => ({
            ...part,
            id: k === 0 && draft.clientId ? draft.clientId : id('msg'),
            conversationId,
            channelId: channel.id,
            direction: 'outbound',
            mid: id('mid'),
            reactions: [],
            delivery: 'sent',
            author,
            ...(decision.kind === 'messages'
              ? { messagingType: decision.messagingType, ...(decision.tag ? { tag: decision.tag } : {}) }
              : {}),
            ...(k === 0 && replyTo ? { replyTo } : {}),
            ...(k === parts.length - 1 && draft.quickReplies?.length
              ? { quickReplies: draft.quickReplies }
              : {}),
            createdAt: at,
            sentAt: at,
            updatedAt: at,
          }),
        );
        for (const message of sent) storeMessage(message);
        const last = sent.at(-1);
        const preview = last && messagePreview(last);
        replaceConversation({
          ...conversation,
          lastOutboundAt: at,
          lastMessageAt: at,
          ...(preview === undefined ? {} : { preview }),
          updatedAt: at,
          ...(conversation.comment && decision.kind === 'messages'
            ? { comment: { ...conversation.comment, privateReplySentAt: at } }
            : {}),
        });
        return sent;
      });
    },
    retryMessage(messageId, retryOptions) {
      return answer('retryMessage', retryOptions ? [messageId, retryOptions] : [messageId], () => {
        const message = findMessage(messageId);
        if (!message) throw new NotFoundError('message', messageId);
        const { failure: _f, ...rest } = message;
        const next: Message = { ...rest, delivery: 'sent', sentAt: now(), updatedAt: now() };
        storeMessage(next);
        return next;
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
          const channel = fakeChannel({
            id: pageId,
            name: pageId === 'page-new' ? 'Acme Outlet' : pageId,
            dataAccessExpiresAt: now() + 90 * DAY,
            connectedAt: now(),
            updatedAt: now(),
          });
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
      const mid = id('mid');
      const message: Message = {
        id: id('in'),
        conversationId,
        channelId: conversation.channelId,
        direction: 'inbound',
        mid,
        attachments: input.attachments ?? [],
        reactions: [],
        delivery: 'delivered',
        author: { kind: 'customer' },
        createdAt: at,
        updatedAt: at,
        ...(input.text !== undefined ? { text: input.text } : {}),
      };
      storeMessage(message);
      const preview = messagePreview(message);
      // On a comment conversation: the customer's new comment, which a private reply now answers.
      const { comment } = conversation;
      replaceConversation({
        ...conversation,
        ...(comment ? { comment: { ...comment, latestId: mid, privateReplySentAt: null } } : {}),
        lastInboundAt: at,
        lastMessageAt: at,
        unreadCount: conversation.unreadCount + 1,
        ...(preview === undefined ? {} : { preview }),
        updatedAt: at,
      });
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
      const message = findMessage(messageId);
      if (!message) throw new NotFoundError('message', messageId);
      const at = now();
      storeMessage({
        ...message,
        delivery: state,
        ...(state === 'read' ? { readAt: at } : { deliveredAt: at }),
        updatedAt: at,
      });
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

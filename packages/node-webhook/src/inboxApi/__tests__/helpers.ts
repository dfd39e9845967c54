import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Channel,
  type Conversation,
  type Customer,
  createInbox,
  type Inbox,
  type Message,
  memoryStore,
} from '@pagedesk/core';
import type { Channels } from '@pagedesk/core/server';
import { testEntities } from '@pagedesk/core/testing';
import { vi } from 'vitest';
import type { InboxApi } from '../index.js';

// Fixtures and a fake `Channels` for the inbox API tests. The inbox and store are the real ones.

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export function channel(overrides: Partial<Channel> = {}): Channel {
  return testEntities.channel({ id: 'page-1', appId: 'app-1', connectedAt: T0, updatedAt: T0, ...overrides });
}

export function customer(n: number, overrides: Partial<Customer> = {}): Customer {
  return {
    id: `page-1:psid-${n}`,
    channelId: 'page-1',
    platform: 'messenger',
    psid: `psid-${n}`,
    name: `Customer ${n}`,
    profileStatus: 'fetched',
    createdAt: T0,
    ...overrides,
  };
}

export function conversation(n: number, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: `conv-${n}`,
    channelId: 'page-1',
    platform: 'messenger',
    customerId: `page-1:psid-${n}`,
    source: 'message',
    status: 'open',
    assigneeId: null,
    unreadCount: 1,
    lastInboundAt: T0 + n * 1000,
    lastOutboundAt: null,
    lastMessageAt: T0 + n * 1000,
    preview: `Hello ${n}`,
    createdAt: T0,
    updatedAt: T0 + n * 1000,
    resolvedAt: null,
    ...overrides,
  };
}

export function message(n: number, conversationId = 'conv-1', overrides: Partial<Message> = {}): Message {
  return {
    id: `msg-${n}`,
    conversationId,
    channelId: 'page-1',
    direction: 'inbound',
    mid: `m_${n}`,
    text: `Message ${n}`,
    attachments: [],
    reactions: [],
    delivery: 'delivered',
    author: { kind: 'customer' },
    createdAt: T0 + n * 1000,
    updatedAt: T0 + n * 1000,
    ...overrides,
  };
}

/** A real inbox over the memory store, seeded with `count` conversations (one customer each). */
export async function seededInbox(count = 3): Promise<Inbox> {
  const store = memoryStore();
  await store.channels.put(channel());
  for (let n = 1; n <= count; n++) {
    await store.customers.put(customer(n));
    await store.conversations.put(conversation(n));
  }
  return createInbox({ store });
}

/** A `Channels` whose every method is a spy; the defaults answer plausibly. */
export function fakeChannels() {
  const channels = {
    list: vi.fn(async () => [channel()]),
    get: vi.fn(async () => channel()),
    send: vi.fn(async (conversationId: string) => [
      message(100, conversationId, { direction: 'outbound', delivery: 'sent', author: { kind: 'agent' } }),
    ]),
    retry: vi.fn(async (messageId: string) =>
      message(100, 'conv-1', { id: messageId, direction: 'outbound' }),
    ),
    setTyping: vi.fn(async () => {}),
    markSeen: vi.fn(async () => {}),
    updateSettings: vi.fn(async () => channel()),
    action: vi.fn(async () => channel({ status: 'deactivated' })),
    listConnectablePages: vi.fn(async () => [
      { id: 'page-2', name: 'Other', platform: 'messenger' as const, tasks: ['MESSAGING'], connected: false },
    ]),
    connect: vi.fn(async () => [channel({ id: 'page-2' })]),
    on: vi.fn(() => () => {}),
  } satisfies Channels;
  return channels;
}

/** Serves `api.node` on 127.0.0.1 with an ephemeral port. */
export async function serve(
  api: InboxApi,
): Promise<{ server: Server; base: string; close(): Promise<void> }> {
  const server = createServer(api.node);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Reads SSE frames from a body until `until` says stop or `timeoutMs` passes. */
export async function readFrames(
  body: ReadableStream<Uint8Array>,
  until: (frames: string[]) => boolean,
  timeoutMs = 2000,
): Promise<string[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const frames: string[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(frames)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out; frames so far: ${JSON.stringify(frames)}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const result = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timed out; frames so far: ${JSON.stringify(frames)}`)),
            remaining,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      if (result.done) break;
      text += decoder.decode(result.value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end !== -1) {
        frames.push(text.slice(0, end));
        text = text.slice(end + 2);
        end = text.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return frames;
}

/** The parsed `data:` of the event frames (comments and `retry:` left out). */
export function eventsOf(
  frames: string[],
): Array<{ id: string; event: string; data: Record<string, unknown> }> {
  return frames
    .filter((frame) => frame.split('\n').some((line) => line.startsWith('data: ')))
    .map((frame) => {
      const lines = frame.split('\n');
      const field = (name: string) =>
        lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      return {
        id: field('id'),
        event: field('event'),
        data: JSON.parse(field('data')) as Record<string, unknown>,
      };
    });
}

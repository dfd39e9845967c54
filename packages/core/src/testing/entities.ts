import { defaultChannelSettings } from '../inbox.js';
import type { Channel, Conversation, Customer, Message } from '../model.js';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z: fixed so tests are repeatable.

/**
 * Valid domain objects with sensible defaults, for tests of stores, transports and components.
 * Every field can be overridden.
 *
 * @example
 * const channel = testEntities.channel({ id: 'PAGE_1', settings: { ...testEntities.channel().settings, humanAgent: false } });
 */
export const testEntities = {
  channel(overrides: Partial<Channel> = {}): Channel {
    return {
      id: 'PAGE_1',
      platform: 'messenger',
      name: 'Acme Support',
      appId: 'APP_1',
      status: 'active',
      tokenExpiresAt: null,
      dataAccessExpiresAt: null,
      missingPermissions: [],
      settings: { ...defaultChannelSettings, attachmentMaxBytes: {}, agentIds: [] },
      connectedAt: T0,
      updatedAt: T0,
      ...overrides,
    };
  },
  customer(overrides: Partial<Customer> = {}): Customer {
    const channelId = overrides.channelId ?? 'PAGE_1';
    const psid = overrides.psid ?? 'PSID_1';
    return {
      id: `${channelId}:${psid}`,
      channelId,
      platform: 'messenger',
      psid,
      name: 'Ana Customer',
      profileStatus: 'unknown',
      createdAt: T0,
      ...overrides,
    };
  },
  conversation(overrides: Partial<Conversation> = {}): Conversation {
    return {
      id: 'conv_1',
      channelId: 'PAGE_1',
      platform: 'messenger',
      customerId: 'PAGE_1:PSID_1',
      source: 'message',
      status: 'open',
      assigneeId: null,
      unreadCount: 0,
      lastInboundAt: T0,
      lastOutboundAt: null,
      lastMessageAt: T0,
      createdAt: T0,
      updatedAt: T0,
      resolvedAt: null,
      ...overrides,
    };
  },
  message(overrides: Partial<Message> = {}): Message {
    return {
      id: 'msg_1',
      conversationId: 'conv_1',
      channelId: 'PAGE_1',
      direction: 'inbound',
      text: 'Hello',
      attachments: [],
      reactions: [],
      delivery: 'delivered',
      author: { kind: 'customer' },
      createdAt: T0,
      updatedAt: T0,
      ...overrides,
    };
  },
};

'use client';

// Generated, deterministic data of the fake transport: names, lines, settings and message histories.

import {
  type Agent,
  type Attachment,
  type Channel,
  type ChannelSettings,
  type ConversationWithCustomer,
  type Customer,
  compareConversations,
  type Message,
  PAGE_INBOX_APP_ID,
} from '@pagedesk/core';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const FIRST = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Giulia',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemal',
  'Lea',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
];
export const LAST = [
  'Silva',
  'Okafor',
  'Martin',
  'Ivanova',
  'Tanaka',
  'Haddad',
  'Rossi',
  'Berg',
  'Costa',
  'Novak',
  'Yilmaz',
  'Schmidt',
];
export const LINES = [
  'Hi! My order has not arrived yet.',
  'Can I change the delivery address?',
  'Thanks, that worked 🙏',
  'Is the blue one still in stock?',
  'Here is the receipt: https://example.com/receipt/123',
  'When do you open on Sunday?',
  'The app crashes when I pay.',
  'Perfect, see you tomorrow!',
];
export const REPLIES = [
  'Hello! Let me check that for you.',
  'Sure, could you send me the order number?',
  'Done: you will get an email shortly.',
  'Sorry about that, we are on it.',
];

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The first `count` matching conversations in list order, and how many match. The fake serves pages of
 * 10,000 generated rows: a full sort per page request was most of its answer time, so the early pages
 * keep a small sorted head instead (records stay live: nothing is cached between requests).
 */
export function firstSorted(
  list: readonly ConversationWithCustomer[],
  count: number,
  keep: (conversation: ConversationWithCustomer) => boolean,
): { head: ConversationWithCustomer[]; total: number } {
  const matching = list.filter(keep);
  if (count * 8 >= matching.length)
    return { head: matching.sort(compareConversations), total: matching.length };
  const head: ConversationWithCustomer[] = [];
  for (const conversation of matching) {
    const last = head[head.length - 1];
    if (head.length === count && last && compareConversations(conversation, last) >= 0) continue;
    // Binary insertion into the sorted head; the element pushed past `count` falls off.
    let low = 0;
    let high = head.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareConversations(head[mid] as ConversationWithCustomer, conversation) <= 0) low = mid + 1;
      else high = mid;
    }
    head.splice(low, 0, conversation);
    if (head.length > count) head.pop();
  }
  return { head, total: matching.length };
}

export const defaultSettings: ChannelSettings = {
  threading: { mode: 'until-resolved' },
  humanAgent: true,
  textMaxLength: null,
  attachmentMaxBytes: {},
  agentIds: [],
};

/** A generated history of one conversation, newest first (the first conversation holds every attachment kind). */
export function generateMessages(
  conversation: ConversationWithCustomer,
  perConversation: number,
  asset: string,
): Message[] {
  const list: Message[] = [];
  const index = Number(conversation.id.split('-')[1]);
  const end = conversation.lastMessageAt;
  for (let k = 0; k < perConversation; k++) {
    const at = end - k * (37 * 60_000) - (k > perConversation / 2 ? DAY : 0);
    const inbound = k % 2 === 0;
    const message: Message = {
      id: `${conversation.id}-m${k}`,
      conversationId: conversation.id,
      channelId: conversation.channelId,
      direction: inbound ? 'inbound' : k % 6 === 5 ? 'echo' : 'outbound',
      mid: `mid.${conversation.id}.${k}`,
      text:
        k === 0
          ? conversation.preview
          : inbound
            ? LINES[(index + k) % LINES.length]
            : REPLIES[(index + k) % REPLIES.length],
      attachments: [],
      reactions: k === 2 ? [{ emoji: '❤️', name: 'love', by: 'customer', at }] : [],
      delivery: inbound ? 'delivered' : k < 4 ? 'delivered' : 'read',
      author: inbound
        ? { kind: 'customer' }
        : k % 6 === 5
          ? { kind: 'app', appId: PAGE_INBOX_APP_ID }
          : { kind: 'agent', agentId: 'agent-1', name: 'Sam Rivera' },
      createdAt: at,
      updatedAt: at,
      ...(k === 4 ? { editCount: 1 } : {}),
      ...(k === 8 ? { unsent: true, text: '' } : {}),
    };
    if (k === 6) message.replyTo = { mid: `mid.${conversation.id}.8`, messageId: `${conversation.id}-m8` };
    list.push(message);
  }
  if (index === 1) {
    // The first conversation shows every attachment kind.
    const kinds: Attachment[] = [
      { kind: 'image', url: `${asset}photo.png`, name: 'photo.png', mimeType: 'image/png', size: 48_213 },
      { kind: 'gif', url: `${asset}dance.gif`, name: 'dance.gif', mimeType: 'image/gif' },
      { kind: 'video', url: `${asset}clip.webm`, name: 'clip.webm', mimeType: 'video/webm' },
      { kind: 'audio', url: `${asset}voice.wav`, name: 'voice.wav', mimeType: 'audio/wav' },
      {
        kind: 'file',
        url: `${asset}invoice.pdf`,
        name: 'invoice.pdf',
        mimeType: 'application/pdf',
        size: 182_044,
      },
      { kind: 'sticker', url: `${asset}sticker.png`, stickerId: '369239263222822' },
      { kind: 'location', title: 'Pickup point', coordinates: { lat: 48.8584, long: 2.2945 } },
      {
        kind: 'template',
        payload: {
          text: 'Your order #1234 has shipped',
          elements: [{ title: 'Blue sneakers', subtitle: 'Size 42' }],
        },
      },
      { kind: 'share', url: `${asset}post`, title: 'Summer collection', shareType: 'ig_post' },
      { kind: 'story_mention', url: `${asset}story.jpg` },
      { kind: 'fallback', url: 'https://example.com/article', title: 'An article' },
    ];
    kinds.forEach((attachment, k) => {
      const at = end - (k + 1) * 60_000 + 30_000;
      list.push({
        id: `${conversation.id}-a${k}`,
        conversationId: conversation.id,
        channelId: conversation.channelId,
        direction: 'inbound',
        mid: `mid.${conversation.id}.a${k}`,
        attachments: [attachment],
        reactions: [],
        delivery: 'delivered',
        author: { kind: 'customer' },
        createdAt: at,
        updatedAt: at,
      });
    });
    list.sort((a, b) => b.createdAt - a.createdAt);
  }
  return list;
}

/** The fake's default channels: a Messenger page and an Instagram account. */
export function defaultChannels(base: number): Channel[] {
  return [
    fakeChannel({
      id: 'page-1',
      name: 'Acme Support',
      dataAccessExpiresAt: base + 80 * DAY,
      connectedAt: base - 90 * DAY,
      updatedAt: base - DAY,
    }),
    fakeChannel({
      id: 'ig-1',
      platform: 'instagram',
      name: 'acme.shop',
      dataAccessExpiresAt: base + 60 * DAY,
      connectedAt: base - 30 * DAY,
      updatedAt: base - DAY,
    }),
  ];
}

/** An active channel of the fake's app (`app-1`) with the default settings. */
export function fakeChannel(
  input: Pick<Channel, 'id' | 'name' | 'dataAccessExpiresAt' | 'connectedAt' | 'updatedAt'> &
    Partial<Pick<Channel, 'platform'>>,
): Channel {
  return {
    platform: 'messenger',
    appId: 'app-1',
    status: 'active',
    tokenExpiresAt: null,
    missingPermissions: [],
    settings: defaultSettings,
    ...input,
  };
}

/**
 * Generated conversations: a spread of channels, sources, statuses, assignees, unread counts and
 * windows (fresh, human-agent tier past 24 h, closed past 7 days), deterministic for a seed.
 */
export function generateConversations(input: {
  count: number;
  channels: Channel[];
  agents: Agent[];
  random: () => number;
  base: number;
}): ConversationWithCustomer[] {
  const { count, channels, agents, random, base } = input;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const conversations: ConversationWithCustomer[] = [];
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
  return conversations;
}

import type { Channel, Conversation, Customer, Message } from '../model.js';
import { testEntities } from './entities.js';

const { channel, customer, conversation, message } = testEntities;

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The records a transport under `describeTransportContract` starts from, and its server's clock. */
export interface TransportSeed {
  /** The server's time (epoch ms): windows are judged at it. */
  now: number;
  channels: Channel[];
  customers: Customer[];
  conversations: Conversation[];
  /** Messages of `conv_a`, oldest first. */
  messages: Message[];
}

/**
 * The contract's records: an open Messenger thread with five messages (`conv_a`), a resolved and
 * assigned one, an Instagram one, a comment, one whose window closed 8 days ago, and one on a
 * deactivated page. Windows are open unless said otherwise.
 */
export function transportSeed(now: number): TransportSeed {
  const messenger = channel({
    id: 'PAGE_1',
    appId: 'APP_1',
    connectedAt: now - 90 * DAY,
    updatedAt: now - DAY,
  });
  const instagram = channel({
    id: 'IG_1',
    platform: 'instagram',
    name: 'acme.shop',
    appId: 'APP_1',
    connectedAt: now - 90 * DAY,
    updatedAt: now - DAY,
  });
  const off = channel({ id: 'PAGE_OFF', appId: 'APP_1', status: 'deactivated', name: 'Old page' });
  const people = [
    customer({
      channelId: 'PAGE_1',
      psid: 'PSID_1',
      name: 'Ana Lopez',
      username: 'ana.l',
      createdAt: now - 30 * DAY,
    }),
    customer({ channelId: 'PAGE_1', psid: 'PSID_2', name: 'Bo Chen', createdAt: now - 30 * DAY }),
    customer({
      channelId: 'IG_1',
      platform: 'instagram',
      psid: 'IGSID_1',
      name: 'Cleo Park',
      username: 'cleo.shop',
      createdAt: now - 30 * DAY,
    }),
    customer({ channelId: 'PAGE_OFF', psid: 'PSID_9', name: 'Dee Moss', createdAt: now - 30 * DAY }),
  ];
  const at = (ago: number) => ({ lastInboundAt: now - ago, lastMessageAt: now - ago, updatedAt: now - ago });
  const conversations: Conversation[] = [
    conversation({
      id: 'conv_a',
      customerId: 'PAGE_1:PSID_1',
      ...at(HOUR),
      unreadCount: 2,
      preview: 'Where is my ORDER?',
      createdAt: now - 6 * HOUR,
    }),
    conversation({
      id: 'conv_b',
      customerId: 'PAGE_1:PSID_2',
      ...at(2 * HOUR),
      status: 'resolved',
      resolvedAt: now - 2 * HOUR,
      assigneeId: 'agent-1',
      preview: 'Thanks, all good',
      createdAt: now - 3 * HOUR,
    }),
    // Same activity time as conv_b: the id breaks the tie.
    conversation({
      id: 'conv_c',
      channelId: 'IG_1',
      platform: 'instagram',
      customerId: 'IG_1:IGSID_1',
      ...at(2 * HOUR),
      unreadCount: 1,
      preview: 'Do you ship abroad?',
      createdAt: now - 3 * HOUR,
    }),
    conversation({
      id: 'conv_d',
      customerId: 'PAGE_1:PSID_2',
      source: 'comment',
      comment: { commentId: 'cmt_1', postId: 'post_1', privateReplySentAt: null },
      ...at(3 * HOUR),
      preview: 'Is this in stock?',
      createdAt: now - 3 * HOUR,
    }),
    conversation({
      id: 'conv_closed',
      customerId: 'PAGE_1:PSID_2',
      ...at(8 * DAY),
      preview: 'Hello?',
      createdAt: now - 9 * DAY,
    }),
    conversation({
      id: 'conv_off',
      channelId: 'PAGE_OFF',
      customerId: 'PAGE_OFF:PSID_9',
      ...at(4 * HOUR),
      preview: 'Anyone there?',
      createdAt: now - 5 * HOUR,
    }),
  ];
  const messages = [5, 4, 3, 2, 1].map((hours, i) =>
    message({
      id: `msg_a${i + 1}`,
      conversationId: 'conv_a',
      channelId: 'PAGE_1',
      mid: `mid.a${i + 1}`,
      text: i === 4 ? 'Where is my ORDER?' : `Message ${i + 1}`,
      createdAt: now - hours * HOUR,
      updatedAt: now - hours * HOUR,
    }),
  );
  return { now, channels: [messenger, instagram, off], customers: people, conversations, messages };
}

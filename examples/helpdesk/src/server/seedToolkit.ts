import type { Inbox, Store } from '@pagedesk/core';
import type { Channels } from '@pagedesk/core/server';
import type { Emulator, ScriptResult } from '@pagedesk/emulator';
import { DEMO_BOT } from './demoBot.js';

// The agent's toolkit in the seeded demo, all through the public API as a helpdesk would use it:
// a conversation the bot holds (the emulator plays the bot taking the thread; the helpdesk asks Meta
// who holds it), details an agent recorded about a customer, and a comment an agent hid.

export interface ToolkitSeedOptions {
  emulator: Emulator;
  inbox: Inbox;
  store: Store;
  channels: Channels;
  /** The demo script's customers, by alias. */
  customers: ScriptResult['customers'];
  /** The agent the seeded actions are recorded for. */
  agentId: string;
}

const conversationOf = async (
  store: Store,
  customer: { id: string; pageId: string },
  source: 'message' | 'comment',
) => {
  const conversation = await store.conversations.findLatest({
    channelId: customer.pageId,
    customerId: `${customer.pageId}:${customer.id}`,
    source,
  });
  if (!conversation) throw new Error(`demo seed: no ${source} conversation for ${customer.id}`);
  return conversation;
};

/** Seeds the bot-owned conversation (Eva), Ana's details and Dan's hidden comment. */
export async function seedToolkit(options: ToolkitSeedOptions): Promise<void> {
  const { emulator, inbox, store, channels, customers, agentId } = options;
  const { eva, ana, dan } = customers;
  if (!eva || !ana || !dan) throw new Error('demo seed: the demo script changed its customers');

  emulator.handover.setOwner(eva.pageId, eva.id, DEMO_BOT.appId);
  const evaConversation = await conversationOf(store, eva, 'message');
  await channels.threadControl?.(evaConversation.id, 'check');

  await inbox.updateCustomerDetails(
    `${ana.pageId}:${ana.id}`,
    {
      email: 'ana.lima@example.com',
      phone: '+351 912 345 678',
      notes: 'Ordered the blue jacket; prefers email.',
    },
    agentId,
  );

  const comments = await conversationOf(store, dan, 'comment');
  const { items } = await store.messages.list(comments.id);
  const comment = items.find((m) => m.direction === 'inbound' && m.mid !== undefined);
  if (comment) await channels.moderateComment?.(comment.id, 'hide', { agentId });
}

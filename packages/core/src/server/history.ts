import { hashId } from '../ids.js';
import type { Attachment, Conversation, Customer, Message } from '../model.js';
import { messagePreview } from '../preview.js';
import type { ChannelContext } from './channelContext.js';

// History import on connect: recent conversations read from the Conversations API, written
// straight to the store with `imported: true`, `unreadCount: 0` and the inbox's own ids, so no inbox
// event fires and nobody is notified of old mail; one `history:imported` event tells a UI to
// refetch. A webhook later redelivering one of those messages is recognised by its mid.

/** The kind of an imported attachment, from the MIME type the Conversations API reports. */
function kindOfMime(mimeType: string | undefined): Attachment['kind'] {
  if (mimeType?.startsWith('image/')) return 'image';
  if (mimeType?.startsWith('video/')) return 'video';
  if (mimeType?.startsWith('audio/')) return 'audio';
  return 'file';
}

/** Imports a channel's recent history; looks up the profiles of the customers it creates. */
export function createHistoryImport(
  ctx: ChannelContext,
  refreshProfile: (customerId: string) => Promise<Customer | undefined>,
) {
  const { store, now } = ctx;

  async function importHistory(
    channelId: string,
    {
      conversations: maxConversations = 25,
      messagesPerConversation = 25,
    }: { conversations?: number; messagesPerConversation?: number } = {},
  ): Promise<{ conversations: number; messages: number }> {
    const channel = await ctx.getChannel(channelId);
    ctx.assertSendable(channel);
    const page = await ctx.pageGraph(channel);
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
          ...(channel.organizationId === undefined ? {} : { organizationId: channel.organizationId }),
          platform: channel.platform,
          psid: person.id,
          ...(person.name ? { name: person.name } : {}),
          ...(person.username ? { username: person.username } : {}),
          profileStatus: 'unknown',
          createdAt: items[0]!.createdAt,
        };
        // Written to the store directly: inbox events would make old history look like new mail.
        await store.customers.put(customer);
        ctx.track(refreshProfile(customerId));
      }
      let conversation =
        (await store.conversations.findLatest({ channelId: channel.id, customerId, source: 'message' })) ??
        ({
          id: hashId('c', channel.id, 'import', thread.id),
          channelId: channel.id,
          ...(channel.organizationId === undefined ? {} : { organizationId: channel.organizationId }),
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
            kind: kindOfMime(a.mimeType),
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
        const preview = messagePreview(message);
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
    ctx.emitter.emit('history:imported', {
      channel,
      conversations: conversationCount,
      messages: messageCount,
    });
    return { conversations: conversationCount, messages: messageCount };
  }

  return importHistory;
}

import type { HandoverEvent } from '../events.js';
import type { Conversation } from '../model.js';
import { type Context, putConversation } from './runtime.js';
import { changedAt } from './threading.js';

// `messaging_handovers`: who holds a customer's thread. Pass and take move it (to the new owner, or
// idle); a request is remembered until the thread moves. Recorded on the customer's newest direct
// conversation; an older event than what is recorded changes nothing (Meta may deliver out of order).

/** The thread owner after a handover event, or undefined when it changes nothing. */
export function ownerAfter(
  current: Conversation['threadOwner'],
  e: Pick<HandoverEvent, 'action' | 'newOwnerAppId' | 'requestedOwnerAppId' | 'metadata' | 'timestamp'>,
): Conversation['threadOwner'] | undefined {
  if (current && e.timestamp < current.since) return undefined;
  const metadata = e.metadata === undefined ? {} : { metadata: e.metadata };
  if (e.action === 'pass' || e.action === 'take')
    return { appId: e.newOwnerAppId ?? null, since: e.timestamp, ...metadata };
  if (e.action === 'request' && e.requestedOwnerAppId !== undefined)
    return {
      appId: current?.appId ?? null,
      since: current?.since ?? e.timestamp,
      requestedByAppId: e.requestedOwnerAppId,
      ...metadata,
    };
  return undefined;
}

/** Applies a handover event; hosts still hear of every one through `event:noticed`. */
export async function onHandover(ctx: Context, e: HandoverEvent): Promise<void> {
  ctx.rt.emit('event:noticed', { event: e });
  if (!e.customerId) return;
  const { store, now } = ctx.rt;
  const conversation = await store.conversations.findLatest({
    channelId: ctx.channelId,
    customerId: `${ctx.channelId}:${e.customerId}`,
    source: 'message',
  });
  if (!conversation) return;
  const threadOwner = ownerAfter(conversation.threadOwner, e);
  if (!threadOwner) return;
  await putConversation(
    ctx,
    { ...conversation, threadOwner, updatedAt: changedAt(conversation, now()) },
    false,
  );
}

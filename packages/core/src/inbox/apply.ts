import { AppMismatchError, PagedeskError, toPagedeskError, ValidationError } from '../errors.js';
import type { EditEvent, MessengerEvent, PolicyEnforcementEvent } from '../events.js';
import type { InboxChange } from '../inbox.types.js';
import type { Channel, ChannelSettings } from '../model.js';
import { Changes } from './changes.js';
import { onComment } from './comments.js';
import { onEcho } from './echoes.js';
import { onHandover } from './handover.js';
import { onMessage, onPostback } from './inbound.js';
import { without } from './objects.js';
import { onMessageEffect, onReaction, onReceipt } from './receipts.js';
import { atomically, type Context, emitChanges, type Runtime } from './runtime.js';
import { validateEvent } from './validation.js';

async function onPolicy(ctx: Context, e: PolicyEnforcementEvent): Promise<void> {
  const channel = await ctx.rt.store.channels.get(e.pageId);
  // A page this host does not (or no longer) hold: nothing to block, and failing would make Meta
  // retry the delivery for hours. The host still hears of it.
  if (!channel) {
    ctx.rt.emit('event:noticed', { event: e });
    return;
  }
  let next: Channel;
  if (e.action === 'block') {
    next = {
      ...channel,
      status: 'blocked',
      statusReason: e.reason ?? 'Blocked by Meta for a policy violation',
    };
  } else if (e.action === 'unblock') {
    if (channel.status !== 'blocked') return;
    next = { ...without(channel, 'statusReason'), status: 'active' };
  } else {
    next = { ...channel, statusReason: e.reason ?? 'Meta sent a policy warning' };
  }
  next.updatedAt = ctx.rt.now();
  await ctx.rt.store.channels.put(next);
  ctx.changes.add({ type: 'channel:updated', channel: next });
}

function applyOne(ctx: Context): Promise<unknown> | undefined {
  const e = ctx.event;
  switch (e.kind) {
    case 'message':
      return onMessage(ctx, e);
    case 'postback':
      return onPostback(ctx, e);
    case 'echo':
      return onEcho(ctx, e);
    case 'edit':
      return onMessageEffect(ctx, e.mid, { type: 'edit', text: e.text, editCount: e.editCount });
    case 'unsend':
      return onMessageEffect(ctx, e.mid, { type: 'unsend' });
    case 'reaction':
      return onReaction(ctx, e);
    case 'read':
    case 'delivery':
      return onReceipt(ctx, e);
    case 'comment':
      return onComment(ctx, e);
    case 'policy_enforcement':
      return onPolicy(ctx, e);
    case 'handover':
      return onHandover(ctx, e);
    case 'referral':
    case 'optin':
    case 'unknown':
      ctx.rt.emit('event:noticed', { event: e });
      return undefined;
    default: {
      const never: never = e;
      throw new ValidationError('event', [
        { path: 'kind', message: `unknown kind ${String((never as EditEvent).kind)}` },
      ]);
    }
  }
}

/** One event as one store unit; false when it was applied before. */
async function applyUnit(ctx: Context): Promise<boolean> {
  const { store } = ctx.rt;
  if (await store.events.has(ctx.event.id)) return false;
  const applying = applyOne(ctx);
  if (applying) await applying;
  // Marked only once applied: a failure leaves it for a redelivery to try again.
  await store.events.add(ctx.event.id);
  return true;
}

/**
 * Applies a batch of webhook events in one serialized section: validated first, then in timestamp
 * order, each marked as applied only once its writes succeeded.
 */
export async function applyAll(
  rt: Runtime,
  events: ReadonlyArray<MessengerEvent>,
  fallbackSettings: ChannelSettings,
): Promise<InboxChange[]> {
  const { store } = rt;
  const all: InboxChange[] = [];
  const failures: PagedeskError[] = [];
  const fail = (error: unknown, event?: MessengerEvent) => {
    const typed = toPagedeskError(error, 'apply_failed');
    failures.push(typed);
    rt.emit('error', event ? { error: typed, event } : { error: typed });
  };
  const valid: MessengerEvent[] = [];
  for (const raw of events) {
    try {
      valid.push(validateEvent(raw));
    } catch (error) {
      fail(error, typeof raw === 'object' && raw !== null ? (raw as MessengerEvent) : undefined);
    }
  }
  // Meta does not guarantee order (platform.md §1.5): apply by timestamp; the sort is stable.
  valid.sort((a, b) => a.timestamp - b.timestamp);
  const channels = new Map<string, Channel | undefined>();
  for (const event of valid) {
    try {
      if (!channels.has(event.pageId)) channels.set(event.pageId, await store.channels.get(event.pageId));
      const channel = channels.get(event.pageId);
      // An event verified by another app than its page's: refused before anything is read or written,
      // and not marked processed (the genuine delivery of the same id must still apply).
      if (event.appId !== undefined && channel && channel.appId !== event.appId)
        throw new AppMismatchError(event.id, event.pageId, event.appId, channel.appId);
      const ctx: Context = {
        rt,
        event,
        channelId: event.pageId,
        organizationId: channel?.organizationId,
        settings: channel?.settings ?? fallbackSettings,
        changes: new Changes(),
      };
      const applied = await atomically(store, () => applyUnit(ctx), ctx.channelId);
      if (!applied) continue;
      if (event.kind === 'policy_enforcement') channels.delete(event.pageId);
      const emitting = emitChanges(rt, ctx.changes);
      if (emitting) await emitting;
      for (const change of ctx.changes.list) all.push(change);
    } catch (error) {
      fail(error, event);
    }
  }
  if (failures.length > 0 && !rt.listens('error')) {
    // Nobody listens for errors: reject rather than lose them (the others were applied).
    throw failures.length === 1
      ? failures[0]!
      : new PagedeskError(
          'apply_failed',
          `${failures.length} events failed; first: ${failures[0]!.message}`,
          {
            cause: failures,
          },
        );
  }
  return all;
}

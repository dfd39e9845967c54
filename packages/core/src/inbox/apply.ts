import { AppMismatchError, PagedeskError, toPagedeskError, ValidationError } from '../errors.js';
import type { EditEvent, MessengerEvent, PolicyEnforcementEvent } from '../events.js';
import type { InboxChange } from '../inbox.types.js';
import type { Channel, ChannelSettings } from '../model.js';
import type { Store } from '../store.js';
import { Changes } from './changes.js';
import { onComment } from './comments.js';
import { onEcho } from './echoes.js';
import { onFeedback } from './feedback.js';
import { onHandover } from './handover.js';
import { onMessage, onPostback } from './inbound.js';
import { without } from './objects.js';
import type { Pending } from './pending.js';
import { onMessageEffect, onReaction, onReceipt, onReferral } from './receipts.js';
import { type Context, emitChanges, type Runtime } from './runtime.js';
import { unitStore } from './unitStore.js';
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
    case 'feedback':
      return onFeedback(ctx, e);
    case 'referral':
      return onReferral(ctx, e);
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

/** The ids among `ids` applied before: one call when the store has `hasMany`. */
async function appliedBefore(store: Store, ids: readonly string[]): Promise<Set<string>> {
  if (store.events.hasMany) return new Set(await store.events.hasMany(ids));
  const seen = new Set<string>();
  for (const id of ids) if (await store.events.has(id)) seen.add(id);
  return seen;
}

async function markApplied(store: Store, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  if (store.events.addMany) await store.events.addMany(ids);
  else for (const id of ids) await store.events.add(id);
}

/** One channel's events and what they share. */
interface Group {
  channelId: string;
  organizationId: string | undefined;
  settings: ChannelSettings;
  events: MessengerEvent[];
}

/**
 * Applies `group.events` (in order, skipping those applied before or twice in the batch) against `rt`;
 * returns the contexts of those applied. Marks nothing. A failing event throws, or with `onError` is
 * reported there and skipped.
 */
async function applyEach(
  rt: Runtime,
  group: Group,
  seen: Set<string>,
  onError?: (error: unknown, event: MessengerEvent) => void,
): Promise<Context[]> {
  const done: Context[] = [];
  for (const event of group.events) {
    if (seen.has(event.id)) continue;
    const ctx: Context = {
      rt,
      event,
      channelId: group.channelId,
      organizationId: group.organizationId,
      settings: group.settings,
      changes: new Changes(),
    };
    try {
      const applying = applyOne(ctx);
      if (applying) await applying;
    } catch (error) {
      if (!onError) throw error;
      onError(error, event);
      continue;
    }
    seen.add(event.id);
    done.push(ctx);
  }
  return done;
}

/**
 * The group as one store unit, through an overlay that reads in bulk and writes once at the end
 * (`unitStore`). What the unit would tell listeners or drop from memory waits until it committed: a
 * unit that rolls back is retried event by event, which must not see its effects twice.
 */
async function applyUnit(rt: Runtime, group: Group): Promise<Context[]> {
  const { store } = rt;
  const emits: Array<() => void> = [];
  const settled: Array<[string, string]> = [];
  const done = await store.atomic!(async () => {
    const unit = unitStore(store, rt.shared);
    const pending = Object.create(rt.pending, {
      settled: { value: (channelId: string, mid: string) => settled.push([channelId, mid]) },
    }) as Pending;
    const unitRt: Runtime = {
      ...rt,
      store: unit.store,
      shared: unit.waiting,
      pending,
      emit: (event, payload) => emits.push(() => rt.emit(event, payload)),
    };
    // What was applied before and what the events read, at once (one round trip on a store that
    // pipelines); a redelivered event's reads are wasted, which is rare and harmless.
    const [seen] = await Promise.all([
      appliedBefore(
        store,
        group.events.map((e) => e.id),
      ),
      unit.prefetch(group.channelId, group.events),
    ]);
    const applied = await applyEach(unitRt, group, seen);
    // Marked in the same unit as the writes (a failure leaves them for a redelivery to try again),
    // issued with them.
    await Promise.all([
      unit.flush(),
      markApplied(
        store,
        applied.map((ctx) => ctx.event.id),
      ),
    ]);
    return applied;
  }, group.channelId);
  for (const emit of emits) emit();
  for (const [channelId, mid] of settled) rt.pending.settled(channelId, mid);
  return done;
}

/**
 * Applies a batch of webhook events in one serialized section: validated first, then in timestamp
 * order, each channel's events as one store unit when the store has units (a unit that fails is
 * retried event by event, so one bad event never holds back the others), each event marked as applied
 * only once its writes succeeded.
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
  // Meta does not guarantee order (docs/meta-platform.md): apply by timestamp; the sort is stable. No write
  // spans two channels, so each channel's events form a group of their own.
  valid.sort((a, b) => a.timestamp - b.timestamp);
  const byChannel = new Map<string, MessengerEvent[]>();
  for (const event of valid) {
    const list = byChannel.get(event.pageId);
    if (list) list.push(event);
    else byChannel.set(event.pageId, [event]);
  }
  // Never throws (see `emitChanges`): a unit that committed is not retried event by event.
  const emit = async (done: readonly Context[]) => {
    for (const ctx of done) {
      const emitting = emitChanges(rt, ctx.changes, ctx.event);
      if (emitting) await emitting;
      for (const change of ctx.changes.list) all.push(change);
    }
  };
  for (const [channelId, list] of byChannel) {
    let channel: Channel | undefined;
    try {
      channel = await store.channels.get(channelId);
    } catch (error) {
      for (const event of list) fail(error, event);
      continue;
    }
    const group: Group = {
      channelId,
      organizationId: channel?.organizationId,
      settings: channel?.settings ?? fallbackSettings,
      events: [],
    };
    for (const event of list) {
      // An event verified by another app than its page's: refused before anything is read or written,
      // and not marked processed (the genuine delivery of the same id must still apply).
      if (event.appId !== undefined && channel && channel.appId !== event.appId)
        fail(new AppMismatchError(event.id, event.pageId, event.appId, channel.appId), event);
      else group.events.push(event);
    }
    if (group.events.length === 0) continue;
    if (store.atomic) {
      try {
        await emit(await applyUnit(rt, group));
        continue;
      } catch (error) {
        if (group.events.length === 1) {
          fail(error, group.events[0]);
          continue;
        }
      }
      // The unit rolled back: each event in a unit of its own, so the good ones still apply.
      for (const event of group.events) {
        try {
          await emit(await applyUnit(rt, { ...group, events: [event] }));
        } catch (error) {
          fail(error, event);
        }
      }
      continue;
    }
    // No units (one process, the memory store): one event at a time, each marked once it applied.
    let seen: Set<string>;
    try {
      seen = await appliedBefore(
        store,
        group.events.map((e) => e.id),
      );
    } catch (error) {
      for (const event of group.events) fail(error, event);
      continue;
    }
    const applied = await applyEach(rt, group, seen, fail);
    try {
      await markApplied(
        store,
        applied.map((ctx) => ctx.event.id),
      );
    } catch (error) {
      for (const ctx of applied) fail(error, ctx.event);
      continue;
    }
    await emit(applied);
  }
  // A failure a redelivery could fix (a store that did not answer, a bug) rejects even when the host
  // listens for errors: resolving would let the webhook answer 200, and Meta would never send it again.
  // A malformed or forged event is final: reported, and not worth Meta's retries.
  const retryable = failures.filter((f) => !(f instanceof ValidationError || f instanceof AppMismatchError));
  const rejecting = rt.listens('error') ? retryable : failures;
  if (rejecting.length > 0) {
    throw rejecting.length === 1
      ? rejecting[0]!
      : new PagedeskError(
          'apply_failed',
          `${rejecting.length} events failed; first: ${rejecting[0]!.message}`,
          { cause: rejecting },
        );
  }
  return all;
}

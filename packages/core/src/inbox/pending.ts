import type { Effect } from './effects.js';

const key = (channelId: string, id: string) => `${channelId}\u0000${id}`;

/**
 * What arrived before the message it is about, kept in memory (bounded, oldest dropped first):
 * effects (reactions, edits, unsends, receipts) by channel and mid, and the highest receipt
 * watermarks per customer, for echoes that arrive after the receipt covering them.
 */
export class Pending {
  private readonly effects = new Map<string, Effect[]>();
  private readonly marks = new Map<string, { delivered: number; read: number }>();

  constructor(private readonly limit: number) {}

  private remember<T>(map: Map<string, T>, k: string, value: T): void {
    map.delete(k);
    map.set(k, value);
    if (map.size > this.limit) map.delete(map.keys().next().value as string);
  }

  /** Holds an effect until its message arrives. */
  wait(channelId: string, mid: string, effect: Effect): void {
    const k = key(channelId, mid);
    this.remember(this.effects, k, [...(this.effects.get(k) ?? []), effect]);
  }

  /** The effects waiting for a message (the common case, none, costs no string). */
  effectsFor(channelId: string, mid: string): Effect[] | undefined {
    return this.effects.size === 0 ? undefined : this.effects.get(key(channelId, mid));
  }

  /** Forgets the effects of a message once it is stored with them. */
  settled(channelId: string, mid: string): void {
    if (this.effects.size > 0) this.effects.delete(key(channelId, mid));
  }

  /** Forgets everything held for a channel (it was purged); returns how many entries went. */
  forget(channelId: string): number {
    const prefix = key(channelId, '');
    let count = 0;
    for (const map of [this.effects, this.marks] as Map<string, unknown>[]) {
      for (const k of [...map.keys()]) {
        if (!k.startsWith(prefix)) continue;
        map.delete(k);
        count++;
      }
    }
    return count;
  }

  /** The receipt watermarks of a customer, if any receipt came. */
  watermarks(channelId: string, psid: string): { delivered: number; read: number } | undefined {
    return this.marks.size === 0 ? undefined : this.marks.get(key(channelId, psid));
  }

  /** Raises a customer's watermark for `state` (a read covers delivery too). */
  raise(channelId: string, psid: string, state: 'delivered' | 'read', watermark: number): void {
    const k = key(channelId, psid);
    const marks = this.marks.get(k) ?? { delivered: -Infinity, read: -Infinity };
    this.remember(this.marks, k, {
      delivered: Math.max(marks.delivered, watermark),
      read: state === 'read' ? Math.max(marks.read, watermark) : marks.read,
    });
  }
}

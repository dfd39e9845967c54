import type { InboxChange } from '../inbox.types.js';

/** The entity a change is about (its kind is the part of `type` before the colon). */
export function entityOf(change: InboxChange): { id: string } {
  if ('message' in change) return change.message;
  if ('conversation' in change) return change.conversation;
  if ('customer' in change) return change.customer;
  return change.channel;
}

function sameKind(a: InboxChange, b: InboxChange): boolean {
  // 'conversation:…', 'message:…', 'customer:…', 'channel:…' differ by their first three letters.
  return a.type.charCodeAt(0) === b.type.charCodeAt(0) && a.type.charCodeAt(2) === b.type.charCodeAt(2);
}

/**
 * Collects the changes of one operation; an entity changed twice is reported once, in its final state.
 * An operation changes a handful of entities, so a scan beats a Map allocated per event.
 */
export class Changes {
  readonly list: InboxChange[] = [];

  add(change: InboxChange): void {
    const id = entityOf(change).id;
    for (let i = 0; i < this.list.length; i++) {
      const first = this.list[i]!;
      if (!sameKind(first, change) || entityOf(first).id !== id) continue;
      // Keep "created" when an entity was created and then updated in the same operation.
      this.list[i] = { ...change, type: first.type } as InboxChange;
      return;
    }
    this.list.push(change);
  }
}

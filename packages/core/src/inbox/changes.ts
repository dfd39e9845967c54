import type { InboxChange } from '../inbox.types.js';

/** The kind of entity a change is about and that entity's id. */
function entityOf(change: InboxChange): [number, string] {
  if ('message' in change) return [0, change.message.id];
  if ('conversation' in change) return [1, change.conversation.id];
  if ('customer' in change) return [2, change.customer.id];
  return [3, change.channel.id];
}

/**
 * Collects the changes of one operation; an entity changed twice is reported once, in its final state.
 * An operation changes a handful of entities, so a scan beats a Map allocated per event.
 */
export class Changes {
  readonly list: InboxChange[] = [];

  add(change: InboxChange): void {
    const [kind, id] = entityOf(change);
    for (let i = 0; i < this.list.length; i++) {
      const first = this.list[i]!;
      const [firstKind, firstId] = entityOf(first);
      if (firstKind !== kind || firstId !== id) continue;
      // Keep "created" when an entity was created and then updated in the same operation.
      this.list[i] = { ...change, type: first.type } as InboxChange;
      return;
    }
    this.list.push(change);
  }
}

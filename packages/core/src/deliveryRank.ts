import type { DeliveryState } from './model.js';

/**
 * Where each delivery state stands on the line an outbound message moves along (pending → sent →
 * delivered → read); `failed` is off the line (-1). A receipt only ever moves a message forward.
 *
 * @example
 * DELIVERY_RANK.read > DELIVERY_RANK.delivered; // true
 */
export const DELIVERY_RANK: Readonly<Record<DeliveryState, number>> = Object.freeze({
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: -1,
});

/**
 * Whether moving a message from `current` to `next` goes forward on the delivery line: a late
 * "delivered" must not undo a "read", and a failed message is not moved by a receipt.
 *
 * @param current - The state the message is in.
 * @param next - The state a receipt or an answer reports.
 * @returns True when `next` is further along than `current` and `current` is on the line.
 * @example
 * isDeliveryAdvance('sent', 'read'); // true
 * isDeliveryAdvance('read', 'delivered'); // false
 */
export function isDeliveryAdvance(current: DeliveryState, next: DeliveryState): boolean {
  const from = DELIVERY_RANK[current];
  return from >= 0 && DELIVERY_RANK[next] > from;
}

import type { Message } from './model.js';

// What an outbound message's state means for an agent. A send that timed out after Meta may have
// taken it ends `failed` with `outcome_unknown` (or `interrupted` after a restart): nobody knows
// whether the customer has it. Retrying such a message first asks Meta; while it asks, the message
// is `pending` with `failure.code === 'checking'`, which a UI shows as "Checking…" (no Retry button).

/** `failure.code` of a pending message whose unknown outcome the send path is checking with Meta. */
export const CHECKING_CODE = 'checking';

/** Failure codes that leave open whether Meta accepted the message. */
export const UNKNOWN_OUTCOME_CODES: ReadonlySet<string> = new Set([
  'outcome_unknown',
  'interrupted',
  CHECKING_CODE,
]);

/**
 * True while the send path checks with Meta whether a message with an unknown outcome went out:
 * show "Checking…" and no Retry button.
 *
 * @example
 * isChecking(message) ? 'Checking…' : message.delivery;
 */
export function isChecking(message: Pick<Message, 'delivery' | 'failure'>): boolean {
  return message.delivery === 'pending' && message.failure?.code === CHECKING_CODE;
}

/**
 * True for a failed message that may have reached the customer (`outcome_unknown`, `interrupted`):
 * a retry checks with Meta first and sends again only if Meta shows it was not sent.
 *
 * @example
 * isUnknownOutcome(message) ? 'May not have been sent' : message.failure?.message;
 */
export function isUnknownOutcome(message: Pick<Message, 'delivery' | 'failure'>): boolean {
  return (
    (message.delivery === 'failed' || message.delivery === 'pending') &&
    message.failure !== undefined &&
    UNKNOWN_OUTCOME_CODES.has(message.failure.code)
  );
}

import * as z from 'zod/mini';
import { ValidationError } from './errors.js';
import { platformSchema } from './model.js';
import { parseOrThrow } from './parseOrThrow.js';
import { type WindowEvaluation, type WindowInput, windowOf } from './window.js';

// The messaging window for a caller's input, checked first: apart from window.ts so what reads the
// window of a stored conversation (windowForConversation) loads without zod.

const inputSchema = z.object({
  platform: platformSchema,
  source: z.optional(z.enum(['message', 'comment'])),
  humanAgent: z.optional(z.boolean()),
  privateReplySent: z.optional(z.boolean()),
  sender: z.optional(z.enum(['agent', 'automation'])),
});

/**
 * Evaluates the messaging window: the state, what may be sent, until when, and a reason to show.
 * Exact at the boundaries: standard while less than 24 h passed (24 h exactly is human-agent time),
 * human-agent while less than 7 d passed.
 *
 * @throws ValidationError naming the field when an input is malformed.
 *
 * @example
 * const w = evaluateWindow({ lastInboundAt: Date.now() - 21 * 3600_000, now: Date.now(), platform: 'messenger', humanAgent: false });
 * w.state; // 'standard'
 * w.reason; // { code: 'standard', text: 'Window closes in 3 h', remainingMs: 10800000 }
 */
export function evaluateWindow(input: WindowInput): WindowEvaluation {
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError('window input', [{ path: '', message: 'expected an object' }]);
  }
  // Both platforms follow the same windows today (HUMAN_AGENT exists on Instagram too); the
  // platform is validated so a future difference has its input already.
  parseOrThrow(inputSchema, input, 'window input');
  return windowOf(input);
}

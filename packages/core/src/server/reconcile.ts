import { GraphError, toPagedeskError } from '../errors.js';
import type { Channel, Customer, Message } from '../model.js';
import { CHECKING_CODE } from '../outcome.js';
import type { ChannelContext } from './channelContext.js';
import type { HistoryMessage } from './pageGraph.js';

// Unknown outcomes. A Send API call that timed out may still have been taken by Meta; sending it
// again could reach the customer twice. Before a retry re-sends such a message, it asks Meta:
// 1. it waits for the echo (Meta sends one for every message the page sends, with Pagedesk's id in
//    `metadata`) until `echoWaitMs` after the outcome became unknown, polling the store so an echo
//    applied by another server counts too;
// 2. then it reads the thread through the Conversations API
//    (https://developers.facebook.com/docs/graph-api/reference/page/conversations/) and looks for a
//    message from the page, sent since the part was recorded, with the part's text (or as many
//    attachments), whose mid no other stored message has. Meta's message node does not return the
//    Send API `metadata`, so the content is the key; the mid check keeps two equal replies apart.
// Found → the message is `sent` with that mid. Not found → Meta shows it was not sent: re-send.
// The lookup failing (no permission to read conversations, Meta down) decides nothing: the message
// stays `outcome_unknown` and the caller may retry again, or force a re-send.
// While this runs the message is `pending` with `failure.code === 'checking'`.

/** What the check found: Meta has the message (`sent`), Meta shows it was not sent, or nobody knows. */
export type ReconcileResult =
  | { outcome: 'sent'; message: Message }
  | { outcome: 'not_sent'; message: Message }
  | { outcome: 'unknown'; message: Message; error: Error };

// Meta's `created_time` has second precision and its clock is not ours.
const CLOCK_SKEW_MS = 2 * 60 * 1000;

const SETTLED = new Set<Message['delivery']>(['sent', 'delivered', 'read']);

function sameContent(message: Message, candidate: HistoryMessage): boolean {
  if (message.attachments.length > 0) return candidate.attachments.length === message.attachments.length;
  return candidate.text !== undefined && candidate.text === message.text;
}

/** The unknown-outcome check of the send path. */
export function createReconciler(ctx: ChannelContext) {
  const { store, inbox, now } = ctx;
  const options = ctx.options.reconcile ?? {};
  const echoWaitMs = options.echoWaitMs ?? 5000;
  const pollMs = options.pollMs ?? 200;
  const lookupLimit = options.lookupLimit ?? 25;
  const sleep = (ms: number) => new Promise<void>((resolve) => ctx.setTimer(resolve, ms));

  /** Waits for an echo (or any proof) to settle the message; undefined when the bound passed. */
  async function waitForEcho(messageId: string, unknownSince: number): Promise<Message | undefined> {
    // Wall-clock time of this process: the injected `now` may be an emulated or frozen clock.
    const deadline = Date.now() + Math.max(0, unknownSince + echoWaitMs - now());
    for (;;) {
      const current = await store.messages.get(messageId);
      if (current && SETTLED.has(current.delivery)) return current;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await sleep(Math.min(pollMs, left));
    }
  }

  async function lookUp(
    channel: Channel,
    customer: Customer,
    message: Message,
  ): Promise<HistoryMessage | null> {
    const page = await ctx.pageGraph(channel);
    const credentials = await store.credentials.get(channel.id);
    const self = new Set([channel.id, credentials?.pageId].filter((id): id is string => !!id));
    const threads = await page.conversations({ platform: channel.platform, userId: customer.psid, limit: 1 });
    const thread = threads.items.find((t) => t.participants.some((p) => p.id === customer.psid));
    if (!thread) return null;
    const history = await page.conversationMessages(thread.id, { limit: lookupLimit });
    for (const candidate of history.items) {
      if (!self.has(candidate.from.id) || candidate.createdAt < message.createdAt - CLOCK_SKEW_MS) continue;
      if (!sameContent(message, candidate)) continue;
      const owner = await store.messages.getByMid(channel.id, candidate.id);
      if (owner && owner.id !== message.id) continue;
      return candidate;
    }
    return null;
  }

  /**
   * Checks with Meta whether a message whose outcome is unknown went out. Only for direct messages:
   * a private reply Meta already took is refused a second time (one per comment), so it needs no check.
   */
  async function reconcile(channel: Channel, customer: Customer, failed: Message): Promise<ReconcileResult> {
    const unknownSince = failed.updatedAt;
    let checking: Message;
    try {
      checking = await inbox.markPending(failed.id, {
        code: CHECKING_CODE,
        message: 'Checking with Meta whether this message reached the customer',
        retryable: false,
      });
    } catch (error) {
      // The echo landed between the caller's read and now: the message is sent, nothing to check.
      const current = await store.messages.get(failed.id);
      if (current && SETTLED.has(current.delivery)) return { outcome: 'sent', message: current };
      throw error;
    }
    const echoed = await waitForEcho(failed.id, unknownSince);
    if (echoed) return { outcome: 'sent', message: echoed };
    try {
      const found = await ctx.guarded(channel, () => lookUp(channel, customer, checking));
      // The echo may have landed while we read the thread.
      const current = await store.messages.get(failed.id);
      if (current && SETTLED.has(current.delivery)) return { outcome: 'sent', message: current };
      if (found)
        return {
          outcome: 'sent',
          message: await inbox.markSent(failed.id, { mid: found.id, at: found.createdAt }),
        };
      return { outcome: 'not_sent', message: checking };
    } catch (error) {
      const typed = toPagedeskError(error);
      const message = await inbox.markFailed(failed.id, {
        code: 'outcome_unknown',
        message: `Could not check with Meta whether this message reached the customer (${typed.message}); retry to check again`,
        retryable: true,
        ...(typed instanceof GraphError && typed.graphCode !== undefined
          ? { graphCode: typed.graphCode }
          : {}),
      });
      return { outcome: 'unknown', message, error: typed };
    }
  }

  return { reconcile };
}

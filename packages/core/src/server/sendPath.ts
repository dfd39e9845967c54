import {
  GraphError,
  NotFoundError,
  PagedeskError,
  RuleViolationError,
  toPagedeskError,
  ValidationError,
} from '../errors.js';
import type { OutboundDraft } from '../inbox.types.js';
import type { Channel, Conversation, Customer, Failure, Message } from '../model.js';
import { isUnknownOutcome } from '../outcome.js';
import { parseOrThrow } from '../parseOrThrow.js';
import {
  attachmentsOfPart,
  blockedRefusal,
  decideReply,
  quoteOf,
  replyRoute,
  type Sender,
  threadControlRefusal,
  windowError,
} from '../sendRules.js';
import { type SendDraft, sendDraftSchema } from '../transport.js';
import { windowForConversation } from '../window.js';
import type { ChannelContext } from './channelContext.js';
import { createDeliver, type Delivery } from './delivery.js';
import type { PageGraph } from './pageGraph.js';
import type { Personas } from './personas.js';
import { createReconciler } from './reconcile.js';
import type { SendMessageRequest } from './sendBody.js';
import { onTagRefused, senderOfMessage } from './sendPolicy.js';
import { type SurveyAuthor, surveyFor, surveyRefusal } from './surveys.js';

// The send path. Policy first (channel status, window, rules), then the store (every outbound part
// recorded `pending` before Meta is called), then Meta, then the outcome: `sent` with Meta's mid, or
// `failed` with a typed reason. A send whose outcome is unknown (a timeout) stays `failed`
// `outcome_unknown` until the echo, which carries the message id in `metadata`, proves it went out;
// `retry` re-reads the message first so it never sends twice. Meta's verdicts feed back into the
// channel: a 190 while sending flips it at once.

/** How a survey goes out: a response inside 24 h, then with the CUSTOMER_FEEDBACK tag (surveys.ts). */
function surveyRoute(
  conversation: Conversation,
  at: number,
): { messagingType: Delivery['messagingType']; tag?: string } {
  const { window } = surveyRefusal(conversation, at);
  return { messagingType: window.messagingType ?? 'RESPONSE', ...(window.tag ? { tag: window.tag } : {}) };
}

function failureOf(error: unknown): Failure {
  const e = toPagedeskError(error);
  const graph = e instanceof GraphError ? e : undefined;
  return {
    code: e.code,
    message: e.message,
    retryable: e.retryable,
    ...(graph?.graphCode === undefined ? {} : { graphCode: graph.graphCode }),
    ...(graph?.subcode === undefined ? {} : { graphSubcode: graph.subcode }),
  };
}

/** A retry of a private reply whose comment is no longer the customer's newest. */
const privateReplySuperseded = () =>
  new RuleViolationError(
    'private_reply_superseded',
    'The customer commented again after this private reply was written, and its first try may have reached them. Send a new reply to answer the newer comment, or retry with force to send this one to it',
  );

/** A retry that would post a public answer which may be under the comment already. */
function publicOutcomeUnknown(): PagedeskError {
  return new PagedeskError(
    'outcome_unknown',
    'This public reply may already be under the comment (Meta did not answer in time). Check the comment, then retry with force to post it again',
  );
}

/** The send path of `createChannels`: send, retry, sender actions and crash recovery. */
export function createSendPath(ctx: ChannelContext, personas: Personas) {
  const { store, inbox, now, options, inFlight } = ctx;
  const deliver = createDeliver(ctx, personas);
  const { reconcile } = createReconciler(ctx);

  /**
   * Sends one recorded message: `sent` with the mid the call returns, or `failed` with the typed
   * reason (a token error also flips the channel), rethrown typed.
   */
  async function sendOne(channel: Channel, message: Message, call: () => Promise<string>): Promise<Message> {
    inFlight.add(message.id);
    try {
      const mid = await call();
      return await inbox.markSent(message.id, { mid, at: now() });
    } catch (error) {
      await ctx.onGraphError(channel, error);
      const after = await inbox.markFailed(message.id, failureOf(error));
      // An echo (or the page's comment) proved it went out while Graph's answer failed: it is sent.
      if (after.delivery !== 'failed') return after;
      throw toPagedeskError(error);
    } finally {
      inFlight.delete(message.id);
    }
  }

  /** Sends recorded messages in order; the first failure fails the rest (order is kept for a retry). */
  async function sendRecorded(
    d: Delivery,
    conversation: Conversation,
    messages: Message[],
  ): Promise<Message[]> {
    const out: Message[] = [];
    for (const [i, message] of messages.entries()) {
      try {
        const sent = await sendOne(d.channel, message, async () => {
          const result = await deliver(d, message).catch(async (error: unknown) => {
            throw await onTagRefused(ctx, d.channel, d.tag, error);
          });
          return result.messageId;
        });
        // Sent, by Graph's answer or by an echo that came before a failed one: the comment's one private
        // reply is spent either way.
        if ('commentId' in d.recipient)
          await inbox.markPrivateReplySent(conversation.id, now(), d.recipient.commentId);
        out.push(sent);
      } catch (error) {
        for (const rest of messages.slice(i + 1))
          await inbox.markFailed(rest.id, {
            code: 'previous_part_failed',
            message: 'Not sent because an earlier part of the reply failed',
            retryable: true,
          });
        throw error;
      }
    }
    return out;
  }

  async function deliveryFor(
    channel: Channel,
    conversation: Conversation,
    customer: Customer,
    route: { sender: Sender; messagingType: Delivery['messagingType']; tag?: string | undefined },
  ) {
    const { sender } = route;
    const page = await ctx.pageGraph(channel);
    const comment = conversation.source === 'comment' ? conversation.comment : undefined;
    // A private reply answers the customer's newest comment: Meta allows one per comment.
    const recipient: SendMessageRequest['recipient'] = comment
      ? { commentId: comment.latestId ?? comment.commentId }
      : { id: customer.psid };
    // Automation speaks as the page: a persona is a person's name and face.
    const personaId =
      comment || sender.kind === 'automation'
        ? undefined
        : await personas.personaFor(channel, page, sender.agentId);
    const d: Delivery = {
      channel,
      page,
      recipient,
      messagingType: route.messagingType,
      ...(route.tag ? { tag: route.tag } : {}),
      ...(personaId ? { personaId } : {}),
    };
    return d;
  }

  /** The author stored on the message: the agent (with the name the host knows) or the automation. */
  async function authorOf(sender: Sender, draft: SendDraft, channel: Channel): Promise<Message['author']> {
    if (sender.kind === 'automation') {
      const name = draft.author?.kind === 'automation' ? draft.author.name : undefined;
      return { kind: 'automation', ...(name ? { name } : {}) };
    }
    const agent =
      sender.agentId && options.agents ? await options.agents(sender.agentId, channel) : undefined;
    return {
      kind: 'agent',
      ...(sender.agentId ? { agentId: sender.agentId } : {}),
      ...(agent?.name ? { name: agent.name } : {}),
    };
  }

  async function publicReply(
    conversation: Conversation,
    channel: Channel,
    text: string,
    draft: SendDraft,
    author: Message['author'],
  ) {
    const comment = conversation.comment!;
    const page = await ctx.pageGraph(channel);
    const recorded = await recordFirst(conversation.id, {
      ...(draft.clientId ? { id: draft.clientId } : {}),
      text,
      author,
    });
    if ('elsewhere' in recorded) return [recorded.elsewhere];
    return [await sendPublic(channel, page, comment.commentId, recorded)];
  }

  /**
   * Records the first part of a send. Under the composer's id it is exclusive: when that id is recorded
   * already, the same send reached another server at the same moment, which sends it; this one
   * answers the stored message, as a double submit to one server does.
   */
  async function recordFirst(
    conversationId: string,
    outbound: OutboundDraft,
  ): Promise<Message | { elsewhere: Message }> {
    if (outbound.id === undefined) return inbox.recordOutbound(conversationId, outbound);
    try {
      return await inbox.recordOutbound(conversationId, outbound, { exclusive: true });
    } catch (error) {
      if (!(error instanceof PagedeskError && error.code === 'already_recorded')) throw error;
      const stored = await store.messages.get(outbound.id);
      if (!stored) throw error;
      return { elsewhere: stored };
    }
  }

  async function sendPublic(
    channel: Channel,
    page: PageGraph,
    commentId: string,
    message: Message,
  ): Promise<Message> {
    return sendOne(channel, message, async () => {
      const result = await page.replyToComment(commentId, message.text ?? '', channel.platform);
      return result.id;
    });
  }

  async function send(conversationId: string, draftInput: SendDraft): Promise<Message[]> {
    let draft = parseOrThrow(sendDraftSchema, draftInput, 'reply');
    return ctx.serial(conversationId, async () => {
      const { conversation, channel, customer } = await ctx.loadConversation(conversationId);
      if (draft.clientId) {
        // The same composer id twice (a double click, a browser retrying the POST) never sends twice:
        // the stored message answers, and a failed one is for `retry`.
        const existing = await store.messages.get(draft.clientId);
        if (existing?.conversationId === conversationId) {
          if (existing.direction !== 'outbound')
            throw new ValidationError('reply', [
              { path: 'clientId', message: 'is already used by another message' },
            ]);
          return [existing];
        }
        // Another conversation's message id (another organisation's, maybe) is not the composer's: the
        // reply goes under an id of its own, the answer of an unused id, so a guessed id never
        // confirms that someone else's message exists.
        if (existing) {
          const { clientId: _taken, ...rest } = draft;
          draft = rest;
        }
      }
      const decision = decideReply({
        channel,
        conversation,
        customer,
        draft,
        at: now(),
        rules: ctx.rulesOf(channel),
      });
      const author = await authorOf(decision.sender, draft, channel);
      if (decision.kind === 'public') return publicReply(conversation, channel, decision.text, draft, author);
      const replyTo = draft.replyToMessageId
        ? quoteOf(await store.messages.get(draft.replyToMessageId), conversationId, draft.replyToMessageId)
        : undefined;
      const d = await deliveryFor(channel, conversation, customer, decision);
      const { parts } = decision;
      const recorded: Message[] = [];
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i]!;
        const outbound: OutboundDraft = {
          ...(i === 0 && draft.clientId ? { id: draft.clientId } : {}),
          ...(part.type === 'text' ? { text: part.text } : {}),
          attachments: attachmentsOfPart(part),
          ...(i === 0 && replyTo ? { replyTo } : {}),
          ...(i === parts.length - 1 && draft.quickReplies?.length
            ? { quickReplies: draft.quickReplies }
            : {}),
          author,
          messagingType: d.messagingType,
          ...(d.tag ? { tag: d.tag } : {}),
        };
        if (i > 0) {
          recorded.push(await inbox.recordOutbound(conversationId, outbound));
          continue;
        }
        const first = await recordFirst(conversationId, outbound);
        if ('elsewhere' in first) return [first.elsewhere];
        recorded.push(first);
      }
      return sendRecorded(d, conversation, recorded);
    });
  }

  /**
   * Sends a satisfaction survey (Messenger's Customer Feedback Template) through the same policy,
   * store and outcome as a reply: Messenger threads only, within 7 days of the customer's last message
   * (the `CUSTOMER_FEEDBACK` tag after the first 24 h).
   */
  async function sendSurvey(conversationId: string, input: unknown, by: SurveyAuthor = {}): Promise<Message> {
    return ctx.serial(conversationId, async () => {
      const { conversation, channel, customer } = await ctx.loadConversation(conversationId);
      ctx.assertSendable(channel);
      const refusal =
        blockedRefusal(customer) ??
        threadControlRefusal(conversation, channel) ??
        surveyRefusal(conversation, now()).error;
      if (refusal) throw refusal;
      const { id, survey } = surveyFor(input, options.surveys, channel);
      const sender: Sender = { kind: 'agent', ...(by.agentId ? { agentId: by.agentId } : {}) };
      const author = await authorOf(sender, { ...(by.agentId ? { agentId: by.agentId } : {}) }, channel);
      const d = await deliveryFor(channel, conversation, customer, {
        sender,
        ...surveyRoute(conversation, now()),
      });
      const recorded = await inbox.recordOutbound(conversationId, {
        id,
        text: survey.question ?? survey.title,
        survey,
        author,
        messagingType: d.messagingType,
        ...(d.tag ? { tag: d.tag } : {}),
      });
      const [sent] = await sendRecorded(d, conversation, [recorded]);
      return sent!;
    });
  }

  /**
   * Re-sends a failed message. One whose outcome is unknown (a timeout, a restart) is first checked
   * with Meta (reconcile.ts) and re-sent only if Meta shows it was not sent; `force` skips the check.
   */
  async function retry(messageId: string, retryOptions: { force?: boolean } = {}): Promise<Message> {
    const first = await store.messages.get(messageId);
    if (!first) throw new NotFoundError('Message', messageId);
    if (first.direction !== 'outbound')
      throw new ValidationError('retry', [
        { path: 'messageId', message: 'only outbound messages can be retried' },
      ]);
    return ctx
      .serial(first.conversationId, () => retryQueued(messageId, first, retryOptions))
      .catch(async (error: unknown) => {
        // Another server claimed it first (the same Retry clicked twice, behind a load balancer):
        // it is being sent there, and the stored message says how far.
        if (error instanceof PagedeskError && error.code === 'send_in_progress')
          return (await store.messages.get(messageId)) ?? first;
        throw error;
      });
  }

  async function retryQueued(
    messageId: string,
    first: Message,
    retryOptions: { force?: boolean },
  ): Promise<Message> {
    // Re-read inside the queue: an echo may have confirmed an unknown outcome in the meantime.
    const message = (await store.messages.get(messageId)) ?? first;
    if (message.delivery !== 'failed' || inFlight.has(message.id)) return message;
    const { conversation, channel, customer } = await ctx.loadConversation(message.conversationId);
    ctx.assertSendable(channel);
    const publicAnswer = conversation.source === 'comment' && message.messagingType === undefined;
    // Meta takes the same public answer twice and a comment carries no metadata: only the page's own
    // comment in the feed settles one (inbox/comments.ts). Until then, one that may be up already is
    // posted again only when an agent who checked the comment says so.
    if (!retryOptions.force && publicAnswer && isUnknownOutcome(message)) throw publicOutcomeUnknown();
    // A private reply goes to the customer's newest comment: one that came after this reply was written
    // would get it, while the first try may have reached the customer under the comment it answered.
    if (
      !retryOptions.force &&
      conversation.source === 'comment' &&
      !publicAnswer &&
      isUnknownOutcome(message) &&
      (conversation.lastInboundAt ?? -Infinity) > message.createdAt
    )
      throw privateReplySuperseded();
    let current = message;
    if (!retryOptions.force && conversation.source === 'message' && isUnknownOutcome(message)) {
      inFlight.add(message.id);
      try {
        const checked = await reconcile(channel, customer, message);
        if (checked.outcome === 'sent') return checked.message;
        if (checked.outcome === 'unknown') throw checked.error;
        current = checked.message;
      } finally {
        inFlight.delete(message.id);
      }
    }
    const sender = senderOfMessage(message);
    const at = now();
    if (!publicAnswer) {
      const closed = message.survey
        ? surveyRefusal(conversation, at).error
        : windowError(channel, conversation, at, sender.kind);
      if (closed) {
        if (current.delivery === 'pending') await inbox.markFailed(current.id, failureOf(closed));
        throw closed;
      }
    }
    // Everything that can refuse (no stored token, a revoked persona) runs before the message goes
    // back to `pending`: a refusal then leaves it `failed`, never stuck in `pending`.
    if (publicAnswer) {
      const page = await ctx.pageGraph(channel);
      const pending = await inbox.markPending(message.id).catch(async (error: unknown) => {
        // The page's comment settled it between the read above and this claim: it is sent.
        const stored = await store.messages.get(message.id);
        if (stored && stored.delivery !== 'failed' && stored.delivery !== 'pending') return stored;
        throw error;
      });
      if (pending.delivery !== 'pending') return pending;
      return sendPublic(channel, page, conversation.comment!.commentId, pending);
    }
    let d: Delivery;
    try {
      d = await deliveryFor(channel, conversation, customer, {
        sender,
        ...(message.survey ? surveyRoute(conversation, at) : replyRoute(channel, conversation, at, sender)),
      });
    } catch (error) {
      // Checked and not sent, then refused here: failed with the refusal, never left `checking`.
      if (current.delivery === 'pending') await inbox.markFailed(current.id, failureOf(error));
      throw error;
    }
    const pending = await inbox.markPending(current.id);
    const [sent] = await sendRecorded(d, conversation, [pending]);
    return sent!;
  }

  async function senderAction(conversationId: string, action: 'typing_on' | 'typing_off' | 'mark_seen') {
    const { conversation, channel, customer } = await ctx.loadConversation(conversationId);
    // Comments have no thread to type in; typing is a courtesy, never an error for the agent.
    if (conversation.source === 'comment') return;
    ctx.assertSendable(channel);
    // Meta refuses sender actions outside the messaging window: a closed thread gets no "seen" or
    // "typing" at all rather than a call that is bound to fail.
    if (windowForConversation(conversation, channel, now()).state === 'closed') return;
    const page = await ctx.pageGraph(channel);
    await ctx.guarded(channel, () => page.senderAction(customer.psid, action));
  }

  async function recoverPending({
    olderThanMs = 0,
    limit = 1000,
  }: {
    olderThanMs?: number;
    limit?: number;
  } = {}) {
    const pending = await store.messages.listPending(limit);
    const cutoff = now() - olderThanMs;
    const recovered: Message[] = [];
    for (const message of pending) {
      if (inFlight.has(message.id) || message.createdAt > cutoff || message.direction !== 'outbound')
        continue;
      recovered.push(
        await inbox.markFailed(message.id, {
          code: 'interrupted',
          message: 'Sending was interrupted (the server restarted); it may not have reached the customer',
          retryable: true,
        }),
      );
    }
    return recovered;
  }

  return { send, sendSurvey, retry, senderAction, recoverPending };
}

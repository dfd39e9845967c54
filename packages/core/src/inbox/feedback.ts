import type { FeedbackEvent } from '../events.js';
import type { Conversation } from '../model.js';
import type { SurveyAnswer } from '../survey.js';
import { type Context, putConversation } from './runtime.js';
import { changedAt } from './threading.js';

// `messaging_feedback`: the customer answered a Customer Feedback Template. The answer belongs to the
// conversation the survey was sent in (its question id is the survey message's id); an answer to a
// survey this inbox does not know goes to the customer's newest direct conversation. Only a newer answer
// replaces the stored one (Meta may deliver out of order). Hosts still hear of every event.

async function conversationOf(
  ctx: Context,
  e: FeedbackEvent,
  questionId: string,
): Promise<Conversation | undefined> {
  const { store } = ctx.rt;
  const customerId = `${ctx.channelId}:${e.customerId}`;
  const survey = await store.messages.get(questionId);
  if (survey?.survey && survey.channelId === ctx.channelId) {
    const conversation = await store.conversations.get(survey.conversationId);
    // The id came from the customer's device: it must name this customer's own survey.
    if (conversation?.customerId === customerId) return conversation;
  }
  return store.conversations.findLatest({ channelId: ctx.channelId, customerId, source: 'message' });
}

/** Applies a feedback event: the first understood answer is stored on its conversation. */
export async function onFeedback(ctx: Context, e: FeedbackEvent): Promise<void> {
  ctx.rt.emit('event:noticed', { event: e });
  const first = e.answers[0];
  if (!e.customerId || !first) return;
  const conversation = await conversationOf(ctx, e, first.questionId);
  if (!conversation) return;
  if (conversation.survey && conversation.survey.answeredAt > e.timestamp) return;
  const survey: SurveyAnswer = {
    type: first.type,
    score: first.score,
    questionId: first.questionId,
    answeredAt: e.timestamp,
    ...(first.text === undefined ? {} : { text: first.text }),
  };
  await putConversation(
    ctx,
    { ...conversation, survey, updatedAt: changedAt(conversation, ctx.rt.now()) },
    false,
  );
}

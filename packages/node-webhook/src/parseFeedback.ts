import { type FeedbackAnswer, type FeedbackEvent, surveyScore } from '@pagedesk/core';
import { base, type Ctx, isObject, type Loose } from './parseShared.js';

// `messaging_feedback` (Messenger only): answers to a Customer Feedback Template
// (https://developers.facebook.com/docs/messenger-platform/send-messages/templates/customer-feedback-template;
// docs/meta-platform.md "Satisfaction surveys"). `feedback_screens[].questions` maps each question id
// the template was sent with to `{ type, payload, follow_up? }`, the score as a string ("1" … "5").
// The person and the time identify the event (checked by the caller); the content is read leniently:
// a question of an unknown type or score is left out and noted, never the event.

const TYPES = new Set(['csat', 'nps', 'ces']);

function answerOf(questionId: string, q: unknown, at: string, ctx: Ctx): FeedbackAnswer | undefined {
  if (!isObject(q)) {
    ctx.notes.push({ path: at, message: 'expected an object' });
    return undefined;
  }
  const type = q.type;
  if (typeof type !== 'string' || !TYPES.has(type)) {
    ctx.notes.push({ path: `${at}.type`, message: 'expected one of "csat", "nps", "ces"' });
    return undefined;
  }
  const score = surveyScore(type as FeedbackAnswer['type'], q.payload);
  if (score === undefined) {
    ctx.notes.push({ path: `${at}.payload`, message: `expected a ${type} score` });
    return undefined;
  }
  const answer: FeedbackAnswer = { questionId, type: type as FeedbackAnswer['type'], score };
  const followUp = q.follow_up;
  if (isObject(followUp) && typeof followUp.payload === 'string' && followUp.payload.trim() !== '')
    answer.text = followUp.payload;
  else if (followUp !== undefined && followUp !== null && !isObject(followUp))
    ctx.notes.push({ path: `${at}.follow_up`, message: 'expected an object' });
  return answer;
}

/** One `messaging_feedback` item → its event (answers in screen, then question order). */
export function feedbackEvent(
  value: unknown,
  ctx: Ctx,
  sender: string | null,
  timestamp: number,
  raw: unknown,
): FeedbackEvent {
  const at = `${ctx.path}.messaging_feedback`;
  const answers: FeedbackAnswer[] = [];
  const screens = isObject(value) ? value.feedback_screens : undefined;
  if (!Array.isArray(screens))
    ctx.notes.push({ path: `${at}.feedback_screens`, message: 'expected an array' });
  else
    screens.forEach((screen: unknown, i) => {
      const questions = isObject(screen) ? screen.questions : undefined;
      if (!isObject(questions)) {
        ctx.notes.push({ path: `${at}.feedback_screens[${i}].questions`, message: 'expected an object' });
        return;
      }
      for (const [questionId, q] of Object.entries(questions as Loose)) {
        const answer = answerOf(questionId, q, `${at}.feedback_screens[${i}].questions.${questionId}`, ctx);
        if (answer) answers.push(answer);
      }
    });
  // One answer per person and moment: Meta sends a survey's answers together, once.
  return {
    ...base(ctx, `feedback:${ctx.pageId}:${sender ?? ''}:${timestamp}`, sender, timestamp, raw),
    kind: 'feedback',
    answers,
  };
}

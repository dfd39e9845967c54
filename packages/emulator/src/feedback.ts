import { surveyScore, ValidationError } from '@pagedesk/core';
import { z } from 'zod';
import { invalidParam, windowClosed } from './metaError.js';
import type { EmulatorMessage } from './types.js';
import type { World } from './world.js';

// Messenger's Customer Feedback Template as the emulator's Send API accepts it, and the customer's
// answer as the `messaging_feedback` webhook Meta sends
// (https://developers.facebook.com/docs/messenger-platform/send-messages/templates/customer-feedback-template;
// docs/meta-platform.md "Satisfaction surveys"). Messenger only; the CUSTOMER_FEEDBACK tag is for this
// template alone and allows it up to 7 days after the customer's last message (24 h without the tag).

const DAY = 24 * 60 * 60 * 1000;

/** The input of `customer(id).answerSurvey`. */
export const surveyAnswerSchema = z.object({
  mid: z.string().min(1),
  score: z.number().int(),
  text: z.string().max(2000).optional(),
});
const TYPES = {
  csat: ['one_to_five', 'five_stars', 'five_emojis'],
  nps: ['zero_to_ten'],
  ces: ['one_to_seven'],
};
type SurveyType = keyof typeof TYPES;

/** A survey the emulator accepted: what the chat page shows and what an answer is checked against. */
export interface EmulatorSurvey {
  title: string;
  subtitle?: string;
  buttonTitle: string;
  questionId: string;
  type: SurveyType;
  question?: string;
  followUp: boolean;
  privacyUrl: string;
  expiresAt: number;
  /** When the customer answered (a survey is answered once). */
  answeredAt?: number;
}

const record = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const text = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v.trim() === '')
    throw invalidParam(`param ${name} must be a non-empty string.`);
  return v;
};

/** Whether a Send API attachment is the customer feedback template (the emulator then validates it here). */
export function isCustomerFeedback(attachment: Record<string, unknown> | undefined): boolean {
  return (
    attachment?.['type'] === 'template' &&
    record(attachment['payload'])?.['template_type'] === 'customer_feedback'
  );
}

/**
 * Validates the template as Meta's reference describes it and returns the survey to store, or throws
 * Meta's error. `tagged` is whether the call used the CUSTOMER_FEEDBACK tag.
 */
export function customerFeedbackSurvey(
  world: World,
  input: {
    platform: 'messenger' | 'instagram';
    lastInboundAt: number | null;
    attachment: Record<string, unknown>;
    tagged: boolean;
  },
): EmulatorSurvey {
  const at = 'message[attachment][payload]';
  if (input.platform !== 'messenger')
    throw invalidParam('The customer_feedback template is only available on Messenger.');
  const p = record(input.attachment['payload'])!;
  const screens = p['feedback_screens'];
  if (!Array.isArray(screens) || screens.length !== 1)
    throw invalidParam(`param ${at}[feedback_screens] must hold exactly one screen.`);
  const questions = record(screens[0])?.['questions'];
  if (!Array.isArray(questions) || questions.length !== 1)
    throw invalidParam(`param ${at}[feedback_screens][0][questions] must hold exactly one question.`);
  const q = record(questions[0]) ?? {};
  const qAt = `${at}[feedback_screens][0][questions][0]`;
  const type = q['type'];
  if (typeof type !== 'string' || !(type in TYPES))
    throw invalidParam(`param ${qAt}[type] must be one of {csat, nps, ces}.`);
  const option = q['score_option'];
  if (option !== undefined && !TYPES[type as SurveyType].includes(String(option)))
    throw invalidParam(
      `param ${qAt}[score_option] must be one of {${TYPES[type as SurveyType].join(', ')}}.`,
    );
  const followUp = record(q['follow_up']);
  if (q['follow_up'] !== undefined && followUp?.['type'] !== 'free_form')
    throw invalidParam(`param ${qAt}[follow_up][type] must be free_form.`);
  const privacy = record(p['business_privacy']);
  const privacyUrl = text(privacy?.['url'], `${at}[business_privacy][url]`);
  if (!URL.canParse(privacyUrl)) throw invalidParam(`param ${at}[business_privacy][url] must be a URL.`);
  const days = p['expires_in_days'] ?? 1;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 7)
    throw invalidParam(`param ${at}[expires_in_days] must be an integer from 1 to 7.`);
  const now = world.clock.now();
  // Inside 24 h a RESPONSE may carry it; after that only the CUSTOMER_FEEDBACK tag, up to 7 days.
  const age = input.lastInboundAt === null ? Number.POSITIVE_INFINITY : now - input.lastInboundAt;
  if (age > (input.tagged ? 7 * DAY : DAY)) throw windowClosed('messenger');
  const subtitle = p['subtitle'];
  return {
    title: text(p['title'], `${at}[title]`),
    ...(typeof subtitle === 'string' ? { subtitle } : {}),
    buttonTitle: text(p['button_title'], `${at}[button_title]`),
    questionId: text(q['id'], `${qAt}[id]`),
    type: type as SurveyType,
    ...(typeof q['title'] === 'string' ? { question: q['title'] } : {}),
    followUp: followUp !== undefined,
    privacyUrl,
    expiresAt: now + days * DAY,
  };
}

/**
 * The customer answers a survey on the chat page (or in a test): `messaging_feedback` with the question
 * id as its key and the score as a string, as Meta sends it. Refused when the survey expired, was
 * answered already, or the score is not one of its type's.
 */
export function answerSurvey(
  world: World,
  customerId: string,
  input: { mid: string; score: number; text?: string | undefined },
) {
  const customer = world.customer(customerId);
  const message: (EmulatorMessage & { survey?: EmulatorSurvey }) | undefined = world
    .conversation(customer.id)
    .find((m) => m.mid === input.mid && m.direction === 'outbound');
  const survey = message?.survey;
  const refuse = (path: string, why: string) =>
    new ValidationError('survey answer', [{ path, message: why }]);
  if (!message || !survey) throw refuse('mid', 'is not a survey sent to this customer');
  const timestamp = world.clock.now();
  if (survey.answeredAt !== undefined) throw refuse('mid', 'this survey was answered already');
  if (timestamp > survey.expiresAt) throw refuse('mid', 'this survey expired');
  if (surveyScore(survey.type, input.score) === undefined)
    throw refuse('score', `is not a ${survey.type} score`);
  survey.answeredAt = timestamp;
  world.emit({ type: 'message_updated', message: structuredClone(message) });
  const answer = {
    type: survey.type,
    payload: String(input.score),
    ...(survey.followUp && input.text?.trim()
      ? { follow_up: { type: 'free_form', payload: input.text } }
      : {}),
  };
  const page = world.page(customer.pageId);
  const delivery = world.enqueue({
    pageId: page.id,
    object: 'page',
    time: timestamp,
    messaging: {
      sender: { id: customer.id },
      recipient: { id: page.id },
      timestamp,
      messaging_feedback: {
        feedback_screens: [{ screen_id: 0, questions: { [survey.questionId]: answer } }],
      },
    },
  });
  return { timestamp, delivery };
}

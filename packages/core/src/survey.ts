import * as z from 'zod/mini';
import { rule, wholeNumber } from './checks.js';

// Satisfaction surveys: Messenger's Customer Feedback Template
// (https://developers.facebook.com/docs/messenger-platform/send-messages/templates/customer-feedback-template)
// and its answers, the `messaging_feedback` webhook. Pure and isomorphic: the send path, the emulator
// and the React kit (which greys out the action) decide the same way. Facts: docs/meta-platform.md
// ("Satisfaction surveys").

const surveyTypeSchema = /* @__PURE__ */ z.enum(['csat', 'nps', 'ces']);

// Browser weight: the core's browser entry exports this schema, so it uses the zod kinds the model's
// schemas already ship. A whole number is `wholeNumber()` rather than `z.int()`, and the URL is checked
// with the platform's parser rather than `z.url()` (zod's URL and number-format machinery, ~0.9 KB).
/** An absolute http(s) URL the platform's parser accepts (no tab or line break, which it would drop). */
function isWebUrl(value: string): boolean {
  if (!/^https?:\/\/[^\t\n\r]+$/i.test(value)) return false;
  try {
    return new URL(value).host !== '';
  } catch {
    return false;
  }
}

// Built inside one pure call: a bundle that never checks a draft (the React kit only sends it) drops
// the whole schema, its `.check()` calls and zod's URL and integer formats with it.
/**
 * What an agent (or the host) asks for: the score type and optional wording. Meta translates its
 * default question titles into the customer's language; custom titles are shown as given.
 */
export const surveyDraftSchema = /* @__PURE__ */ (() =>
  z.object({
    type: surveyTypeSchema,
    /** The question; Meta's localised default when absent. */
    question: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
    /** The template's heading in the thread. */
    title: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
    subtitle: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
    /** The button that opens the rating sheet. */
    buttonTitle: z.optional(z.string().check(z.minLength(1), z.maxLength(20))),
    /** Offer a free-text box after the score (Meta's `follow_up` of type `free_form`). */
    followUp: z.optional(z.boolean()),
    /** How long the customer may answer, 1-7 days (Meta's default: 1). */
    expiresInDays: z.optional(z.number().check(wholeNumber(), z.gte(1), z.lte(7))),
    /** The business's privacy policy, shown with the survey (Meta's `business_privacy.url`). */
    privacyUrl: z.optional(z.string().check(z.trim(), rule(isWebUrl, 'expected an http(s) URL'))),
  }))();
export type SurveyDraft = z.infer<typeof surveyDraftSchema>;

/** The survey as stored on its outbound message: everything the Send API call needs, so a retry sends the same. */
export const sentSurveySchema = /* @__PURE__ */ z.object({
  type: surveyTypeSchema,
  /** The question id Meta echoes back in `messaging_feedback` (the message id it belongs to). */
  questionId: /* @__PURE__ */ z.string(),
  question: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.string()),
  title: /* @__PURE__ */ z.string(),
  subtitle: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.string()),
  buttonTitle: /* @__PURE__ */ z.string(),
  followUp: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.boolean()),
  expiresInDays: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.number()),
  privacyUrl: /* @__PURE__ */ z.string(),
});
export type SentSurvey = z.infer<typeof sentSurveySchema>;

/** A customer's answer, as stored on the conversation (`conversation.survey`). */
export const surveyAnswerSchema = /* @__PURE__ */ z.object({
  type: surveyTypeSchema,
  /** As Meta sends it: CSAT 1-5, NPS 0-10, CES 1-7. */
  score: /* @__PURE__ */ z.number(),
  /** The free-text follow-up, when the customer wrote one. */
  text: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.string()),
  questionId: /* @__PURE__ */ z.string(),
  /** When the customer answered (the webhook's timestamp). */
  answeredAt: /* @__PURE__ */ z.number(),
});
export type SurveyAnswer = z.infer<typeof surveyAnswerSchema>;

// Satisfaction surveys' rules without their schemas (survey.ts): the scales Meta's Customer Feedback
// Template offers, when it may be sent, and the score of an answer. The React kit's first load reads
// these; the schemas load with its checks.

/** A score type of the template: CSAT 1-5, NPS 0-10, CES 1-7 (Meta's `type`). */
export type SurveyType = 'csat' | 'nps' | 'ces';

/** The scores Meta's template offers per type, as its `payload` strings carry them. */
export const SURVEY_SCALES: Readonly<
  Record<SurveyType, { min: number; max: number; options: readonly string[] }>
> = {
  csat: { min: 1, max: 5, options: ['one_to_five', 'five_stars', 'five_emojis'] },
  nps: { min: 0, max: 10, options: ['zero_to_ten'] },
  ces: { min: 1, max: 7, options: ['one_to_seven'] },
};

/** Inside 24 h of the customer's last message a survey is a plain RESPONSE. */
export const SURVEY_STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;
/** After that, the `CUSTOMER_FEEDBACK` tag allows it until 7 days after the customer's last message. */
export const SURVEY_TAG_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Whether a survey may go now, and how. */
export type SurveyWindow =
  | { canSend: true; messagingType: 'RESPONSE'; closesAt: number }
  | { canSend: true; messagingType: 'MESSAGE_TAG'; tag: 'CUSTOMER_FEEDBACK'; closesAt: number }
  | {
      canSend: false;
      reason: 'not_messenger' | 'comment_thread' | 'no_customer_message' | 'window_closed';
      text: string;
      closesAt: number | null;
    };

/**
 * Decides whether Meta accepts a Customer Feedback Template now: Messenger direct threads only, within
 * 24 h of the customer's last message as a RESPONSE, then with the `CUSTOMER_FEEDBACK` tag until 7 days.
 *
 * @example
 * surveyWindow({ platform: 'messenger', source: 'message', lastInboundAt: Date.now() - 3 * 86_400_000 }, Date.now());
 * // { canSend: true, messagingType: 'MESSAGE_TAG', tag: 'CUSTOMER_FEEDBACK', closesAt: ... }
 * @param conversation - its platform, source and the customer's last message time
 * @param now - epoch milliseconds or a Date
 * @returns how to send, or why not
 */
export function surveyWindow(
  conversation: { platform: string; source: string; lastInboundAt: number | null },
  now: Date | number,
): SurveyWindow {
  const at = typeof now === 'number' ? now : now.getTime();
  if (conversation.platform !== 'messenger')
    return {
      canSend: false,
      reason: 'not_messenger',
      text: 'Satisfaction surveys are available on Messenger only',
      closesAt: null,
    };
  if (conversation.source !== 'message')
    return {
      canSend: false,
      reason: 'comment_thread',
      text: 'Surveys go to a Messenger thread, not under a comment',
      closesAt: null,
    };
  if (conversation.lastInboundAt === null)
    return {
      canSend: false,
      reason: 'no_customer_message',
      text: 'The customer has not written yet',
      closesAt: null,
    };
  const standardEnds = conversation.lastInboundAt + SURVEY_STANDARD_WINDOW_MS;
  const closesAt = conversation.lastInboundAt + SURVEY_TAG_WINDOW_MS;
  if (at < standardEnds) return { canSend: true, messagingType: 'RESPONSE', closesAt };
  if (at < closesAt)
    return { canSend: true, messagingType: 'MESSAGE_TAG', tag: 'CUSTOMER_FEEDBACK', closesAt };
  return {
    canSend: false,
    reason: 'window_closed',
    text: 'A survey can be sent up to 7 days after the customer’s last message',
    closesAt,
  };
}

/**
 * The score of a `messaging_feedback` answer, or undefined when it is not one of the type's scores
 * (Meta sends them as strings: "1" … "5" for CSAT).
 */
export function surveyScore(type: SurveyType, payload: unknown): number | undefined {
  const n =
    typeof payload === 'number' ? payload : typeof payload === 'string' ? Number(payload.trim()) : NaN;
  const scale = SURVEY_SCALES[type];
  if (typeof payload === 'string' && payload.trim() === '') return undefined;
  return Number.isInteger(n) && n >= scale.min && n <= scale.max ? n : undefined;
}

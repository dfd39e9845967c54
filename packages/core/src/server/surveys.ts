import { type PagedeskError, RuleViolationError, ValidationError, WindowClosedError } from '../errors.js';
import { randomId } from '../ids.js';
import type { Channel, Conversation } from '../model.js';
import { parseOrThrow } from '../parseOrThrow.js';
import { type SentSurvey, surveyDraftSchema } from '../survey.js';
import { surveyWindow } from '../surveyRules.js';
import type { SurveyDefaults } from './channels.types.js';

// The server half of satisfaction surveys: a draft plus the host's defaults → the survey stored on
// its message (so a retry sends the same template), and the platform's refusal as a typed error. The
// rule itself (Messenger only, 24 h then the CUSTOMER_FEEDBACK tag up to 7 days) is `surveyWindow`.

/** Who asks for a survey: the agent, when the host knows it. */
export interface SurveyAuthor {
  agentId?: string;
}

/** How the survey would go now, and the error that refuses it when it cannot. */
export function surveyRefusal(
  conversation: Pick<Conversation, 'platform' | 'source' | 'lastInboundAt'>,
  at: number,
): {
  window: { messagingType: 'RESPONSE' | 'MESSAGE_TAG' | null; tag?: string };
  error?: PagedeskError;
} {
  const w = surveyWindow(conversation, at);
  if (w.canSend)
    return { window: w.messagingType === 'MESSAGE_TAG' ? { messagingType: w.messagingType, tag: w.tag } : w };
  const error =
    w.reason === 'not_messenger' || w.reason === 'comment_thread'
      ? new RuleViolationError('survey_not_available', w.text)
      : new WindowClosedError(w.text, w.closesAt === null ? {} : { closedAt: w.closesAt });
  return { window: { messagingType: null }, error };
}

/** The survey to store and send: the host's defaults under the draft, validated, with a fresh question id. */
export function surveyFor(
  input: unknown,
  defaults: SurveyDefaults | undefined,
  channel?: Channel,
): { id: string; survey: SentSurvey } {
  const privacyUrl =
    typeof defaults?.privacyUrl === 'function'
      ? channel && defaults.privacyUrl(channel)
      : defaults?.privacyUrl;
  const merged =
    input !== null && typeof input === 'object' && !Array.isArray(input)
      ? { ...defaults, privacyUrl, ...input }
      : input;
  const draft = parseOrThrow(surveyDraftSchema, merged, 'survey');
  if (!draft.privacyUrl)
    throw new ValidationError('survey', [
      {
        path: 'privacyUrl',
        message:
          'Meta shows the business privacy policy with every survey: set createChannels({ surveys: { privacyUrl } })',
      },
    ]);
  // The message id doubles as the question id, so an answer finds the conversation it belongs to.
  const id = randomId('m');
  const { type, question, subtitle, expiresInDays } = draft;
  const survey: SentSurvey = {
    type,
    questionId: id,
    title: draft.title ?? 'How did we do?',
    buttonTitle: draft.buttonTitle ?? 'Rate us',
    privacyUrl: draft.privacyUrl,
    followUp: draft.followUp ?? true,
    ...(question === undefined ? {} : { question }),
    ...(subtitle === undefined ? {} : { subtitle }),
    ...(expiresInDays === undefined ? {} : { expiresInDays }),
  };
  return { id, survey };
}

'use client';

import { type Conversation, SURVEY_SCALES, type SurveyType, surveyWindow } from '@pagedesk/core';
import type { ReactNode } from 'react';
import { usePagedeskContext } from './context.js';
import { useSendSurvey } from './useSendSurvey.js';
import { useClockTick } from './useWindow.js';

// Satisfaction surveys in the kit: the customer's score as a badge (list rows and the conversation
// header) and the header action that sends one. Both read only public hooks and core's rule.

/** Props of {@link SurveyScore}. */
export interface SurveyScoreProps {
  conversation: Pick<Conversation, 'survey'>;
  className?: string;
}

/**
 * The customer's satisfaction-survey answer, e.g. "CSAT 4/5", with their comment as its title;
 * nothing before they answered.
 */
export function SurveyScore({ conversation, className }: SurveyScoreProps): ReactNode {
  const { messages: t } = usePagedeskContext('SurveyScore');
  const survey = conversation.survey;
  if (!survey) return null;
  const label = t.survey.score(survey.type.toUpperCase(), survey.score, SURVEY_SCALES[survey.type].max);
  return (
    <span
      className={`pd-badge pd-survey-score${className ? ` ${className}` : ''}`}
      data-survey-type={survey.type}
      title={survey.text ? `${label}: “${survey.text}”` : label}
    >
      {label}
    </span>
  );
}

/** Props of {@link SendSurveyButton}. */
export interface SendSurveyButtonProps {
  conversation: Pick<Conversation, 'id' | 'platform' | 'source' | 'lastInboundAt' | 'survey'>;
  /** Which score to ask for; default `csat`. */
  type?: SurveyType;
  className?: string;
}

/**
 * Sends a satisfaction survey. Shown on Messenger threads only; disabled, with the reason as its title,
 * once the 7 days after the customer's last message have passed; says when sending failed.
 */
export function SendSurveyButton(props: SendSurveyButtonProps): ReactNode {
  const { conversation } = props;
  const { messages: t, now } = usePagedeskContext('SendSurveyButton');
  // Re-read the server's clock when it jumps (the emulator's time travel, a wrong local clock found out).
  useClockTick('SendSurveyButton');
  const send = useSendSurvey(conversation.id);
  const window = surveyWindow(conversation, now());
  if (!window.canSend && (window.reason === 'not_messenger' || window.reason === 'comment_thread'))
    return null;
  const disabled = !window.canSend || send.isPending;
  return (
    <>
      <button
        type="button"
        className={`pd-button pd-send-survey${props.className ? ` ${props.className}` : ''}`}
        disabled={disabled}
        title={window.canSend ? undefined : window.text}
        onClick={() => send.mutate({ type: props.type ?? 'csat' })}
      >
        {send.isPending ? t.survey.sending : send.isSuccess ? t.survey.sent : t.survey.send}
      </button>
      {send.error ? (
        <span role="alert" className="pd-survey-error">
          {send.error.message || t.survey.failed}
        </span>
      ) : null}
    </>
  );
}

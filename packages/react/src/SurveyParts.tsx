'use client';

import type { Conversation, Message, SurveyType } from '@pagedesk/core';
import { SURVEY_SCALES, surveyWindow } from '@pagedesk/core/rules';
import type { ReactNode } from 'react';
import { usePagedeskContext } from './context.js';
import { useConversation } from './useConversation.js';
import { useSendSurvey } from './useSendSurvey.js';
import { useClockTick } from './useWindow.js';

// Satisfaction surveys in the kit: the customer's score as a badge (list rows and the conversation
// header), the header action that sends one, and the sent survey as a card in the thread. All read
// only public hooks and core's rule.

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

/** Props of {@link SurveyCard}. */
export interface SurveyCardProps {
  /** A message carrying a sent survey (`message.survey`); anything else renders nothing. */
  message: Pick<Message, 'conversationId' | 'survey'>;
  className?: string;
}

/**
 * A sent satisfaction survey as the thread shows it (the default message bubble uses it): "Satisfaction
 * survey sent", its heading and question, and once the customer answered it the score (with their
 * comment). The answer is the conversation's (`conversation.survey`), matched by question id, so an
 * older survey never shows a newer survey's score.
 *
 * @example
 * {message.survey ? <SurveyCard message={message} /> : <MessageText text={message.text} />}
 */
export function SurveyCard({ message, className }: SurveyCardProps): ReactNode {
  const { messages: t } = usePagedeskContext('SurveyCard');
  const { data: conversation } = useConversation(message.survey ? message.conversationId : undefined);
  const survey = message.survey;
  if (!survey) return null;
  const answer = conversation?.survey?.questionId === survey.questionId ? conversation.survey : undefined;
  const scale = SURVEY_SCALES[survey.type];
  return (
    <section
      className={`pd-survey-card${className ? ` ${className}` : ''}`}
      aria-label={t.survey.card}
      data-answered={answer ? true : undefined}
    >
      <p className="pd-survey-card-label">{t.survey.card}</p>
      <p className="pd-survey-card-title" dir="auto">
        {survey.title}
      </p>
      {survey.question ? (
        <p className="pd-survey-card-question" dir="auto">
          {survey.question}
        </p>
      ) : null}
      <p className="pd-survey-card-answer">
        {answer ? (
          <>
            <SurveyScore conversation={{ survey: answer }} />
            {answer.text ? (
              <q className="pd-survey-card-comment" dir="auto">
                {answer.text}
              </q>
            ) : null}
          </>
        ) : (
          <span className="pd-survey-card-scale">
            {t.survey.scale(survey.type.toUpperCase(), scale.min, scale.max)}
          </span>
        )}
      </p>
    </section>
  );
}

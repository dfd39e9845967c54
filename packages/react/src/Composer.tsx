'use client';

import type { Message } from '@pagedesk/core';
import type { ReactNode, RefObject } from 'react';
import {
  ComposerAttachFiles,
  ComposerAttachments,
  ComposerInput,
  ComposerQuickReplies,
  ComposerRoot,
  ComposerSend,
  ComposerStatus,
  useComposerContext,
} from './ComposerParts.js';
import { usePagedeskContext } from './context.js';
import { CloseIcon } from './Icons.js';
import { ReplyModeChoice } from './ReplyModeChoice.js';
import { TemplatePicker } from './TemplatePicker.js';
import { useFormat } from './useFormat.js';

/** A text snippet offered in the composer's template menu, inserted into the box to edit. */
export interface ComposerTemplate {
  id: string;
  name: string;
  text: string;
}

/** Props of {@link Composer}. */
export interface ComposerProps {
  conversationId: string;
  /** The message being quoted (controlled); `onCancelQuote` clears it. */
  quoted?: Message | null;
  onCancelQuote?: () => void;
  /** Text snippets the agent can insert (and edit) before sending. */
  templates?: ComposerTemplate[];
  /**
   * Offer the reply-template picker (button, or `/` in an empty box) over the transport's templates
   * (`useTemplates`). Default: when the transport lists templates.
   */
  templatePicker?: boolean;
  /** Let the agent add quick-reply buttons. Default true. */
  allowQuickReplies?: boolean;
  /** Offer "Take thread" while another app (a bot) holds the Messenger thread. Default false. */
  allowTakeThread?: boolean;
  /** The text, controlled; leave it out for a per-conversation draft kept in this browser. */
  text?: string;
  /** Called with every change of the text. */
  onTextChange?: (text: string) => void;
  /** Called with the server's messages after a successful send. */
  onSent?: (messages: Message[]) => void;
  /** Move focus to the textarea once replying is possible (when a conversation opens). */
  autoFocus?: boolean;
  /** Receives the textarea, so a host (or `<Inbox>`) can focus it. */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  className?: string;
}

// Everything of the default box that is not a public part, reading the root's state once.
function DefaultBody(props: {
  templates: ComposerTemplate[] | undefined;
  pickerShown: boolean;
  allowQuickReplies: boolean;
  autoFocus: boolean;
}): ReactNode {
  const { composer, ids, inputRef, dragging } = useComposerContext('Composer');
  const { messages: t } = usePagedeskContext('Composer');
  const format = useFormat();
  const { quoted, problems, sendError, tooLong, split, length, disabled, window } = composer;
  const { templates } = props;
  return (
    <>
      <ComposerStatus />
      {composer.isComment && window ? (
        <ReplyModeChoice
          mode={composer.replyMode}
          privateAvailable={window.privateReply}
          onChange={composer.setReplyMode}
          disabled={disabled}
        />
      ) : null}
      {quoted ? (
        <div className="pd-composer-quote">
          <span className="pd-muted">{t.composer.replyingTo}</span>
          <span className="pd-composer-quote-text" dir="auto">
            {quoted.text ?? quoted.attachments[0]?.name ?? ''}
          </span>
          <button
            type="button"
            className="pd-icon-button"
            aria-label={t.composer.cancelReply}
            onClick={composer.cancelQuote}
          >
            <CloseIcon />
          </button>
        </div>
      ) : null}
      {dragging ? <div className="pd-drop-hint">{t.composer.dropHere}</div> : null}
      <ComposerInput {...(props.autoFocus ? { autoFocus: true } : {})} />
      <ComposerAttachments />
      {props.allowQuickReplies ? <ComposerQuickReplies /> : null}
      {problems.length > 0 || sendError ? (
        <div className="pd-problems" id={ids.problems} role="alert">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
          {sendError && problems.length === 0 ? <p>{t.composer.sendFailed}</p> : null}
        </div>
      ) : null}
      <div className="pd-composer-bar">
        <ComposerAttachFiles />
        {templates?.length && !disabled ? (
          <select
            className="pd-select pd-templates"
            aria-label={t.composer.templates}
            value=""
            onChange={(e) => {
              const template = templates.find((x) => x.id === e.target.value);
              if (!template) return;
              composer.setText((current) =>
                current ? `${current}${current.endsWith('\n') ? '' : '\n'}${template.text}` : template.text,
              );
              inputRef.current?.focus();
            }}
          >
            <option value="">{t.composer.templates}</option>
            {templates.map((template) => (
              <option key={template.id} value={template.id}>
                {template.name}
              </option>
            ))}
          </select>
        ) : null}
        {props.pickerShown ? <TemplatePicker /> : null}
        {tooLong ? (
          <label className="pd-check">
            <input type="checkbox" checked={split} onChange={(e) => composer.setSplit(e.target.checked)} />
            {t.composer.split}
          </label>
        ) : null}
        <span className="pd-spacer" />
        <span
          className="pd-counter"
          id={ids.counter}
          data-over={tooLong || undefined}
          aria-live={tooLong ? 'polite' : 'off'}
        >
          {t.composer.counter(format.number(length.length), format.number(length.limit))}
          {length.unit === 'bytes' ? ` ${t.composer.bytes}` : null}
          {tooLong && !split ? (
            <span className="pd-sr-only">
              {' '}
              {t.composer.tooLong(format.number(length.limit), length.unit === 'bytes')}
            </span>
          ) : null}
          {tooLong && split ? <span> · {t.composer.splitInto(composer.splitCount)}</span> : null}
        </span>
        <ComposerSend />
      </div>
      <p className="pd-hint" id={ids.hint}>
        {t.composer.hint}
      </p>
    </>
  );
}

// The default reply box, assembled from the parts; exported below with the parts as properties.
function ComposerDefault(props: ComposerProps): ReactNode {
  const { templates, templatePicker, allowQuickReplies, autoFocus, ...root } = props;
  const pickerShown = useTemplatePickerShown(templatePicker);
  return (
    <ComposerRoot {...root}>
      <DefaultBody
        templates={templates}
        pickerShown={pickerShown}
        allowQuickReplies={allowQuickReplies !== false}
        autoFocus={autoFocus === true}
      />
    </ComposerRoot>
  );
}

function useTemplatePickerShown(wanted: boolean | undefined): boolean {
  const { transport } = usePagedeskContext('Composer');
  return wanted ?? typeof transport.listTemplates === 'function';
}

/**
 * The reply box. Window-aware (the tier with a live countdown; the human-agent notice; blocked with
 * the reason once closed, while the customer is blocked or while another app holds the thread),
 * counts characters against the channel's rule with an option to split, takes attachments by
 * picker, drag-and-drop and paste (each checked against the attachment rules and uploaded at once),
 * quoted replies, reply templates (`/`) and quick replies. Enter sends, Shift+Enter breaks a line.
 * Built from parts a host can assemble differently inside `Composer.Root` (state and context):
 * `Status`, `Input`, `Attachments`, `AttachFiles`, `QuickReplies`, `TemplatePicker`, `Send`
 * (also exported as `ComposerRoot`, `ComposerInput`...), or replaced whole with `useComposer()`.
 *
 * @example
 * <Composer conversationId={id} allowTakeThread />
 */
export const Composer = Object.assign(ComposerDefault, {
  Root: ComposerRoot,
  Status: ComposerStatus,
  Input: ComposerInput,
  Attachments: ComposerAttachments,
  AttachFiles: ComposerAttachFiles,
  QuickReplies: ComposerQuickReplies,
  TemplatePicker,
  Send: ComposerSend,
});

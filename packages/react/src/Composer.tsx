'use client';

import {
  type AttachmentCheck,
  checkAttachment,
  type Message,
  planReply,
  type Rules,
  rulesFor,
  rulesFromSettings,
  splitText,
  type UploadedFile,
} from '@pagedesk/core';
import {
  type ClipboardEvent,
  type DragEvent,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { displayName } from './bidi.js';
import { ComposerWindow, channelDown } from './ComposerWindow.js';
import { usePagedeskContext } from './context.js';
import { CloseIcon, PaperclipIcon, SendIcon } from './Icons.js';
import { QuickReplyEditor } from './QuickReplyEditor.js';
import { effectiveReplyMode, type ReplyMode, ReplyModeChoice } from './ReplyModeChoice.js';
import { PagedeskRoot } from './Root.js';
import { replyLength } from './replyLength.js';
import { useChannels } from './useChannels.js';
import { useConversation } from './useConversation.js';
import { useDraft } from './useDraft.js';
import { useFormat } from './useFormat.js';
import { useSendMessage } from './useSendMessage.js';
import { useTypingNotice } from './useTypingNotice.js';
import { useWindow } from './useWindow.js';

/** A canned reply offered in the composer's template menu. */
export interface ReplyTemplate {
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
  /** Canned replies (text bubbles) the agent can insert. */
  templates?: ReplyTemplate[];
  /** Let the agent add quick-reply buttons. Default true. */
  allowQuickReplies?: boolean;
  /** Called with the server's messages after a successful send. */
  onSent?: (messages: Message[]) => void;
  /** Move focus to the textarea once replying is possible (when a conversation opens). */
  autoFocus?: boolean;
  /** Receives the textarea, so a host (or `<Inbox>`) can focus it. */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  className?: string;
}

interface PendingFile {
  key: string;
  file: File;
  check: AttachmentCheck;
  status: 'uploading' | 'ready' | 'error' | 'invalid';
  uploaded?: UploadedFile;
}

/**
 * The reply box. Window-aware (the tier with a live countdown; the human-agent notice; blocked with
 * the reason once closed), counts characters against the channel's rule with an option to split,
 * takes attachments by picker, drag-and-drop and paste (each checked against the attachment rules and
 * uploaded at once), quoted replies, templates and quick replies. Enter sends, Shift+Enter breaks a line.
 *
 * @example
 * <Composer conversationId={id} templates={[{ id: 'hi', name: 'Greeting', text: 'Hi! How can I help?' }]} />
 */
export function Composer(props: ComposerProps): ReactNode {
  const { conversationId } = props;
  const { messages: t, transport } = usePagedeskContext('Composer');
  const format = useFormat();
  const { data: conversation } = useConversation(conversationId);
  const { data: channels } = useChannels();
  const channel = channels?.find((c) => c.id === conversation?.channelId);
  const rules: Rules = useMemo(
    () => (channel ? rulesFromSettings(channel) : rulesFor(conversation?.platform ?? 'messenger')),
    [channel, conversation?.platform],
  );
  const { window, remainingMs } = useWindow(conversation, channel);
  const { send, error } = useSendMessage(conversationId);
  const [text, setText] = useDraft(conversationId);
  const [split, setSplit] = useState(false);
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [quickReplies, setQuickReplies] = useState<string[]>([]);
  const [chosenMode, setChosenMode] = useState<ReplyMode | null>(null);
  const [dragging, setDragging] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const ownInput = useRef<HTMLTextAreaElement>(null);
  const inputRef = props.inputRef ?? ownInput;
  const typingNotice = useTypingNotice(conversationId);
  const ids = { hint: useId(), counter: useId(), window: useId(), problems: useId() };

  const isComment = conversation?.source === 'comment';
  const replyMode = isComment ? effectiveReplyMode(chosenMode, Boolean(window?.privateReply)) : null;
  const publicReply = replyMode === 'public';
  const closed = !window?.canReply || channelDown(channel);
  const focusedFor = useRef<string | null>(null);
  useEffect(() => {
    // The textarea is disabled until the window is known, so focus waits for it to open.
    if (!props.autoFocus || closed || focusedFor.current === conversationId) return;
    focusedFor.current = conversationId;
    inputRef.current?.focus();
  }, [props.autoFocus, closed, conversationId, inputRef]);
  // A closed window is said once, by the window line (and the failed bubble): never again as an error.
  const sendError = error && error.code !== 'window_closed' ? error : null;
  const measured = replyLength(text, rules, conversation?.platform);
  const tooLong = text.trim() !== '' && measured.tooLong;
  const parts = tooLong && split ? splitText(text, rules).filter((p) => p.trim() !== '').length : 1;
  const uploading = files.some((f) => f.status === 'uploading');
  const ready = files
    .filter((f) => f.status === 'ready' && f.uploaded)
    .map((f) => f.uploaded as UploadedFile);
  const blockedFiles = files.some((f) => f.status === 'invalid' || f.status === 'error');
  const canSend =
    !closed &&
    (!isComment || replyMode !== null) &&
    !uploading &&
    !blockedFiles &&
    (text.trim() !== '' || ready.length > 0) &&
    (!tooLong || split);

  const addFiles = (list: FileList | File[] | null | undefined) => {
    if (!list) return;
    const added: PendingFile[] = Array.from(list).map((file) => ({
      key: `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`,
      file,
      check: checkAttachment(
        { name: file.name, type: file.type, size: file.size },
        { direction: 'outbound', rules },
      ),
      status: 'uploading',
    }));
    for (const entry of added) {
      if (!entry.check.ok) entry.status = 'invalid';
    }
    setFiles((current) => [...current, ...added]);
    for (const entry of added) {
      if (entry.status !== 'uploading') continue;
      transport.uploadFile(entry.file, entry.file.name).then(
        (uploaded) =>
          setFiles((current) =>
            current.map((f) => (f.key === entry.key ? { ...f, status: 'ready', uploaded } : f)),
          ),
        () =>
          setFiles((current) => current.map((f) => (f.key === entry.key ? { ...f, status: 'error' } : f))),
      );
    }
  };

  const submit = () => {
    if (!canSend) return;
    const plan = planReply(
      {
        ...(text.trim() ? { text } : {}),
        attachments: ready.map((f) => ({ name: f.name, type: f.type, size: f.size, url: f.url })),
      },
      { rules, split },
    );
    if (!plan.ok) {
      setProblems(plan.problems.map((p) => p.message));
      return;
    }
    setProblems([]);
    const replies = quickReplies.map((title) => ({ title, payload: title }));
    // The composer empties at once: the optimistic bubble (pending, then sent or failed with retry)
    // carries the reply from here.
    send({
      ...(text.trim() ? { text } : {}),
      ...(ready.length ? { attachments: ready } : {}),
      ...(props.quoted ? { replyToMessageId: props.quoted.id } : {}),
      ...(replies.length && text.trim() ? { quickReplies: replies } : {}),
      ...(tooLong && split ? { split: true } : {}),
      ...(publicReply ? { publicReply: true } : {}),
    }).then(
      (messages) => props.onSent?.(messages),
      () => {},
    );
    setText('');
    setFiles([]);
    setQuickReplies([]);
    setSplit(false);
    props.onCancelQuote?.();
    typingNotice.sent();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (event.clipboardData.files.length === 0) return;
    event.preventDefault();
    addFiles(event.clipboardData.files);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (!closed) addFiles(event.dataTransfer.files);
  };

  return (
    <PagedeskRoot className={`pd-composer${props.className ? ` ${props.className}` : ''}`}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: drop target; the picker button is the keyboard path */}
      <div
        className="pd-composer-box"
        data-dragging={dragging || undefined}
        data-state={window?.state}
        onDragOver={(e) => {
          if (closed) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <ComposerWindow
          id={ids.window}
          window={window}
          remainingMs={remainingMs}
          channel={channel}
          isComment={isComment}
        />
        {isComment && window ? (
          <ReplyModeChoice
            mode={replyMode}
            privateAvailable={window.privateReply}
            onChange={setChosenMode}
            disabled={closed}
          />
        ) : null}
        {props.quoted ? (
          <div className="pd-composer-quote">
            <span className="pd-muted">{t.composer.replyingTo}</span>
            <span className="pd-composer-quote-text" dir="auto">
              {props.quoted.text ?? props.quoted.attachments[0]?.name ?? ''}
            </span>
            <button
              type="button"
              className="pd-icon-button"
              aria-label={t.composer.cancelReply}
              onClick={props.onCancelQuote}
            >
              <CloseIcon />
            </button>
          </div>
        ) : null}
        {dragging ? <div className="pd-drop-hint">{t.composer.dropHere}</div> : null}
        <textarea
          // @types/react 18 compares RefObject<T | null> and the RefObject<T> a ref takes by variance.
          ref={inputRef as RefObject<HTMLTextAreaElement>}
          className="pd-textarea"
          dir="auto"
          aria-label={t.composer.label}
          aria-describedby={[window ? ids.window : '', ids.counter, ids.hint].filter(Boolean).join(' ')}
          aria-invalid={tooLong && !split ? true : undefined}
          placeholder={closed ? t.composer.placeholderClosed : t.composer.placeholder}
          disabled={closed}
          rows={3}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value) typingNotice.typed();
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        {files.length > 0 ? (
          <ul className="pd-composer-files" aria-label={t.composer.attach}>
            {files.map((f) => (
              <li key={f.key} className="pd-file-chip" data-status={f.status}>
                <bdi className="pd-file-name">{displayName(f.file.name)}</bdi>
                {f.status === 'uploading' ? <span className="pd-muted">{t.composer.uploading}</span> : null}
                {f.status === 'invalid' && !f.check.ok ? (
                  <span className="pd-problem" role="alert">
                    {f.check.message}
                  </span>
                ) : null}
                {f.status === 'error' ? (
                  <span className="pd-problem" role="alert">
                    {t.composer.uploadFailed(f.file.name)}
                  </span>
                ) : null}
                <button
                  type="button"
                  className="pd-icon-button"
                  aria-label={t.composer.removeAttachment(f.file.name)}
                  onClick={() => setFiles((current) => current.filter((x) => x.key !== f.key))}
                >
                  <CloseIcon />
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {props.allowQuickReplies === false || closed ? null : (
          <QuickReplyEditor value={quickReplies} onChange={setQuickReplies} />
        )}
        {problems.length > 0 || sendError ? (
          <div className="pd-problems" id={ids.problems} role="alert">
            {problems.map((p) => (
              <p key={p}>{p}</p>
            ))}
            {sendError && problems.length === 0 ? <p>{t.composer.sendFailed}</p> : null}
          </div>
        ) : null}
        <div className="pd-composer-bar">
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            tabIndex={-1}
            onChange={(e) => {
              addFiles(e.target.files);
              e.target.value = '';
            }}
          />
          <button
            type="button"
            className="pd-icon-button"
            aria-label={t.composer.attach}
            disabled={closed}
            onClick={() => fileInput.current?.click()}
          >
            <PaperclipIcon />
          </button>
          {props.templates?.length && !closed ? (
            <select
              className="pd-select pd-templates"
              aria-label={t.composer.templates}
              value=""
              onChange={(e) => {
                const template = props.templates?.find((x) => x.id === e.target.value);
                if (!template) return;
                setText((current) =>
                  current ? `${current}${current.endsWith('\n') ? '' : '\n'}${template.text}` : template.text,
                );
                inputRef.current?.focus();
              }}
            >
              <option value="">{t.composer.templates}</option>
              {props.templates.map((template) => (
                <option key={template.id} value={template.id}>
                  {template.name}
                </option>
              ))}
            </select>
          ) : null}
          {tooLong ? (
            <label className="pd-check">
              <input type="checkbox" checked={split} onChange={(e) => setSplit(e.target.checked)} />
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
            {t.composer.counter(format.number(measured.length), format.number(measured.limit))}
            {measured.unit === 'bytes' ? ` ${t.composer.bytes}` : null}
            {tooLong && !split ? (
              <span className="pd-sr-only">
                {' '}
                {t.composer.tooLong(format.number(measured.limit), measured.unit === 'bytes')}
              </span>
            ) : null}
            {tooLong && split ? <span> · {t.composer.splitInto(parts)}</span> : null}
          </span>
          <button type="button" className="pd-button pd-button-primary" disabled={!canSend} onClick={submit}>
            <SendIcon />
            <span>{t.composer.send}</span>
          </button>
        </div>
        <p className="pd-hint" id={ids.hint}>
          {t.composer.hint}
        </p>
      </div>
    </PagedeskRoot>
  );
}

'use client';

import { PagedeskError } from '@pagedesk/core/rules';
import {
  type ButtonHTMLAttributes,
  type ClipboardEvent,
  createContext,
  type KeyboardEvent,
  type MutableRefObject,
  type ReactNode,
  type RefObject,
  type TextareaHTMLAttributes,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { displayName } from './bidi.js';
import { ComposerWindow } from './ComposerWindow.js';
import { usePagedeskContext } from './context.js';
import { CloseIcon, PaperclipIcon, SendIcon } from './Icons.js';
import { QuickReplyEditor } from './QuickReplyEditor.js';
import { PagedeskRoot } from './Root.js';
import { type UseComposerOptions, type UseComposerResult, useComposer } from './useComposer.js';
import { useThreadControl } from './useThreadControl.js';

/** What the parts inside `<Composer.Root>` share: the composer's state and the ids that tie them. */
export interface ComposerContextValue {
  composer: UseComposerResult;
  /** Element ids the input's `aria-describedby` points at. */
  ids: { hint: string; counter: string; window: string; problems: string };
  /** The textarea, so parts (the template picker) can give focus back to it. */
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** Whether the template picker is open, and opening or closing it (`/` in an empty input opens it). */
  picker: { open: boolean; setOpen: (open: boolean) => void; available: MutableRefObject<boolean> };
  /** Offer "Take thread" while another app holds it. */
  allowTakeThread: boolean;
  /** Files are being dragged over the composer. */
  dragging: boolean;
}

const ComposerContext = createContext<ComposerContextValue | null>(null);

/**
 * The state of the `<Composer.Root>` around a part: what a host's own part reads.
 *
 * @example
 * function CharactersLeft() {
 *   const { composer } = useComposerContext();
 *   return <span>{composer.length.limit - composer.length.length}</span>;
 * }
 */
export function useComposerContext(part = 'useComposerContext'): ComposerContextValue {
  const value = useContext(ComposerContext);
  if (!value) throw new PagedeskError('missing_composer_root', `${part} must be used inside <Composer.Root>`);
  return value;
}

/** Props of {@link ComposerRoot}. */
export interface ComposerRootProps extends UseComposerOptions {
  children?: ReactNode;
  className?: string;
  /** Receives the textarea, so a host (or `<Inbox>`) can focus it. */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  /** Offer "Take thread" while another app (a bot) holds the Messenger thread. Default false. */
  allowTakeThread?: boolean;
}

/**
 * Holds one conversation's composer ({@link useComposer}) for the parts inside it, and is the drop
 * target for files. Its box carries `data-state` (the window's tier), `data-dragging` and
 * `data-blocked` (why replying is blocked) for styling.
 *
 * @example
 * <Composer.Root conversationId={id}>
 *   <Composer.Status />
 *   <Composer.Input />
 *   <Composer.Send />
 * </Composer.Root>
 */
export function ComposerRoot(props: ComposerRootProps): ReactNode {
  const { children, className, allowTakeThread = false, ...options } = props;
  const composer = useComposer(options);
  const hint = useId();
  const counter = useId();
  const windowId = useId();
  const problems = useId();
  const ownInput = useRef<HTMLTextAreaElement>(null);
  const inputRef = props.inputRef ?? ownInput;
  const [pickerOpen, setPickerOpen] = useState(false);
  const [dragging, setDragging] = useState(false);
  const available = useRef(false);
  // A new value each render: the composer's state is new each render too.
  const value: ComposerContextValue = {
    composer,
    ids: { hint, counter, window: windowId, problems },
    inputRef,
    picker: { open: pickerOpen, setOpen: setPickerOpen, available },
    allowTakeThread,
    dragging,
  };
  const { disabled, block, window } = composer;
  return (
    <ComposerContext.Provider value={value}>
      <PagedeskRoot className={`pd-composer${className ? ` ${className}` : ''}`}>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: drop target; the picker button is the keyboard path */}
        <div
          className="pd-composer-box"
          data-dragging={dragging || undefined}
          data-state={window?.state}
          data-blocked={block?.reason}
          onDragOver={(e) => {
            if (disabled) return;
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            if (!disabled) composer.addFiles(e.dataTransfer.files);
          }}
        >
          {children}
        </div>
      </PagedeskRoot>
    </ComposerContext.Provider>
  );
}

/**
 * The status line: the window's tier and countdown, or why replying is blocked (channel down,
 * customer blocked, thread held by another app, with "Take thread" when the root allows it).
 */
export function ComposerStatus(): ReactNode {
  const { composer, ids, allowTakeThread } = useComposerContext('Composer.Status');
  const thread = useThreadControl(composer.conversationId);
  const { block } = composer;
  const canTake = allowTakeThread && block?.reason === 'thread' && composer.channel?.platform === 'messenger';
  return (
    <ComposerWindow
      id={ids.window}
      window={composer.window}
      remainingMs={composer.remainingMs}
      channel={composer.channel}
      isComment={composer.isComment}
      block={block?.reason === 'customer' || block?.reason === 'thread' ? block : null}
      takeThread={
        canTake
          ? {
              run: () => thread.mutate({ action: 'take' }),
              pending: thread.isPending,
              failed: thread.isError,
            }
          : undefined
      }
    />
  );
}

/** Props of {@link ComposerInput}: a textarea's, less what the composer owns. */
export interface ComposerInputProps
  extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'defaultValue' | 'disabled'> {
  /** Move focus here once replying is possible (when a conversation opens). */
  autoFocus?: boolean;
}

/**
 * The reply's text. Enter sends, Shift+Enter breaks a line, pasted files are attached, and `/` in an
 * empty box opens the template picker when there is one.
 */
export function ComposerInput(props: ComposerInputProps): ReactNode {
  const { autoFocus, className, onKeyDown, onChange, onPaste, ...rest } = props;
  const { composer, ids, inputRef, picker } = useComposerContext('Composer.Input');
  const { messages: t } = usePagedeskContext('Composer.Input');
  const { conversationId, disabled } = composer;
  const focusedFor = useRef<string | null>(null);
  useEffect(() => {
    // The textarea is disabled until the window is known, so focus waits for it to open.
    if (!autoFocus || disabled || focusedFor.current === conversationId) return;
    focusedFor.current = conversationId;
    inputRef.current?.focus();
  }, [autoFocus, disabled, conversationId, inputRef]);
  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    onKeyDown?.(event);
    if (event.defaultPrevented || event.nativeEvent.isComposing) return;
    if (event.key === '/' && composer.text === '' && picker.available.current) {
      event.preventDefault();
      picker.setOpen(true);
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      composer.submit();
    }
  };
  const paste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    onPaste?.(event);
    if (event.defaultPrevented || event.clipboardData.files.length === 0) return;
    event.preventDefault();
    composer.addFiles(event.clipboardData.files);
  };
  return (
    <textarea
      // @types/react 18 compares RefObject<T | null> and the RefObject<T> a ref takes by variance.
      ref={inputRef as RefObject<HTMLTextAreaElement>}
      className={className ?? 'pd-textarea'}
      dir="auto"
      aria-label={t.composer.label}
      aria-describedby={[composer.window ? ids.window : '', ids.counter, ids.hint].filter(Boolean).join(' ')}
      aria-invalid={composer.tooLong && !composer.split ? true : undefined}
      placeholder={disabled ? t.composer.placeholderClosed : t.composer.placeholder}
      rows={3}
      {...rest}
      disabled={disabled}
      value={composer.text}
      onChange={(e) => {
        onChange?.(e);
        composer.setText(e.target.value);
        if (e.target.value) composer.typed();
      }}
      onKeyDown={keyDown}
      onPaste={paste}
    />
  );
}

/** The added files as chips: uploading, refused with the reason, or ready; each removable. */
export function ComposerAttachments(): ReactNode {
  const { composer } = useComposerContext('Composer.Attachments');
  const { messages: t } = usePagedeskContext('Composer.Attachments');
  if (composer.files.length === 0) return null;
  return (
    <ul className="pd-composer-files" aria-label={t.composer.attach}>
      {composer.files.map((f) => (
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
            onClick={() => composer.removeFile(f.key)}
          >
            <CloseIcon />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The paperclip button and its hidden file input. */
export function ComposerAttachFiles(): ReactNode {
  const { composer } = useComposerContext('Composer.AttachFiles');
  const { messages: t } = usePagedeskContext('Composer.AttachFiles');
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        onChange={(e) => {
          composer.addFiles(e.target.files);
          e.target.value = '';
        }}
      />
      <button
        type="button"
        className="pd-icon-button"
        aria-label={t.composer.attach}
        disabled={composer.disabled}
        onClick={() => fileInput.current?.click()}
      >
        <PaperclipIcon />
      </button>
    </>
  );
}

/** Quick-reply buttons under the reply (hidden while replying is blocked). */
export function ComposerQuickReplies(): ReactNode {
  const { composer } = useComposerContext('Composer.QuickReplies');
  if (composer.disabled) return null;
  return <QuickReplyEditor value={[...composer.quickReplies]} onChange={composer.setQuickReplies} />;
}

/** Props of {@link ComposerSend}. */
export type ComposerSendProps = Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'type' | 'onClick' | 'disabled'
>;

/** Sends the reply; disabled until it can be sent. Children replace the icon and label. */
export function ComposerSend(props: ComposerSendProps): ReactNode {
  const { children, className, ...rest } = props;
  const { composer, inputRef } = useComposerContext('Composer.Send');
  const { messages: t } = usePagedeskContext('Composer.Send');
  return (
    <button
      type="button"
      className={className ?? 'pd-button pd-button-primary'}
      {...rest}
      disabled={!composer.canSend}
      onClick={() => {
        composer.submit();
        // The emptied composer disables this button, which drops its focus on <body>: the keyboard
        // (and a screen reader's place) goes back to the reply box for the next message.
        inputRef.current?.focus();
      }}
    >
      {children ?? (
        <>
          <SendIcon />
          <span>{t.composer.send}</span>
        </>
      )}
    </button>
  );
}

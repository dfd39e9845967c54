'use client';

import { type ReactNode, useEffect, useRef } from 'react';
import { useComposerContext } from './ComposerParts.js';
import { usePagedeskContext } from './context.js';
import { lazyPart } from './lazyPart.js';

// The dialog's code (search, previews, filling variables) loads when the picker first opens, or
// earlier when the pointer or focus reaches its button.
const Popup = lazyPart('TemplatePickerPopup', () =>
  import('./onDemand.js').then((m) => m.TemplatePickerPopup),
);

/** Props of {@link TemplatePicker}. */
export interface TemplatePickerProps {
  className?: string;
}

/**
 * The reply-template picker inside `<Composer.Root>`: a button (or `/` typed in the empty reply box)
 * opens a searchable list of the templates meant for the conversation's channel. Keyboard-first
 * (type to search, ↑/↓, Home/End, Enter sends, Escape closes); each template is previewed with its
 * variables filled for this customer, and sent part by part, in order, through the normal send path.
 * Not offered on comment threads, which allow one private reply.
 *
 * @example
 * <Composer.Root conversationId={id}>
 *   <Composer.Input />
 *   <Composer.TemplatePicker />
 *   <Composer.Send />
 * </Composer.Root>
 */
export function TemplatePicker(props: TemplatePickerProps): ReactNode {
  const { composer, picker, inputRef } = useComposerContext('Composer.TemplatePicker');
  const { messages: t } = usePagedeskContext('Composer.TemplatePicker');
  const button = useRef<HTMLButtonElement>(null);
  const usable = !composer.disabled && !composer.isComment;
  const { available, open, setOpen } = picker;
  useEffect(() => {
    available.current = usable;
    return () => {
      available.current = false;
    };
  }, [available, usable]);
  const shown = open && usable;
  return (
    <span className={`pd-template-picker${props.className ? ` ${props.className}` : ''}`}>
      <button
        ref={button}
        type="button"
        className="pd-button pd-button-small"
        aria-haspopup="dialog"
        aria-expanded={shown}
        disabled={!usable}
        onPointerEnter={Popup.preload}
        onFocus={Popup.preload}
        onClick={() => setOpen(!open)}
      >
        {t.templatePicker.open}
      </button>
      {shown ? (
        <Popup
          onClose={(focusInput) => {
            setOpen(false);
            if (focusInput) inputRef.current?.focus();
          }}
        />
      ) : null}
    </span>
  );
}

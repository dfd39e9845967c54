'use client';

import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { usePagedeskContext } from './context.js';
import { CloseIcon } from './Icons.js';

/** Props of {@link Lightbox}. */
export interface LightboxProps {
  src: string;
  alt: string;
  onClose: () => void;
}

/**
 * A modal image viewer: a dialog that traps focus, closes on Escape or the close button, and gives
 * focus back to what opened it.
 */
export function Lightbox({ src, alt, onClose }: LightboxProps): ReactNode {
  const { messages: t, theme } = usePagedeskContext('Lightbox');
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => opener?.focus?.();
  }, []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab') return;
    const focusable = dialogRef.current?.querySelectorAll<HTMLElement>(
      'button, [href], [tabindex]:not([tabindex="-1"])',
    );
    if (!focusable || focusable.length === 0) return;
    const first = focusable[0] as HTMLElement;
    const last = focusable[focusable.length - 1] as HTMLElement;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
  // On the page's body: inside a message row (moved with a transform, clipped by the scroller) a
  // fixed-position viewer was cut to the row and sized like the thumbnail.
  return createPortal(
    <div className="pd-root" data-theme={theme}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the backdrop closes on click; Escape closes for keyboard users */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: Escape is handled on the dialog */}
      <div className="pd-lightbox-backdrop" onClick={onClose}>
        <div
          ref={dialogRef}
          className="pd-lightbox"
          role="dialog"
          aria-modal="true"
          aria-labelledby={titleId}
          onKeyDown={onKeyDown}
          onClick={(e) => e.stopPropagation()}
        >
          <h2 id={titleId} className="pd-sr-only">
            {t.attachments.lightbox}: {alt}
          </h2>
          <button
            ref={closeRef}
            type="button"
            className="pd-icon-button pd-lightbox-close"
            aria-label={t.attachments.close}
            onClick={onClose}
          >
            <CloseIcon />
          </button>
          <img className="pd-lightbox-image" src={src} alt={alt} />
        </div>
      </div>
    </div>,
    document.body,
  );
}

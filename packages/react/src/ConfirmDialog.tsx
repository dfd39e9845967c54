'use client';

import { type ReactNode, useEffect, useId, useRef } from 'react';
import { usePagedeskContext } from './context.js';

/**
 * An inline confirmation of a destructive action (disconnect a channel, block a customer): the
 * question, the action focused, and Cancel.
 */
export function ConfirmDialog({
  label,
  question,
  onConfirm,
  onCancel,
}: {
  /** The action, as its button reads. */
  label: string;
  question: string;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactNode {
  const { messages: t } = usePagedeskContext('ConfirmDialog');
  const id = useId();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div className="pd-confirm" role="alertdialog" aria-label={label} aria-describedby={id}>
      <p id={id}>{question}</p>
      <div className="pd-actions">
        <button ref={confirmRef} type="button" className="pd-button pd-button-danger" onClick={onConfirm}>
          {label}
        </button>
        <button type="button" className="pd-button" onClick={onCancel}>
          {t.channels.cancel}
        </button>
      </div>
    </div>
  );
}

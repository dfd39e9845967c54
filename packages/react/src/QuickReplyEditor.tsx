'use client';

import { type ReactNode, useId, useState } from 'react';
import { usePagedeskContext } from './context.js';
import { CloseIcon } from './Icons.js';
import { useFormat } from './useFormat.js';

// Meta's quick-reply limits: at most 13 per message, titles of at most 20 characters
// (https://developers.facebook.com/docs/messenger-platform/send-messages/quick-replies).
const QUICK_REPLY_LIMIT = 13;
const QUICK_REPLY_TITLE_MAX = 20;

/** The composer's quick-reply buttons: chips, and a title field that counts toward Meta's 20 characters. */
export function QuickReplyEditor(props: { value: string[]; onChange: (next: string[]) => void }): ReactNode {
  const { messages: t } = usePagedeskContext('Composer');
  const format = useFormat();
  const [draft, setDraft] = useState('');
  const counterId = useId();
  const { value: quickReplies, onChange } = props;
  const add = () => {
    const title = draft.trim();
    if (title && !quickReplies.includes(title)) onChange([...quickReplies, title]);
    setDraft('');
  };
  // Code points, as Meta counts them (an emoji is one).
  const length = [...draft].length;
  return (
    <div className="pd-quick-reply-editor">
      {quickReplies.length > 0 ? (
        <ul className="pd-quick-replies" aria-label={t.composer.quickReplies}>
          {quickReplies.map((title) => (
            <li key={title} className="pd-chip">
              {title}
              <button
                type="button"
                className="pd-icon-button"
                aria-label={t.composer.removeQuickReply(title)}
                onClick={() => onChange(quickReplies.filter((x) => x !== title))}
              >
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {quickReplies.length < QUICK_REPLY_LIMIT ? (
        <span className="pd-quick-reply-add">
          <input
            className="pd-input pd-input-small"
            aria-label={t.composer.quickReplyTitle}
            aria-describedby={counterId}
            placeholder={t.composer.quickReplyTitle}
            value={draft}
            onChange={(e) => setDraft([...e.target.value].slice(0, QUICK_REPLY_TITLE_MAX).join(''))}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              add();
            }}
          />
          <span
            className="pd-counter"
            id={counterId}
            data-over={length >= QUICK_REPLY_TITLE_MAX || undefined}
            aria-live={length >= QUICK_REPLY_TITLE_MAX ? 'polite' : 'off'}
          >
            {t.composer.counter(format.number(length), format.number(QUICK_REPLY_TITLE_MAX))}
          </span>
          <button type="button" className="pd-button pd-button-small" disabled={!draft.trim()} onClick={add}>
            {t.composer.addQuickReply}
          </button>
        </span>
      ) : (
        <span className="pd-muted">{t.composer.tooManyQuickReplies(QUICK_REPLY_LIMIT)}</span>
      )}
    </div>
  );
}

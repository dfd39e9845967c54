'use client';

import { type ReactNode, useMemo, useState } from 'react';
import { usePagedeskContext } from './context.js';
import { LinkSegments, linkifySegments, type TextSegment } from './Linkify.js';
import type { Formatters } from './useFormat.js';

// A pasted log or e-mail thread can be tens of thousands of characters. Laying out all of it is what
// made such a message slow to open (the browser shapes every line, again on each measure of the
// virtualised list), and it fills dozens of screens: a long text opens clipped, with a button for the rest.

/** How many characters of a long message show until the agent asks for the rest. */
export const CLIPPED_LENGTH = 2_000;
// Only texts clearly longer are clipped, so the button never hides just a few more words.
const CLIP_OVER = 2_500;
// A clip ends at a space or line break when there is one among the last characters before the limit.
const WORD_BREAK_WINDOW = 200;

/** The segments of the first `limit` characters: ends at a word break, never inside a link or a surrogate pair. */
export function clipSegments(segments: readonly TextSegment[], limit: number): TextSegment[] {
  const out: TextSegment[] = [];
  let left = limit;
  for (const segment of segments) {
    if (left <= 0) break;
    if (segment.type === 'link' || segment.text.length <= left) {
      // A link is kept whole: cutting it would point somewhere else.
      out.push(segment);
      left -= segment.text.length;
      continue;
    }
    const text = segment.text;
    const space = Math.max(text.lastIndexOf(' ', left), text.lastIndexOf('\n', left));
    let end = space > left - WORD_BREAK_WINDOW ? space : left;
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
    out.push({ type: 'text', text: text.slice(0, end).trimEnd() });
    break;
  }
  return out;
}

/**
 * A message's text with safe links; a text over 2,500 characters shows its first 2,000 and a button
 * for the whole of it.
 *
 * @example
 * <MessageText text={message.text} format={format} />
 */
export function MessageText({ text, format }: { text: string; format: Formatters }): ReactNode {
  const { messages: t } = usePagedeskContext('MessageText');
  const [whole, setWhole] = useState(false);
  const clipped = text.length > CLIP_OVER && !whole;
  // Rows re-render as the list measures them: the links are found once per text and clip.
  const segments = useMemo(() => {
    const all = linkifySegments(text);
    return clipped ? clipSegments(all, CLIPPED_LENGTH) : all;
  }, [text, clipped]);
  return (
    <>
      <p className="pd-message-text" dir="auto">
        <LinkSegments segments={segments} />
        {clipped ? '…' : null}
      </p>
      {text.length > CLIP_OVER ? (
        <button
          type="button"
          className="pd-button pd-button-small pd-text-more"
          aria-expanded={whole}
          onClick={() => setWhole(!whole)}
        >
          {whole ? t.messages.showLess : t.messages.showWhole(format.number(text.length))}
        </button>
      ) : null}
    </>
  );
}

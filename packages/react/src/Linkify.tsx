'use client';

import { Fragment, type ReactNode, useMemo } from 'react';
import { findLinks } from './findLinks.js';
import { safeLinkUrl } from './urls.js';

/** A piece of message text: plain, or a link with a vetted `href`. */
export type TextSegment = { type: 'text'; text: string } | { type: 'link'; text: string; href: string };

/**
 * Splits text into plain and link segments. Only http(s), mailto and tel links survive; every other
 * scheme stays plain text. The text itself is never parsed as HTML.
 *
 * @example
 * linkifySegments('see https://pagedesk.dev'); // [{ type: 'text', … }, { type: 'link', href: 'https://pagedesk.dev/', … }]
 */
export function linkifySegments(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let cursor = 0;
  for (const match of findLinks(text)) {
    const href = safeLinkUrl(match.href);
    if (!href) continue;
    if (match.start > cursor) out.push({ type: 'text', text: text.slice(cursor, match.start) });
    out.push({ type: 'link', text: text.slice(match.start, match.end), href });
    cursor = match.end;
  }
  if (cursor < text.length) out.push({ type: 'text', text: text.slice(cursor) });
  return out;
}

/**
 * Renders message text with safe links as React text nodes and `<a>` elements, never as HTML.
 *
 * @example
 * <Linkify text={message.text ?? ''} />
 */
export function Linkify({ text }: { text: string }): ReactNode {
  const segments = useMemo(() => linkifySegments(text), [text]);
  return <LinkSegments segments={segments} />;
}

/** Renders segments from {@link linkifySegments}: text nodes and `<a>` elements with their vetted `href`. */
export function LinkSegments({ segments }: { segments: readonly TextSegment[] }): ReactNode {
  return segments.map((segment, index) =>
    segment.type === 'text' ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: segments are derived from immutable text
      <Fragment key={index}>{segment.text}</Fragment>
    ) : (
      <a
        // biome-ignore lint/suspicious/noArrayIndexKey: segments are derived from immutable text
        key={index}
        className="pd-link"
        href={segment.href}
        target="_blank"
        rel="noopener noreferrer nofollow"
      >
        {segment.text}
      </a>
    ),
  );
}

import { ValidationError } from './errors.js';
import { metaRules, type Rules } from './rules.js';

// How length is counted. Meta documents `message.text` as "UTF-8, < 2000 characters" without saying
// what a character is (platform.md §3.6). Pagedesk counts UTF-16 code units (JavaScript's
// `string.length`, what a browser's `maxlength` counts): an emoji outside the BMP counts 2, a ZWJ
// family emoji counts every part. That count is never lower than a count of code points or of
// grapheme clusters, so a text that passes here passes whichever of those Meta applies.

/** The result of `checkText`. */
export interface TextCheck {
  /** The text can be sent as one message. */
  ok: boolean;
  /** Its length in UTF-16 code units. */
  length: number;
  /** The profile's `text.maxLength` (inclusive). */
  limit: number;
  /** Why not: `text_empty` (nothing but whitespace) or `text_too_long`. */
  code?: 'text_empty' | 'text_too_long';
}

function assertText(text: unknown): asserts text is string {
  if (typeof text !== 'string')
    throw new ValidationError('text', [{ path: 'text', message: 'expected a string' }]);
}

/**
 * Whether a text fits one message of the profile. Length is counted in UTF-16 code units (see above);
 * the limit is inclusive.
 *
 * @example
 * checkText('Hello'); // { ok: true, length: 5, limit: 2000 }
 * checkText('x'.repeat(1601), defineRules({ text: { maxLength: 1600 } })); // { ok: false, code: 'text_too_long', ... }
 */
export function checkText(text: string, rules: Rules = metaRules): TextCheck {
  assertText(text);
  const limit = rules.text.maxLength;
  const length = text.length;
  if (text.trim() === '') return { ok: false, length, limit, code: 'text_empty' };
  if (length > limit) return { ok: false, length, limit, code: 'text_too_long' };
  return { ok: true, length, limit };
}

type Segmenter = { segment(text: string): Iterable<{ index: number }> };
type SegmenterConstructor = new (
  locale?: string,
  options?: { granularity: 'grapheme' | 'sentence' },
) => Segmenter;
const SegmenterImpl = (Intl as unknown as { Segmenter?: SegmenterConstructor }).Segmenter;
let graphemes: Segmenter | undefined;
let sentences: Segmenter | undefined;

function isSurrogatePairMiddle(text: string, p: number): boolean {
  const before = text.charCodeAt(p - 1);
  const after = text.charCodeAt(p);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

function boundaries(text: string, granularity: 'grapheme' | 'sentence'): Uint8Array {
  const marks = new Uint8Array(text.length + 1);
  marks[text.length] = 1;
  if (SegmenterImpl) {
    let segmenter = granularity === 'grapheme' ? graphemes : sentences;
    if (!segmenter) {
      segmenter = new SegmenterImpl(undefined, { granularity });
      if (granularity === 'grapheme') graphemes = segmenter;
      else sentences = segmenter;
    }
    for (const { index } of segmenter.segment(text)) marks[index] = 1;
  } else if (granularity === 'grapheme') {
    // Without Intl.Segmenter (very old engines), code points are the best safe unit.
    for (let p = 0; p < text.length; p++) marks[p] = isSurrogatePairMiddle(text, p) ? 0 : 1;
  }
  return marks;
}

// Scheme URLs, www. hosts and bare domains with a path: a break inside one would make a link that
// does not work in either message.
const urlPattern =
  /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(?:[/?#:]\S*)?/gi;

function urlInterior(text: string): Uint8Array {
  const inside = new Uint8Array(text.length + 1);
  for (const match of text.matchAll(urlPattern)) {
    const end = match.index + match[0].length;
    for (let p = match.index + 1; p < end; p++) inside[p] = 1;
  }
  return inside;
}

const whitespace = /\s/;

/**
 * Splits a reply that is too long for one message into messages that each fit the profile's
 * `text.maxLength`. Parts concatenate back to exactly the input (whitespace stays at the end of the
 * part before a break). A break prefers the end of a sentence (when it keeps the part at least half
 * full), then a space between words; it never falls inside a grapheme cluster (a surrogate pair, an
 * emoji ZWJ sequence, a letter with combining marks) or a URL. Only a single word or URL longer than
 * the limit is broken inside, at a grapheme boundary (or, for a grapheme longer than the limit, at a
 * code point boundary).
 *
 * @returns the parts; `[text]` when it fits, `[]` for an empty string.
 * @throws ValidationError when `text` is not a string, or a limit of 1 meets a character outside the BMP.
 *
 * @example
 * splitText('First sentence. Second sentence.', defineRules({ text: { maxLength: 20 } }));
 * // ['First sentence. ', 'Second sentence.']
 */
export function splitText(text: string, rules: Rules = metaRules): string[] {
  assertText(text);
  const limit = rules.text.maxLength;
  if (text === '') return [];
  if (text.length <= limit) return [text];

  const grapheme = boundaries(text, 'grapheme');
  const sentence = boundaries(text, 'sentence');
  const inUrl = urlInterior(text);
  const isWordBreak = (p: number) => whitespace.test(text.charAt(p - 1)) && !whitespace.test(text.charAt(p));

  const parts: string[] = [];
  let start = 0;
  while (text.length - start > limit) {
    const max = start + limit;
    let sentenceCut = -1;
    let wordCut = -1;
    let graphemeCut = -1;
    let urlGraphemeCut = -1;
    let codePointCut = -1;
    for (let p = max; p > start; p--) {
      if (codePointCut < 0 && !isSurrogatePairMiddle(text, p)) codePointCut = p;
      if (!grapheme[p]) continue;
      if (urlGraphemeCut < 0) urlGraphemeCut = p;
      if (inUrl[p]) continue;
      if (graphemeCut < 0) graphemeCut = p;
      if (wordCut < 0 && isWordBreak(p)) wordCut = p;
      if (sentence[p]) {
        sentenceCut = p;
        break; // the latest sentence end; every word break after it was seen already
      }
    }
    let cut: number;
    if (sentenceCut > 0 && sentenceCut - start >= limit / 2) cut = sentenceCut;
    else if (wordCut > 0) cut = wordCut;
    else if (sentenceCut > 0) cut = sentenceCut;
    else if (graphemeCut > 0) cut = graphemeCut;
    else if (urlGraphemeCut > 0) cut = urlGraphemeCut;
    else if (codePointCut > 0) cut = codePointCut;
    else {
      throw new ValidationError('rules', [
        { path: 'text.maxLength', message: `${limit} is too small to hold one character of this text` },
      ]);
    }
    parts.push(text.slice(start, cut));
    start = cut;
  }
  parts.push(text.slice(start));
  return parts;
}

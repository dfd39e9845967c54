import { ValidationError } from './errors.js';
import { metaRules, type Rules } from './rules.js';

// How length is counted. Meta documents Messenger's `message.text` as "UTF-8, < 2000 characters"
// without saying what a character is. Pagedesk counts UTF-16 code units (JavaScript's
// `string.length`, what a browser's `maxlength` counts): an emoji outside the BMP counts 2, a ZWJ
// family emoji counts every part. That count is never lower than a count of code points or of
// grapheme clusters, so a text that passes here passes whichever of those Meta applies.
// Instagram counts bytes: "UTF-8 and 1000 bytes or less"
// (https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message), so a
// profile with `text.maxBytes` is also measured in UTF-8 bytes (an accented letter is 2, an emoji 4).

/** How a text measures against a profile's limit, for a composer's counter. */
export interface TextMeasure {
  /** How much of the limit the text uses, in `unit`. */
  used: number;
  /** The limit (inclusive), in `unit`. */
  limit: number;
  /** `bytes` (UTF-8) on a profile with `text.maxBytes` (Instagram) when bytes bind; `characters` (UTF-16 units) otherwise. */
  unit: 'characters' | 'bytes';
  /** `limit - used`; negative when over. */
  remaining: number;
}

/** The result of `checkText`. */
export interface TextCheck {
  /** The text can be sent as one message. */
  ok: boolean;
  /** Its size in `unit`: UTF-16 code units, or UTF-8 bytes where the profile counts bytes. */
  length: number;
  /** The binding limit (inclusive), in `unit`. */
  limit: number;
  unit: 'characters' | 'bytes';
  /** Why not: `text_empty` (nothing but whitespace) or `text_too_long`. */
  code?: 'text_empty' | 'text_too_long';
}

function assertText(text: unknown): asserts text is string {
  if (typeof text !== 'string')
    throw new ValidationError('text', [{ path: 'text', message: 'expected a string' }]);
}

/** UTF-8 bytes of one UTF-16 code unit at `i` (a surrogate pair is 4 on its high half, 0 on its low). */
function unitBytes(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff ? 4 : 3;
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = text.charCodeAt(i - 1);
    return prev >= 0xd800 && prev <= 0xdbff ? 0 : 3;
  }
  return 3;
}

/**
 * The UTF-8 byte length of a text, as Meta counts it on the wire (a lone surrogate counts as the 3
 * bytes of the replacement character it becomes).
 *
 * @example
 * utf8Length('héllo'); // 6
 * utf8Length('😀'); // 4
 */
export function utf8Length(text: string): number {
  assertText(text);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) bytes += unitBytes(text, i);
  return bytes;
}

/**
 * How a text measures against a profile: in UTF-8 bytes where the profile limits bytes and they bind
 * (Instagram), else in characters (UTF-16 code units). What a composer's counter shows.
 *
 * @param rules - the channel's profile, e.g. `rulesFor(channel.platform)`; Messenger's by default.
 * @returns `{ used, limit, unit, remaining }`.
 * @throws ValidationError when `text` is not a string.
 *
 * @example
 * measureText('Olá', rulesFor('instagram')); // { used: 4, limit: 1000, unit: 'bytes', remaining: 996 }
 * measureText('Olá'); // { used: 3, limit: 2000, unit: 'characters', remaining: 1997 }
 */
export function measureText(text: string, rules: Rules = metaRules): TextMeasure {
  assertText(text);
  const { maxLength, maxBytes } = rules.text;
  const chars = { used: text.length, limit: maxLength, unit: 'characters' as const };
  let measure: Omit<TextMeasure, 'remaining'> = chars;
  if (maxBytes !== undefined) {
    const bytes = { used: utf8Length(text), limit: maxBytes, unit: 'bytes' as const };
    // The limit the text is closest to (or furthest over) binds; bytes on a tie.
    if (bytes.used * chars.limit >= chars.used * bytes.limit) measure = bytes;
  }
  return { ...measure, remaining: measure.limit - measure.used };
}

/**
 * Whether a text fits one message of the profile: characters (UTF-16 code units) against
 * `text.maxLength`, and UTF-8 bytes against `text.maxBytes` where the profile has one (Instagram).
 * Limits are inclusive.
 *
 * @example
 * checkText('Hello'); // { ok: true, length: 5, limit: 2000, unit: 'characters' }
 * checkText('é'.repeat(600), rulesFor('instagram')); // { ok: false, length: 1200, limit: 1000, unit: 'bytes', code: 'text_too_long' }
 */
export function checkText(text: string, rules: Rules = metaRules): TextCheck {
  const { used, limit, unit } = measureText(text, rules);
  const over =
    text.length > rules.text.maxLength ||
    (rules.text.maxBytes !== undefined && utf8Length(text) > rules.text.maxBytes);
  if (text.trim() === '') return { ok: false, length: used, limit, unit, code: 'text_empty' };
  if (over) return { ok: false, length: used, limit, unit, code: 'text_too_long' };
  return { ok: true, length: used, limit, unit };
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
 * Splits a reply that is too long for one message into messages that each fit the profile:
 * `text.maxLength` characters and, where the profile counts bytes (Instagram), `text.maxBytes` UTF-8
 * bytes. Parts concatenate back to exactly the input (whitespace stays at the end of the
 * part before a break). A break prefers the end of a sentence (when it keeps the part at least half
 * full), then a space between words; it never falls inside a grapheme cluster (a surrogate pair, an
 * emoji ZWJ sequence, a letter with combining marks) or a URL. Only a single word or URL longer than
 * the limit is broken inside, at a grapheme boundary (or, for a grapheme longer than the limit, at a
 * code point boundary).
 *
 * @returns the parts; `[text]` when it fits, `[]` for an empty string.
 * @throws ValidationError when `text` is not a string, or a limit too small for one character of it.
 *
 * @example
 * splitText('First sentence. Second sentence.', defineRules({ text: { maxLength: 20 } }));
 * // ['First sentence. ', 'Second sentence.']
 * splitText(longPortugueseReply, rulesFor('instagram')); // parts of at most 1000 UTF-8 bytes each
 */
export function splitText(text: string, rules: Rules = metaRules): string[] {
  assertText(text);
  const limit = rules.text.maxLength;
  const maxBytes = rules.text.maxBytes;
  if (text === '') return [];
  // byteAt[p]: UTF-8 bytes of text.slice(0, p); only built when the profile counts bytes.
  let byteAt: Uint32Array | undefined;
  if (maxBytes !== undefined) {
    byteAt = new Uint32Array(text.length + 1);
    for (let i = 0; i < text.length; i++) byteAt[i + 1] = byteAt[i]! + unitBytes(text, i);
  }
  const fits = (from: number, to: number) =>
    to - from <= limit && (byteAt === undefined || byteAt[to]! - byteAt[from]! <= maxBytes!);
  if (fits(0, text.length)) return [text];

  const grapheme = boundaries(text, 'grapheme');
  const sentence = boundaries(text, 'sentence');
  const inUrl = urlInterior(text);
  const isWordBreak = (p: number) => whitespace.test(text.charAt(p - 1)) && !whitespace.test(text.charAt(p));

  const parts: string[] = [];
  let start = 0;
  while (!fits(start, text.length)) {
    let max = start + limit;
    if (byteAt !== undefined) {
      // The furthest end whose bytes still fit (byteAt is increasing: binary search).
      let lo = start;
      let hi = Math.min(max, text.length);
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (byteAt[mid]! - byteAt[start]! <= maxBytes!) lo = mid;
        else hi = mid - 1;
      }
      max = lo;
    }
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
    const span = max - start;
    let cut: number;
    if (sentenceCut > 0 && sentenceCut - start >= span / 2) cut = sentenceCut;
    else if (wordCut > 0) cut = wordCut;
    else if (sentenceCut > 0) cut = sentenceCut;
    else if (graphemeCut > 0) cut = graphemeCut;
    else if (urlGraphemeCut > 0) cut = urlGraphemeCut;
    else if (codePointCut > 0) cut = codePointCut;
    else {
      const path = byteAt !== undefined && max - start < limit ? 'text.maxBytes' : 'text.maxLength';
      throw new ValidationError('rules', [
        {
          path,
          message: `${path === 'text.maxBytes' ? maxBytes : limit} is too small to hold one character of this text`,
        },
      ]);
    }
    parts.push(text.slice(start, cut));
    start = cut;
  }
  parts.push(text.slice(start));
  return parts;
}

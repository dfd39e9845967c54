import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineRules } from '../defineRules.js';
import { ValidationError } from '../errors.js';
import { checkText, splitText } from '../text.js';

const limit = (maxLength: number) => defineRules({ text: { maxLength } });
const graphemeBoundaries = (text: string) => {
  const set = new Set<number>([text.length]);
  for (const { index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text))
    set.add(index);
  return set;
};
const cuts = (parts: string[]) => {
  const out: number[] = [];
  let at = 0;
  for (const part of parts.slice(0, -1)) {
    at += part.length;
    out.push(at);
  }
  return out;
};

describe('checkText', () => {
  it('is inclusive at the limit and counts UTF-16 code units', () => {
    expect(checkText('x'.repeat(2000))).toEqual({ ok: true, length: 2000, limit: 2000, unit: 'characters' });
    expect(checkText('x'.repeat(2001))).toEqual({
      ok: false,
      length: 2001,
      limit: 2000,
      unit: 'characters',
      code: 'text_too_long',
    });
    expect(checkText('😀')).toMatchObject({ length: 2 });
    expect(checkText('👨‍👩‍👧‍👦')).toMatchObject({ length: 11 });
    expect(checkText('x'.repeat(1600), limit(1600)).ok).toBe(true);
    expect(checkText('x'.repeat(1601), limit(1600)).ok).toBe(false);
  });

  it('refuses an empty or whitespace-only text, and a non-string', () => {
    expect(checkText('')).toMatchObject({ ok: false, code: 'text_empty' });
    expect(checkText(' \n\t')).toMatchObject({ ok: false, code: 'text_empty' });
    expect(() => checkText(42 as never)).toThrow(ValidationError);
  });
});

describe('splitText', () => {
  it('returns the text itself when it fits, and nothing for an empty string', () => {
    expect(splitText('Hello')).toEqual(['Hello']);
    expect(splitText('x'.repeat(2000))).toHaveLength(1);
    expect(splitText('')).toEqual([]);
  });

  it('prefers sentence ends, then spaces between words', () => {
    expect(splitText('First sentence. Second sentence.', limit(20))).toEqual([
      'First sentence. ',
      'Second sentence.',
    ]);
    expect(splitText('one two three four five', limit(10))).toEqual(['one two ', 'three ', 'four five']);
  });

  it('takes a word break over a sentence end that would leave a part less than half full', () => {
    const parts = splitText('Hi. aaaa bbbb cccc dddd eeee', limit(20));
    expect(parts[0]).toBe('Hi. aaaa bbbb cccc ');
  });

  it('never breaks a URL when the URL fits', () => {
    const url = 'https://example.com/orders/12345?ref=abc';
    const text = `Track it here ${url} and tell me`;
    for (let max = url.length; max < text.length; max++) {
      const parts = splitText(text, limit(max));
      expect(parts.some((p) => p.includes(url))).toBe(true);
      expect(parts.join('')).toBe(text);
    }
  });

  it('breaks a word longer than the limit only at grapheme boundaries', () => {
    const text = `${'👍🏽'.repeat(10)}`;
    const parts = splitText(text, limit(9));
    expect(parts.join('')).toBe(text);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(9);
    expect(parts[0]).toBe('👍🏽👍🏽');
  });

  it('falls back to code points for a grapheme longer than the limit, never splitting a surrogate pair', () => {
    const family = '👨‍👩‍👧‍👦';
    const parts = splitText(family, limit(4));
    expect(parts.join('')).toBe(family);
    for (const part of parts) expect(part).toBe(part.normalize()); // no lone surrogates
    for (const part of parts)
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(part)).toBe(false);
    expect(() => splitText('😀', limit(1))).toThrow(/text\.maxLength/);
  });

  const pieces = fc.constantFrom(
    'hello',
    'world',
    'ok',
    ' ',
    ' ',
    '  ',
    '\n',
    '. ',
    '! ',
    '? ',
    '😀',
    '👨‍👩‍👧‍👦',
    '🇫🇷',
    'é',
    'e\u0301',
    '👍🏽',
    '中文。',
    ' https://example.com/a?b=c ',
    ' www.pagedesk.dev/x ',
  );
  const texts = fc.array(pieces, { minLength: 0, maxLength: 80 }).map((a) => a.join(''));

  it('parts fit the limit, join back to the input, and cut only at grapheme boundaries outside URLs', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 30, max: 120 }), (text, max) => {
        const parts = splitText(text, limit(max));
        expect(parts.join('')).toBe(text);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(max);
          expect(part.length).toBeGreaterThan(0);
        }
        const boundaries = graphemeBoundaries(text);
        const urls = [...text.matchAll(/https:\/\/example\.com\/a\?b=c|www\.pagedesk\.dev\/x/g)];
        for (const cut of cuts(parts)) {
          expect(boundaries.has(cut)).toBe(true);
          for (const url of urls) expect(cut > url.index && cut < url.index + url[0].length).toBe(false);
        }
      }),
    );
  });

  it('splits long texts of any characters within the limit and losslessly', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 40, max: 200 }),
        (text, max) => {
          const parts = splitText(text, limit(max));
          expect(parts.join('')).toBe(text);
          for (const part of parts) expect(part.length).toBeLessThanOrEqual(max);
        },
      ),
    );
  });
});

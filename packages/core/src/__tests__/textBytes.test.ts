import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planReply } from '../attachments.js';
import { defineRules, rulesFor } from '../defineRules.js';
import { instagramRules, metaRules, withPlatformLimits } from '../rules.js';
import { checkText, measureText, splitText, utf8Length } from '../text.js';

// Instagram counts text in UTF-8 bytes ("UTF-8 and 1000 bytes or less"): check, measure and split by
// bytes there, by characters on Messenger.

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text).length;
const graphemeBoundaries = (text: string) => {
  const set = new Set<number>([0, text.length]);
  for (const { index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text))
    set.add(index);
  return set;
};

describe('utf8Length and measureText', () => {
  it('counts bytes as TextEncoder does', () => {
    for (const text of ['', 'a', 'é', '€', '😀', '👨‍👩‍👧‍👦', '中文', 'e\u0301', '🇫🇷'])
      expect(utf8Length(text)).toBe(bytesOf(text));
    expect(utf8Length('\uD800x')).toBe(4); // a lone surrogate becomes U+FFFD (3 bytes)
  });

  it('measures in bytes on Instagram and in characters on Messenger', () => {
    expect(measureText('Olá', instagramRules)).toEqual({
      used: 4,
      limit: 1000,
      unit: 'bytes',
      remaining: 996,
    });
    expect(measureText('Olá', metaRules)).toEqual({
      used: 3,
      limit: 2000,
      unit: 'characters',
      remaining: 1997,
    });
    expect(measureText('😀'.repeat(300), rulesFor('instagram'))).toMatchObject({
      used: 1200,
      remaining: -200,
    });
  });

  it('reports the limit that binds when a host narrows characters on Instagram', () => {
    const narrow = defineRules({ text: { maxLength: 900 } }, instagramRules);
    expect(measureText('a'.repeat(890), narrow)).toMatchObject({ used: 890, limit: 900, unit: 'characters' });
    expect(measureText('😀'.repeat(200), narrow)).toMatchObject({ used: 800, limit: 1000, unit: 'bytes' });
  });
});

describe('checkText by bytes', () => {
  it('is inclusive at 1000 bytes and refuses 1001', () => {
    expect(checkText('a'.repeat(1000), instagramRules)).toEqual({
      ok: true,
      length: 1000,
      limit: 1000,
      unit: 'bytes',
    });
    expect(checkText(`${'a'.repeat(999)}é`, instagramRules)).toMatchObject({
      ok: false,
      length: 1001,
      code: 'text_too_long',
      unit: 'bytes',
    });
    expect(checkText('é'.repeat(500), instagramRules).ok).toBe(true);
    expect(checkText('😀'.repeat(250), instagramRules).ok).toBe(true);
    expect(checkText(`😀${'😀'.repeat(250)}`, instagramRules).ok).toBe(false);
    // 1,500 bytes pass Messenger's 2000-character rule but not Instagram's.
    const reply = 'ç'.repeat(750);
    expect(checkText(reply, metaRules).ok).toBe(true);
    expect(checkText(reply, instagramRules).ok).toBe(false);
  });

  it('planReply refuses an over-limit Instagram text naming bytes, or splits it on request', () => {
    const text = 'ã'.repeat(750);
    const refused = planReply({ text }, { platform: 'instagram' });
    expect(refused).toMatchObject({
      ok: false,
      problems: [
        {
          code: 'text_too_long',
          limit: 1000,
          message: 'The text is 1500 bytes; one message can hold 1000 bytes.',
        },
      ],
    });
    const split = planReply({ text }, { platform: 'instagram', split: true });
    expect(split.ok && split.parts.map((p) => (p.type === 'text' ? bytesOf(p.text) : 0))).toEqual([
      1000, 500,
    ]);
  });

  it('withPlatformLimits keeps the byte limit under a host profile built for Messenger', () => {
    const host = defineRules({ text: { maxLength: 1600 } });
    expect(withPlatformLimits(host, 'instagram').text).toEqual({ maxLength: 1600, maxBytes: 1000 });
    expect(withPlatformLimits(host, 'messenger')).toBe(host);
    const stricter = defineRules({ text: { maxBytes: 500 } }, instagramRules);
    expect(withPlatformLimits(stricter, 'instagram')).toBe(stricter);
  });
});

describe('splitText by bytes', () => {
  it('cuts at the last word break within 1000 bytes', () => {
    const word = 'ação '; // 7 bytes
    const text = word.repeat(300).trim(); // 2099 bytes
    const parts = splitText(text, instagramRules);
    expect(parts.join('')).toBe(text);
    for (const part of parts) expect(bytesOf(part)).toBeLessThanOrEqual(1000);
    expect(parts[0]!.endsWith(' ')).toBe(true);
    expect(bytesOf(parts[0]!)).toBeGreaterThan(1000 - 7);
  });

  it('a run without spaces is cut at grapheme boundaries: 4-byte emoji never halved', () => {
    const text = '😀'.repeat(400); // 1600 bytes
    const parts = splitText(text, instagramRules);
    expect(parts).toEqual(['😀'.repeat(250), '😀'.repeat(150)]);
    const flags = '🇫🇷'.repeat(200); // 8 bytes each
    const flagParts = splitText(flags, instagramRules);
    expect(flagParts.map(bytesOf)).toEqual([1000, 600]);
    expect(flagParts.join('')).toBe(flags);
  });

  it('a text exactly at 1000 bytes stays whole; one byte more splits', () => {
    expect(splitText('é'.repeat(500), instagramRules)).toHaveLength(1);
    expect(splitText(`${'é'.repeat(500)}a`, instagramRules)).toHaveLength(2);
  });

  const pieces = fc.constantFrom(
    'hello',
    'ação',
    ' ',
    '. ',
    '\n',
    '😀',
    '👨‍👩‍👧‍👦',
    '🇫🇷',
    'e\u0301',
    '👍🏽',
    '中文。',
    'Привет',
    ' https://example.com/a?b=c ',
  );
  const texts = fc.array(pieces, { minLength: 0, maxLength: 700 }).map((a) => a.join(''));

  it('property: parts ≤ 1000 bytes, join back exactly, cut only at grapheme boundaries', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const parts = splitText(text, instagramRules);
        expect(parts.join('')).toBe(text);
        const boundaries = graphemeBoundaries(text);
        let at = 0;
        for (const part of parts) {
          expect(part.length).toBeGreaterThan(0);
          expect(bytesOf(part)).toBeLessThanOrEqual(1000);
          expect(part.length).toBeLessThanOrEqual(1000);
          at += part.length;
          expect(boundaries.has(at)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('property: any graphemes, any byte limit from 40 to 300', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 500 }),
        fc.integer({ min: 40, max: 300 }),
        (text, max) => {
          const rules = defineRules({ text: { maxBytes: max } }, instagramRules);
          const parts = splitText(text, rules);
          expect(parts.join('')).toBe(text);
          for (const part of parts) expect(bytesOf(part)).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: 150 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findLinks } from '../findLinks.js';
import { linkifySegments } from '../Linkify.js';
import { safeLinkUrl } from '../urls.js';

const linked = (text: string) => findLinks(text).map((l) => [text.slice(l.start, l.end), l.href]);

describe('findLinks', () => {
  it('finds scheme URLs, e-mail addresses, www hosts and bare domains with a known TLD', () => {
    expect(linked('go to https://pagedesk.dev/a?b=1#c or http://localhost:3000/x')).toEqual([
      ['https://pagedesk.dev/a?b=1#c', 'https://pagedesk.dev/a?b=1#c'],
      ['http://localhost:3000/x', 'http://localhost:3000/x'],
    ]);
    expect(linked('mail foo.bar+tag@shop.co.uk, call tel:+33123456789')).toEqual([
      ['foo.bar+tag@shop.co.uk', 'mailto:foo.bar+tag@shop.co.uk'],
      ['tel:+33123456789', 'tel:+33123456789'],
    ]);
    expect(linked('see www.example.org/path and acme.shop or café.fr')).toEqual([
      ['www.example.org/path', 'http://www.example.org/path'],
      ['acme.shop', 'http://acme.shop'],
      ['café.fr', 'http://café.fr'],
    ]);
  });

  it('leaves file names, versions and unknown TLDs as text', () => {
    expect(linked('open notes.txt with node.js 20.19, not a.b or x.invalidtld')).toEqual([]);
  });

  it('drops sentence punctuation and brackets the link did not open', () => {
    expect(linked('(see https://example.com/a). Or example.com! "www.example.org"')).toEqual([
      ['https://example.com/a', 'https://example.com/a'],
      ['example.com', 'http://example.com'],
      ['www.example.org', 'http://www.example.org'],
    ]);
    expect(linked('https://en.wikipedia.org/wiki/Foo_(bar)')).toEqual([
      ['https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ]);
  });

  it('does not start a link inside a word or an address', () => {
    expect(linked('a@b.com@c.com and user_name.example.com')).toEqual([['a@b.com', 'mailto:a@b.com']]);
  });

  it('returns ordered, non-overlapping links inside the text, and linkifySegments keeps every character', () => {
    const piece = fc.constantFrom(
      'https://a.example/x',
      'mailto:x@y.io',
      'x@y.io',
      'www.z.net',
      'example.com',
      'javascript:alert(1)',
      'data:text/html,x',
      ' ',
      '.',
      ',',
      '(',
      ')',
      '@',
      'é',
      'notes.txt',
      '<b>',
    );
    const text = fc.oneof(
      fc.array(piece, { maxLength: 20 }).map((parts) => parts.join('')),
      fc.string({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(text, (value) => {
        let cursor = 0;
        for (const link of findLinks(value)) {
          expect(link.start).toBeGreaterThanOrEqual(cursor);
          expect(link.end).toBeGreaterThan(link.start);
          expect(link.end).toBeLessThanOrEqual(value.length);
          cursor = link.end;
        }
        const segments = linkifySegments(value);
        expect(segments.map((s) => s.text).join('')).toBe(value);
        for (const s of segments) if (s.type === 'link') expect(safeLinkUrl(s.href)).toBe(s.href);
      }),
      { numRuns: 300 },
    );
  });
});

describe('findLinks on hostile text', () => {
  // Long runs that make a naive pattern backtrack (quadratic: several seconds at this size, over the
  // test timeout); bounded repetitions and skipping past a rejected host keep the scan linear.
  it('scans 100,000 characters of near-links without stalling, finding only real links', () => {
    const n = 100_000;
    for (const text of [
      'a'.repeat(n),
      'a.'.repeat(n / 2),
      'ab-c.'.repeat(n / 5),
      '_a.co/'.repeat(n / 6),
      `${'a.'.repeat(n / 2)}@`,
    ]) {
      expect(findLinks(text)).toEqual([]);
    }
    const real = `${'x'.repeat(n)} see pagedesk.dev`;
    expect(findLinks(real)).toEqual([{ start: n + 5, end: n + 17, href: 'http://pagedesk.dev' }]);
  });
});

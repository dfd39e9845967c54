import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../parseWebhook.js';
import { signBody, verifySignature } from '../signature.js';

describe('signature properties', () => {
  it('a body signed with one of the secrets verifies; any changed byte does not', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.nat(),
        (bytes, secrets, pick, flip) => {
          const body = Buffer.from(bytes);
          const header = signBody(body, secrets[pick % secrets.length] as string);
          expect(verifySignature(body, header, secrets)).toBe(true);
          const altered = Buffer.from(body);
          const i = flip % altered.length;
          altered[i] = (altered[i] as number) ^ 0x01;
          expect(verifySignature(altered, header, secrets)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

const item = fc.record({
  sender: fc.constantFrom('u1', 'u2', 'u3'),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_600_000_000_100 }),
  kind: fc.constantFrom('message', 'read', 'reaction', 'postback', 'future_thing'),
  n: fc.nat(1_000_000),
});

function toRaw(i: { sender: string; timestamp: number; kind: string; n: number }) {
  const base = { sender: { id: i.sender }, recipient: { id: 'P' }, timestamp: i.timestamp };
  switch (i.kind) {
    case 'message':
      return { ...base, message: { mid: `m${i.n}`, text: 't' } };
    case 'read':
      return { ...base, read: { watermark: i.n } };
    case 'reaction':
      return { ...base, reaction: { mid: `m${i.n}`, action: 'react', emoji: '👍' } };
    case 'postback':
      return { ...base, postback: { mid: `p${i.n}`, payload: 'x' } };
    default:
      return { ...base, future_thing: { n: i.n } };
  }
}

describe('parse properties', () => {
  it('any batch comes out complete, sorted (stable), with the same ids on every parse', () => {
    fc.assert(
      fc.property(fc.array(fc.array(item, { maxLength: 8 }), { maxLength: 6 }), (entries) => {
        const body = JSON.stringify({
          object: 'page',
          entry: entries.map((items, e) => ({ id: `P${e}`, time: 1, messaging: items.map(toRaw) })),
        });
        const events = parseWebhook(body);
        const flat = entries.flatMap((items, e) => items.map((i) => ({ page: `P${e}`, ts: i.timestamp })));
        expect(events).toHaveLength(flat.length);
        const expected = flat
          .map((x, index) => ({ ...x, index }))
          .sort((a, b) => a.ts - b.ts || a.index - b.index);
        expect(events.map((e) => [e.pageId, e.timestamp])).toEqual(expected.map((x) => [x.page, x.ts]));
        expect(parseWebhook(body).map((e) => e.id)).toEqual(events.map((e) => e.id));
      }),
      { numRuns: 150 },
    );
  });
});

import { signWebhookBody } from '@pagedesk/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type WebhookContentError, WebhookPayloadError } from '../errors.js';
import { parseWebhook } from '../parseWebhook.js';
import { verifySignature } from '../signature.js';

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
          const header = signWebhookBody(body, secrets[pick % secrets.length] as string);
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

// Strict about identity, lenient about content: whatever shape the optional content of an item has
// (extra keys, nulls, values of any type, keys renamed as another tool spells them), the event lands
// with what identifies it; whatever is wrong with what identifies it, the item becomes `unknown`.

const PAGE = 'P1';
const IDENTITY_KEYS = new Set(['mid', 'is_echo', 'is_deleted', 'action']);
const ITEM_KEYS = new Set(['sender', 'recipient', 'timestamp']);

const extraKey = (reserved: ReadonlySet<string>) =>
  fc.string({ maxLength: 12 }).filter((k) => !reserved.has(k));

/** Optional content fields Meta documents, set to null, any JSON value, or renamed. */
const OPTIONAL_MESSAGE_FIELDS = [
  'quick_reply',
  'reply_to',
  'attachments',
  'metadata',
  'sticker_id',
  'referral',
  'is_unsupported',
  'app_id',
  'commands',
  'seq',
];
const RENAMES: Record<string, string> = {
  quick_reply: 'quickReply',
  reply_to: 'replyTo',
  sticker_id: 'stickerId',
  is_unsupported: 'isUnsupported',
};

const optionalValue = fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

const messageContent = fc.record({
  mid: fc.string({ minLength: 1, maxLength: 20 }),
  text: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  optional: fc.dictionary(fc.constantFrom(...OPTIONAL_MESSAGE_FIELDS), optionalValue, { maxKeys: 5 }),
  renamed: fc.subarray(Object.keys(RENAMES)),
  extra: fc.dictionary(
    extraKey(new Set([...IDENTITY_KEYS, 'text', ...OPTIONAL_MESSAGE_FIELDS])),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 4 },
  ),
  itemExtra: fc.dictionary(extraKey(ITEM_KEYS), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  sender: fc.oneof(
    fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== PAGE),
    fc.integer({ min: 1, max: 2 ** 50 }),
  ),
  timestamp: fc.oneof(
    fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
    fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }).map(String),
  ),
});

type Content = typeof messageContent extends fc.Arbitrary<infer T> ? T : never;

function messageItem(c: Content) {
  const message: Record<string, unknown> = Object.fromEntries(Object.entries(c.extra));
  for (const [key, value] of Object.entries(c.optional))
    message[c.renamed.includes(key) ? (RENAMES[key] as string) : key] = value;
  message.mid = c.mid;
  if (c.text !== undefined) message.text = c.text;
  // Item-level extra keys come first: a key the parser knows (postback...) must not take precedence.
  return {
    ...Object.fromEntries(Object.entries(c.itemExtra)),
    sender: { id: c.sender },
    recipient: { id: PAGE },
    timestamp: c.timestamp,
    message,
  };
}

const body = (items: unknown[]) =>
  JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: 1, messaging: items }] });

describe('leniency properties', () => {
  it('a message with arbitrary extra, null or renamed optional fields is never dropped', () => {
    fc.assert(
      fc.property(messageContent, (c) => {
        const invalid: unknown[] = [];
        const content: WebhookContentError[] = [];
        const events = parseWebhook(body([messageItem(c)]), {
          onInvalidEvent: (e) => invalid.push(e),
          onContentIssue: (e) => content.push(e),
        });
        expect(invalid).toEqual([]);
        // Reported at most once, naming the event that landed.
        expect(content.length).toBeLessThanOrEqual(1);
        if (content[0]) expect(content[0].eventId).toBe(`message:${c.mid}`);
        expect(events).toHaveLength(1);
        const [event] = events;
        expect(event?.kind).toBe('message');
        if (event?.kind !== 'message') return;
        expect(event.id).toBe(`message:${c.mid}`);
        expect(event.customerId).toBe(String(c.sender));
        expect(event.timestamp).toBe(Number(c.timestamp));
        expect(event.text).toBe(c.text);
        const attachments = c.renamed.includes('attachments') ? undefined : c.optional.attachments;
        if (
          Array.isArray(attachments) &&
          !attachments.some((a) => (a as { type?: unknown } | null)?.type === 'sticker')
        )
          expect(event.attachments).toHaveLength(attachments.length);
        for (const a of event.attachments) expect(typeof a.kind).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('postbacks and reactions with arbitrary optional fields keep their kind', () => {
    const optional = fc.dictionary(
      fc.constantFrom('title', 'payload', 'referral', 'emoji', 'reaction', 'seq'),
      optionalValue,
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('postback', 'reaction'),
        optional,
        fc.string({ minLength: 1, maxLength: 10 }),
        (kind, fields, mid) => {
          const value = kind === 'reaction' ? { ...fields, mid, action: 'react' } : { ...fields, mid };
          const item = {
            sender: { id: 'U1' },
            recipient: { id: PAGE },
            timestamp: 1_600_000_000_000,
            [kind]: value,
          };
          const events = parseWebhook(body([item]), { onInvalidEvent: () => {} });
          expect(events.map((e) => [e.kind, e.customerId])).toEqual([[kind, 'U1']]);
        },
      ),
      { numRuns: 200 },
    );
  });

  const wrongValue = fc.oneof(
    fc.boolean(),
    fc.constant({}),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.constant('yesterday'),
    fc.constant(null),
  );

  it('an item whose identity is missing or wrong becomes unknown (or throws a typed error), never crashes', () => {
    fc.assert(
      fc.property(
        messageContent,
        fc.constantFrom('sender', 'sender.id', 'mid', 'timestamp', 'is_echo'),
        wrongValue,
        fc.boolean(),
        (c, field, wrong, remove) => {
          const item = messageItem(c) as Record<string, unknown> & { message: Record<string, unknown> };
          if (field === 'sender') {
            if (remove) delete item.sender;
            else item.sender = wrong;
          } else if (field === 'sender.id') {
            if (typeof wrong === 'string') return; // any string is an id
            item.sender = remove ? {} : { id: wrong };
          } else if (field === 'timestamp') {
            // A missing or null timestamp falls back to the entry time: only a wrong one is an identity error.
            if (wrong === null) return;
            item.timestamp = wrong;
          } else if (field === 'is_echo') {
            if (wrong === null || typeof wrong === 'boolean') return; // null is "absent"; booleans are right
            item.message.is_echo = wrong;
          } else if (remove) delete item.message.mid;
          else {
            if (typeof wrong === 'string') return; // any string is a mid
            item.message.mid = wrong;
          }
          const invalid: WebhookPayloadError[] = [];
          const events = parseWebhook(body([item]), { onInvalidEvent: (e) => invalid.push(e) });
          expect(events.map((e) => e.kind)).toEqual(['unknown']);
          expect(invalid).toHaveLength(1);
          expect(invalid[0]?.issues[0]?.path).toMatch(/^entry\[0\]\.messaging\[0\]/);
          expect(() => parseWebhook(body([item]))).toThrow(WebhookPayloadError);
        },
      ),
      { numRuns: 300 },
    );
  });
});

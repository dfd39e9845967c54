import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../parseWebhook.js';
import {
  isSimpleDelivery,
  isSimpleEntry,
  isSimpleEnvelope,
  isSimpleMessage,
  isSimpleRead,
  metaDeliverySchema,
  metaEntrySchema,
  metaMessageSchema,
  metaReadSchema,
  metaWebhookBodySchema,
} from '../schemas.js';

// The parser trusts a fast check's "yes" instead of running the schema, so a fast check must never
// accept what its schema refuses. Values are drawn near the real shapes (right keys, any value) so
// both answers occur often.

const leaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1.5),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);
const shape = (keys: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(keys, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
const orLeaf = (arb: fc.Arbitrary<unknown>) => fc.oneof(arb, leaf);

const attachment = orLeaf(
  shape({
    type: orLeaf(fc.constantFrom('image', 'video', 'sticker', 'template', 'location', 'fallback')),
    title: leaf,
    url: leaf,
    payload: orLeaf(
      shape({ url: leaf, title: leaf, sticker_id: leaf, coordinates: orLeaf(shape({ lat: leaf })) }),
    ),
  }),
);
const message = orLeaf(
  shape({
    mid: leaf,
    text: leaf,
    is_echo: leaf,
    is_deleted: leaf,
    is_unsupported: leaf,
    app_id: leaf,
    metadata: leaf,
    sticker_id: leaf,
    quick_reply: orLeaf(shape({ payload: leaf })),
    reply_to: orLeaf(
      shape({ mid: leaf, is_self_reply: leaf, story: orLeaf(shape({ id: leaf, url: leaf })) }),
    ),
    attachments: orLeaf(fc.array(attachment, { maxLength: 3 })),
    referral: leaf,
  }),
);

function agrees(check: (v: unknown) => boolean, schema: { safeParse(v: unknown): { success: boolean } }) {
  return (value: unknown) => {
    if (check(value)) expect(schema.safeParse(value).success).toBe(true);
  };
}

describe('fast shape checks', () => {
  it('accept a message only when metaMessageSchema does', () => {
    fc.assert(fc.property(message, agrees(isSimpleMessage, metaMessageSchema)), { numRuns: 3000 });
  });

  it('accept read, delivery, entry and envelope only when their schemas do', () => {
    const runs = { numRuns: 1500 };
    fc.assert(fc.property(shape({ watermark: leaf, mid: leaf }), agrees(isSimpleRead, metaReadSchema)), runs);
    fc.assert(
      fc.property(
        shape({ watermark: leaf, mids: orLeaf(fc.array(leaf, { maxLength: 3 })) }),
        agrees(isSimpleDelivery, metaDeliverySchema),
      ),
      runs,
    );
    fc.assert(
      fc.property(
        shape({ id: leaf, time: leaf, messaging: leaf, standby: leaf, changes: leaf }),
        agrees(isSimpleEntry, metaEntrySchema),
      ),
      runs,
    );
    fc.assert(
      fc.property(shape({ object: leaf, entry: leaf }), agrees(isSimpleEnvelope, metaWebhookBodySchema)),
      runs,
    );
  });

  it('accept the common shapes, so the hot path skips the schemas', () => {
    expect(isSimpleMessage({ mid: 'm', text: 'hi', quick_reply: { payload: 'P' } })).toBe(true);
    expect(isSimpleMessage({ mid: 'm', reply_to: { mid: 'x', is_self_reply: false } })).toBe(true);
    expect(isSimpleMessage({ mid: 'm', attachments: [{ type: 'image', payload: { url: 'u' } }] })).toBe(true);
    // Template payloads are copied into the event by the schema: they take the schema path.
    expect(isSimpleMessage({ mid: 'm', attachments: [{ type: 'template', payload: {} }] })).toBe(false);
    expect(isSimpleDelivery({ watermark: 1, mids: ['a'] })).toBe(true);
    expect(isSimpleEntry({ id: 'P', time: 1, messaging: [] })).toBe(true);
  });
});

describe('read and delivery ids', () => {
  it('print the watermark exactly as String() does, whatever the number', () => {
    const watermark = fc.oneof(
      fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(1e7, 1e7 - 1, 9e15, 9e15 - 1, 12_340_000_056, -0),
    );
    fc.assert(
      fc.property(watermark, (w) => {
        const item = { sender: { id: 'U' }, recipient: { id: 'P' }, timestamp: 1 };
        const body = {
          object: 'page',
          entry: [
            {
              id: 'P',
              messaging: [
                { ...item, read: { watermark: w } },
                { ...item, delivery: { watermark: w } },
              ],
            },
          ],
        };
        const [read, delivery] = parseWebhook(body);
        expect(read?.id).toBe(`read:P:U:${String(w)}`);
        expect(delivery?.id).toBe(`delivery:P:U:${String(w)}`);
      }),
      { numRuns: 2000 },
    );
  });
});

import { createHmac } from 'node:crypto';

// The same Meta deliveries for every contender: the exact bytes Meta would POST, signed the way Meta
// signs them (X-Hub-Signature-256 = HMAC-SHA256 of the raw body; the legacy X-Hub-Signature SHA-1 header
// is still sent and is the one bottender, Botkit and messenger-bot check). Shapes follow docs/meta-platform.md (Webhooks).

/** The app secret every contender is configured with. */
export const APP_SECRET = 'bench-app-secret-5f1c0c9e2b7a4d6f8e3a1b2c';
/** The verify token every contender is configured with (only GET handshakes use it). */
export const VERIFY_TOKEN = 'bench-verify-token';
/** The Page the deliveries are for. */
export const PAGE_ID = '104857600012345';
/** Where the bench posts webhooks. */
export const WEBHOOK_PATH = '/webhook';

const T0 = 1_763_769_600_000;

// Meta escapes non-ASCII as \uXXXX before signing (docs/meta-platform.md, "Signatures, batches and order"); JSON.stringify does not, so escape.
function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const LONG_TEXT =
  'Hi! I ordered the blue running shoes (order #A-20931) last Tuesday and the tracking page still says ' +
  '"label created". Could you check whether it actually shipped? I need them before the race on Saturday, ' +
  'and if they cannot arrive in time I would rather cancel and pick them up at the store in Montréal. ' +
  'Also, the confirmation e-mail listed size 42 but I chose 42.5 — can you confirm which one is on the order? ' +
  'My address is 1450 rue Sainte-Catherine Ouest, apartment 3, and the best number to reach me is the one ' +
  'on my account. Thanks a lot for your help 🙏';

function psid(i: number): string {
  return String(7_000_000_000_000_000 + i * 7919);
}

function mid(i: number): string {
  return `m_${Buffer.from(`bench-message-${i}-${psid(i)}`).toString('base64url')}`;
}

/** One `messaging` item: a customer's text message (most of what a helpdesk receives). */
function textMessaging(i: number, text: string): Record<string, unknown> {
  return {
    sender: { id: psid(i % 1000) },
    recipient: { id: PAGE_ID },
    timestamp: T0 + i * 1000,
    message: { mid: mid(i), text },
  };
}

/** A realistic mix for the batch: text, quick replies, attachments, reads and deliveries. */
function mixedMessaging(i: number): Record<string, unknown> {
  const base = { sender: { id: psid(i % 1000) }, recipient: { id: PAGE_ID }, timestamp: T0 + i * 1000 };
  switch (i % 10) {
    case 7:
      return { ...base, read: { watermark: T0 + i * 1000 - 500 } };
    case 8:
      return { ...base, delivery: { mids: [mid(i - 1)], watermark: T0 + i * 1000 - 200 } };
    case 9:
      return {
        ...base,
        message: {
          mid: mid(i),
          attachments: [
            {
              type: 'image',
              payload: {
                url: `https://scontent.xx.fbcdn.net/v/t1.15752-9/${i}_n.jpg?_nc_cat=1&oh=00_AfB&oe=6750A1B2`,
              },
            },
          ],
        },
      };
    case 3:
      return {
        ...base,
        message: { mid: mid(i), text: 'Yes, please', quick_reply: { payload: 'CONFIRM_ORDER' } },
      };
    default:
      return textMessaging(i, `${LONG_TEXT.slice(0, 120 + (i % 5) * 20)} (${i})`);
  }
}

function envelope(items: Array<Record<string, unknown>>): Record<string, unknown> {
  // Messenger puts one messaging item per entry (docs/meta-platform.md, "Signatures, batches and order"): a batch is many entries.
  return {
    object: 'page',
    entry: items.map((item, i) => ({ id: PAGE_ID, time: T0 + i * 1000 + 50, messaging: [item] })),
  };
}

/** A signed delivery: the raw bytes plus the headers Meta sends with them. */
export interface SignedBody {
  name: string;
  events: number;
  raw: Buffer;
  /** `sha256=<hex>` */
  signature256: string;
  /** `sha1=<hex>` (legacy header) */
  signature1: string;
  headers: Record<string, string>;
}

/** Signs raw bytes like Meta does. */
export function sign(name: string, events: number, raw: Buffer): SignedBody {
  const signature256 = `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
  const signature1 = `sha1=${createHmac('sha1', APP_SECRET).update(raw).digest('hex')}`;
  return {
    name,
    events,
    raw,
    signature256,
    signature1,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signature256,
      'x-hub-signature': signature1,
    },
  };
}

/** The ~1 KB one-event body: a customer's text message. */
export function oneEventBody(): SignedBody {
  const item = textMessaging(1, LONG_TEXT);
  (item.message as Record<string, unknown>).reply_to = { mid: mid(0), is_self_reply: false };
  return sign('1 event (~1 KB)', 1, Buffer.from(metaJson(envelope([item]))));
}

/** The 100-event batch. */
export function batchBody(): SignedBody {
  return sign(
    '100-event batch',
    100,
    Buffer.from(metaJson(envelope(Array.from({ length: 100 }, (_, i) => mixedMessaging(i + 2))))),
  );
}

/** A unique signed one-message body (distinct mid, so dedupe never swallows it) for end-to-end runs. */
export function uniqueTextBody(i: number, text = 'Where is my order?'): { body: SignedBody; mid: string } {
  const item = textMessaging(1_000_000 + i, `${text} #${i}`);
  return { body: sign(`e2e ${i}`, 1, Buffer.from(metaJson(envelope([item])))), mid: mid(1_000_000 + i) };
}

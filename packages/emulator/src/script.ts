import * as z from 'zod';
import { inboundAttachmentSchema } from './options.js';

// Declarative seeding: a list of steps, each one thing a customer does at a time relative to now.
// Customers are named by a script-local alias and created on first use.

const at = z.union([
  z.number().int(),
  z.string().regex(/^[+-]?\d+(\.\d+)?(ms|s|m|h|d)$/, 'must look like -30h'),
]);

export const scriptStepSchema = z
  .object({
    /** When, relative to the emulated now (`-30h`, `-8d`), or epoch ms. Default: now. */
    at: at.optional(),
    /** Script-local alias of the customer (created on first use). */
    customer: z.string().min(1).max(64),
    /** The page; default: the first page of `platform`, or the first page. */
    page: z.string().min(1).optional(),
    platform: z.enum(['messenger', 'instagram']).optional(),
    /** Display name when the customer is created (default: the alias, capitalised). */
    name: z.string().min(1).max(100).optional(),
    say: z.string().min(1).max(20_000).optional(),
    attachments: z.array(inboundAttachmentSchema).max(30).optional(),
    postback: z.object({ title: z.string().min(1), payload: z.string().optional() }).optional(),
    comment: z.object({ text: z.string().min(1), postId: z.string().optional() }).optional(),
    storyMention: z.object({ url: z.string().optional() }).optional(),
    /** React to the latest page message of the conversation with this emoji. */
    react: z.string().min(1).max(16).optional(),
    /** The customer reads the page's messages. */
    read: z.boolean().optional(),
    /** The page answers from Meta Business Suite / Page Inbox (an echo from another app). */
    pageReply: z.string().min(1).max(2000).optional(),
  })
  .refine(
    (s) =>
      [s.say ?? s.attachments, s.postback, s.comment, s.storyMention, s.react, s.read, s.pageReply].some(
        (v) => v !== undefined,
      ),
    {
      message:
        'needs one action: say, attachments, postback, comment, storyMention, react, read or pageReply',
    },
  );

/** One step of a seeding script. */
export type ScriptStep = z.input<typeof scriptStepSchema>;

/**
 * The demo conversations: a fresh one, one 30 hours old (human-agent window), one 8 days old (closed),
 * a post comment, one with several attachments and an Instagram one. Needs at least one Messenger
 * page and one Instagram account (see `demoPages`).
 *
 * @example
 * const emulator = await startEmulator({ pages: demoPages, webhookUrl });
 * const { customers } = await emulator.runScript(demoScript);
 */
export const demoScript: readonly ScriptStep[] = Object.freeze([
  {
    customer: 'chloe',
    name: 'Chloé Martin',
    platform: 'messenger',
    at: '-8d',
    say: 'Hello, my package arrived damaged. Can I get a refund?',
  },
  {
    customer: 'chloe',
    platform: 'messenger',
    at: '-8d',
    pageReply: 'So sorry about that, Chloé! A refund is on its way.',
  },
  { customer: 'chloe', platform: 'messenger', at: '-8d', say: 'Thanks for the help!' },
  {
    customer: 'ben',
    name: 'Ben Okafor',
    platform: 'messenger',
    at: '-30h',
    say: 'Can I still change the delivery address for order #1042?',
  },
  {
    customer: 'dan',
    name: 'Dan Silva',
    platform: 'messenger',
    at: '-3h',
    comment: { text: 'Do you ship to Canada?' },
  },
  {
    customer: 'eva',
    name: 'Eva Novak',
    platform: 'messenger',
    at: '-25m',
    say: 'Here are photos of the damaged box and the receipt',
  },
  {
    customer: 'eva',
    platform: 'messenger',
    at: '-24m',
    attachments: [{ sample: 'damaged-box' }, { sample: 'receipt' }, { sample: 'forest' }],
  },
  {
    customer: 'farah',
    name: 'Farah Haddad',
    platform: 'instagram',
    at: '-12m',
    say: 'Is the blue jacket back in stock? 💙',
  },
  { customer: 'farah', platform: 'instagram', at: '-11m', attachments: [{ sample: 'ocean' }] },
  {
    customer: 'ana',
    name: 'Ana Lima',
    platform: 'messenger',
    at: '-2m',
    say: "Hi! My order hasn't arrived yet. Can you check?",
  },
] satisfies ScriptStep[]);

/**
 * A Messenger page and an Instagram account of one business, and a Messenger page of a second one
 * (for multi-organisation demos), for demos and the CLI (fake ids and tokens).
 */
export const demoPages = Object.freeze([
  {
    id: '104857600000001',
    name: 'Acme Outdoor',
    platform: 'messenger' as const,
    accessToken: 'EAAGemulatorPageTokenAcmeOutdoor0001',
    humanAgent: true,
  },
  {
    id: '17841400000000001',
    name: 'acme.outdoor',
    platform: 'instagram' as const,
    accessToken: 'EAAGemulatorPageTokenAcmeInstagram01',
    humanAgent: true,
    facebookPageId: '104857600000001',
  },
  {
    id: '104857600000002',
    name: 'Globex Support',
    platform: 'messenger' as const,
    accessToken: 'EAAGemulatorPageTokenGlobexSupport01',
    humanAgent: true,
  },
]);

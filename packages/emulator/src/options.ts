import { TOKEN_ERROR_REASONS } from '@pagedesk/core';
import * as z from 'zod';

// Every input that crosses into the emulator (library options, control calls, HTTP control bodies)
// is parsed here, so a wrong value fails with a ValidationError naming the field instead of
// surfacing later as a confusing Graph answer.

const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 letters, digits or _.:-');
const epochMs = z.number().int().nonnegative();

/** Why a token stopped working: core's reasons, so a revoked emulated token maps onto a `TokenError`. */
export const revokeReasonSchema = z.enum(TOKEN_ERROR_REASONS);
/** Why `tokens.revoke()` invalidates a page token; each maps to Meta's 190 subcode (see README). */
export type RevokeReason = z.infer<typeof revokeReasonSchema>;

export const pageConfigSchema = z.object({
  id,
  name: z.string().min(1).max(100),
  platform: z.enum(['messenger', 'instagram']).default('messenger'),
  accessToken: z.string().min(8, 'must be at least 8 characters'),
  /** The app has Meta's Human Agent feature for this page: HUMAN_AGENT replies for 7 days. */
  humanAgent: z.boolean().default(true),
  /** When the page token expires (epoch ms on the emulated clock); absent = never. */
  tokenExpiresAt: epochMs.optional(),
  scopes: z.array(z.string()).optional(),
  /** Instagram accounts: the Facebook Page they are linked to (listed under it by /me/accounts). */
  facebookPageId: id.optional(),
  /** Whether the app starts subscribed to this page's webhooks. */
  subscribed: z.boolean().default(true),
});
/** One emulated Facebook Page or Instagram professional account. */
export type PageConfig = z.input<typeof pageConfigSchema>;

export const emulatorOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  appId: z
    .string()
    .regex(/^\d{1,20}$/, 'must be a numeric app id')
    .default('1234567890123456'),
  appSecret: z.string().min(8, 'must be at least 8 characters').default('emulator-app-secret'),
  appName: z.string().min(1).default('Pagedesk Emulator App'),
  webhookUrl: z.url().optional(),
  verifyToken: z.string().min(1).optional(),
  pages: z.array(pageConfigSchema).default([]),
  user: z
    .object({
      id: id.optional(),
      name: z.string().optional(),
      accessToken: z.string().min(8),
      pages: z.array(id).optional(),
      expiresAt: epochMs.optional(),
    })
    .optional(),
  /** Start time of the emulated clock, epoch ms (default: now). */
  now: epochMs.optional(),
  /** Freeze the clock: it moves only through `clock.advance` / `clock.set`. */
  freezeClock: z.boolean().default(false),
  /** Graph API version in the advertised `graphUrl`; every `/vX.Y/` path is accepted anyway. */
  graphVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v25.0')
    .default('v25.0'),
  /** Refuse Graph calls without a valid `appsecret_proof` (Meta's "Require App Secret"). */
  requireAppSecretProof: z.boolean().default(true),
  /** Fetch attachment URLs given to the Send API to check they exist and their size. */
  fetchAttachmentUrls: z.boolean().default(true),
  webhooks: z
    .object({
      /** Attempts per delivery, the first included (Meta retries "a few more times"). */
      attempts: z.number().int().min(1).max(10).default(4),
      /** Wait before each retry, in ms; the last value repeats. */
      backoffMs: z.array(z.number().int().min(0).max(60_000)).min(1).default([50, 250, 1000]),
      /** Per-attempt timeout in ms (Meta times out after 20 s). */
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
      /** Put up to this many queued events of a page in one POST (1 = no batching). */
      batchSize: z.number().int().min(1).max(1000).default(1),
      /** Send the legacy sha1 `X-Hub-Signature` header too. */
      sha1: z.boolean().default(true),
    })
    .prefault({}),
  customerBehaviour: z
    .object({
      /** Delivery receipt this long after a page message (null: only by control). Messenger only. */
      deliverAfterMs: z.number().int().min(0).nullable().default(20),
      /** The customer reads page messages this long after they arrive (null: only by control or chat page). */
      readAfterMs: z.number().int().min(0).nullable().default(null),
    })
    .prefault({}),
  /** The Instagram app of Instagram Login (its own id and secret) and the accounts that can log in. */
  instagramLogin: z
    .object({
      appId: z
        .string()
        .regex(/^\d{1,20}$/, 'must be a numeric app id')
        .default('9876543210987654'),
      appSecret: z.string().min(8, 'must be at least 8 characters').default('emulator-instagram-app-secret'),
      accounts: z
        .array(z.object({ id, username: z.string().min(1).max(30), name: z.string().optional() }))
        .default([{ id: '17841400000000101', username: 'pagedesk.demo', name: 'Pagedesk Demo' }]),
    })
    .prefault({}),
});
/** Options of `startEmulator()`; every field has a default. */
export type EmulatorOptions = z.input<typeof emulatorOptionsSchema>;
export type ResolvedOptions = z.output<typeof emulatorOptionsSchema>;
export type ResolvedPage = z.output<typeof pageConfigSchema>;

const profileErrorSchema = z.union([z.literal(230), z.literal(2018218)]);

export const createCustomerSchema = z.object({
  pageId: id,
  name: z.string().min(1).max(100),
  /** The PSID / IGSID; generated when absent. */
  id: id.optional(),
  /** Instagram username (default: derived from the name). */
  username: z.string().min(1).max(30).optional(),
  profilePic: z.string().optional(),
  /** Make profile lookups fail with this Meta error (230 consent, 2018218 no profile). */
  profileError: profileErrorSchema.optional(),
  /** The person cannot receive messages (blocked the page or deactivated): Send API 551. */
  unavailable: z.boolean().optional(),
});
/** Input of `customers.create()`: the page, a display name, and optional profile behaviour. */
export type CreateCustomerInput = z.input<typeof createCustomerSchema>;

export const inboundAttachmentSchema = z.union([
  z.object({
    type: z.enum([
      'image',
      'video',
      'audio',
      'file',
      'sticker',
      'story_mention',
      'ig_reel',
      'reel',
      'fallback',
    ]),
    url: z.string().min(1),
    title: z.string().optional(),
    stickerId: z.number().int().optional(),
  }),
  z.object({ sample: z.string().regex(/^[a-z0-9-]+$/) }),
]);
/** An attachment a customer sends: a URL with its Meta type, or one of the emulator's sample images. */
export type InboundAttachment = z.input<typeof inboundAttachmentSchema>;

const atSchema = z.union([
  epochMs,
  z.string().regex(/^[+-]?\d+(\.\d+)?(ms|s|m|h|d)$/, 'must look like -30h'),
]);

export const sendInputSchema = z
  .object({
    text: z.string().min(1).max(20_000).optional(),
    attachments: z.array(inboundAttachmentSchema).max(30).optional(),
    quickReplyPayload: z.string().max(1000).optional(),
    replyToMid: z.string().min(1).optional(),
    /** When it was sent: epoch ms, or relative to the emulated now (`-30h`). Default: now. */
    at: atSchema.optional(),
  })
  .refine((v) => v.text !== undefined || (v.attachments?.length ?? 0) > 0, {
    message: 'needs text or at least one attachment',
    path: ['text'],
  });
/** Input of `customer(id).send()`: text and/or attachments, a quick-reply tap, a quoted reply, a time. */
export type SendInput = z.input<typeof sendInputSchema>;

export const reactInputSchema = z.object({
  mid: z.string().min(1),
  emoji: z.string().min(1).max(16).default('❤️'),
  action: z.enum(['react', 'unreact']).default('react'),
  at: atSchema.optional(),
});
export const postbackInputSchema = z.object({
  title: z.string().min(1).max(100),
  payload: z.string().max(1000).optional(),
  at: atSchema.optional(),
});
export const commentInputSchema = z.object({
  text: z.string().min(1).max(8000),
  /** The post commented on; default: the page's sample post. */
  postId: z.string().min(1).optional(),
  /** Reply to this comment instead of commenting on the post. */
  parentId: z.string().min(1).optional(),
  at: atSchema.optional(),
});
export const storyMentionInputSchema = z.object({
  url: z.string().min(1).optional(),
  at: atSchema.optional(),
});
export const readInputSchema = z.object({ at: atSchema.optional() }).prefault({});
export const echoInputSchema = z.object({
  recipient: id,
  text: z.string().min(1).max(2000),
  /** The app that sent it; default: Meta Business Suite / Page Inbox (263902037430900). */
  appId: z.union([z.string(), z.number()]).optional(),
  metadata: z.string().max(1000).optional(),
  at: atSchema.optional(),
});

export const faultsSchema = z.object({
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  status5xx: z.number().int().min(0).max(1000).optional(),
  transient1200: z.number().int().min(0).max(1000).optional(),
  rateLimit: z
    .union([
      z.number().int().min(0).max(1000),
      z.object({
        count: z.number().int().min(1).max(1000).default(1),
        code: z
          .union([z.literal(4), z.literal(17), z.literal(32), z.literal(613), z.literal(80006)])
          .default(613),
        retryAfterMinutes: z.number().int().min(0).max(1440).default(1),
      }),
    ])
    .optional(),
  timeout: z.number().int().min(0).max(1000).optional(),
  scope: z
    .object({
      /** Only Graph paths containing this text (e.g. `/messages`). */
      path: z.string().min(1).optional(),
      pageId: id.optional(),
    })
    .optional(),
});
/** Fault injection: counts apply to the next N matching Graph calls; latency to all while set. */
export type FaultsInput = z.input<typeof faultsSchema>;

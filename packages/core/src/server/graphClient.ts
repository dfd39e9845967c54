import { createHmac } from 'node:crypto';
import ky, { isTimeoutError, type KyInstance } from 'ky';
import * as z from 'zod/mini';
import { GraphError, isPagedeskError, RateLimitError, ValidationError } from '../errors.js';
import { parseOrThrow } from '../ids.js';
import type { Platform } from '../model.js';
import { type GraphUsage, graphErrorFrom, parseUsageHeaders, redact } from './graphErrors.js';

// The Graph API client: ky for the HTTP call (prefix URL, timeout, injectable fetch), zod for every
// response, our own retry loop for the policy ky cannot express: Meta answers HTTP 400 for many
// transient codes (1200, 2), rate limits carry their wait in headers, and a Send API POST must never be
// repeated when Meta may already have accepted it.

/** Default Graph API version; one setting for the whole client. */
export const DEFAULT_GRAPH_VERSION = '25.0';

/** What `onRequest` receives after each attempt: no token, no proof, no body. */
export interface GraphRequestInfo {
  method: string;
  /** Path and query relative to the versioned base URL, secrets redacted. */
  url: string;
  /** 1 for the first try. */
  attempt: number;
  status?: number;
  durationMs: number;
  /** The typed error's code when the attempt failed. */
  error?: { name: string; code: string; graphCode?: number; subcode?: number; retryable: boolean };
  usage?: GraphUsage;
  /** Whether the client will try again. */
  willRetry: boolean;
}

/** Options of {@link createGraphClient}. */
export interface GraphClientOptions {
  /** The Meta app secret: signs every call with `appsecret_proof`. */
  appSecret: string;
  /** The Meta app id: needed for `debugToken` (app token) and `exchangeUserToken`. */
  appId?: string;
  /** Graph API version, e.g. `'25.0'` or `'v25.0'`. */
  version?: string;
  /** Defaults to `https://graph.facebook.com`; point it at `@pagedesk/emulator` in tests. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Per attempt; default 20 s. */
  timeoutMs?: number;
  retry?: {
    /** Retries after the first attempt; default 3. */
    limit?: number;
    /** First backoff delay; doubles each retry; default 500 ms. */
    baseDelayMs?: number;
    /** Cap of one backoff delay; default 10 s. */
    maxDelayMs?: number;
    /** A rate limit asking for a longer wait is not retried but thrown; default 60 s. */
    maxRetryAfterMs?: number;
  };
  /** Injectable for tests; default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable jitter source; default `Math.random`. */
  random?: () => number;
  /** Log hook; receives redacted information only. */
  onRequest?: (info: GraphRequestInfo) => void;
}

/** A low-level Graph call. Prefer the typed methods. */
export interface GraphRequest<T> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to the versioned base URL, without a leading slash (`me/accounts`). */
  path: string;
  /** The token the call runs as; `appsecret_proof` is derived from it. */
  accessToken?: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: FormData;
  schema: z.ZodMiniType<T>;
  /**
   * Whether repeating the call is harmless. Non-idempotent calls (Send API) are retried only on
   * errors that prove Meta did not accept them; a timeout becomes an `outcome_unknown` error.
   */
  idempotent?: boolean;
}

/** Who receives a Send API message: a person (PSID/IGSID), or a comment/post for a private reply. */
export type SendRecipient = { id: string } | { commentId: string } | { postId: string };

/** An outbound attachment by public URL or by a reusable upload id. */
export interface OutboundAttachment {
  type: 'image' | 'video' | 'audio' | 'file';
  url?: string;
  attachmentId?: string;
  /** Ask Meta to keep a URL attachment reusable (its `attachment_id` comes back). */
  isReusable?: boolean;
}

/** A quick reply button; `user_phone_number`/`user_email` offer the customer's own details. */
export type QuickReply =
  | { title: string; payload: string; imageUrl?: string }
  | { contentType: 'user_phone_number' | 'user_email' };

/** One Send API message (platform.md §3.2). Exactly one of `text`, `attachment`, `attachments`. */
export interface SendMessageRequest {
  recipient: SendRecipient;
  messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  /** With `MESSAGE_TAG`: `HUMAN_AGENT` or `CUSTOMER_FEEDBACK`. */
  tag?: string;
  text?: string;
  attachment?: OutboundAttachment;
  /** Several images in one message (images only, at most 30). */
  attachments?: OutboundAttachment[];
  quickReplies?: QuickReply[];
  /** Echoed back in `message_echoes`: Pagedesk puts its own message id here. Under 1000 characters. */
  metadata?: string;
  /** Quote-reply: the mid of the quoted message (top-level `reply_to`). */
  replyTo?: string;
  personaId?: string;
  notificationType?: 'REGULAR' | 'SILENT_PUSH' | 'NO_PUSH';
}

/** Meta's answer to a Send API message. */
export interface SendResult {
  messageId: string;
  recipientId?: string;
  /** When Meta returns one (reusable URL attachments). */
  attachmentId?: string;
}

/** A customer's public profile, normalised over Messenger and Instagram. */
export interface UserProfile {
  id: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  avatarUrl?: string;
}

/** One app installed on a page (`GET /{page}/subscribed_apps`). */
export interface SubscribedApp {
  id: string;
  name?: string;
  subscribedFields: string[];
}

/** One page the user administers (`GET /me/accounts`). */
export interface AccountPage {
  id: string;
  name: string;
  accessToken?: string;
  tasks: string[];
  pictureUrl?: string;
  instagram?: { id: string; username?: string; name?: string; pictureUrl?: string };
}

/** `debug_token`'s answer (platform.md §5.2); times in epoch ms, `null` for never. */
export interface TokenInfo {
  isValid: boolean;
  appId?: string;
  type?: string;
  profileId?: string;
  userId?: string;
  scopes: string[];
  granularScopes: Array<{ scope: string; targetIds: string[] }>;
  expiresAt: number | null;
  dataAccessExpiresAt: number | null;
  issuedAt?: number;
  error?: { code?: number; subcode?: number; message?: string };
}

/** A conversation of the Conversations API (history import). */
export interface HistoryConversation {
  id: string;
  updatedAt?: number;
  participants: Array<{ id: string; name?: string; username?: string }>;
}

/** A message of the Conversations API. */
export interface HistoryMessage {
  id: string;
  createdAt: number;
  from: { id: string; name?: string; username?: string };
  to: string[];
  text?: string;
  attachments: Array<{ url?: string; mimeType?: string; name?: string; size?: number }>;
}

/** A cursor page of a Graph list. */
export interface GraphPage<T> {
  items: T[];
  /** Pass as `after` for the next page; null on the last one. */
  after: string | null;
}

const flexibleBoolean = z.union([z.boolean(), z.literal('true'), z.literal('false')]);
const sendResultSchema = z.object({
  recipient_id: z.optional(z.string()),
  message_id: z.string(),
  attachment_id: z.optional(z.string()),
});
const pagingSchema = z.optional(
  z.object({
    cursors: z.optional(z.object({ after: z.optional(z.string()) })),
    next: z.optional(z.string()),
  }),
);
const nullableString = z.optional(z.nullable(z.string()));
const profileSchema = z.object({
  id: z.optional(z.string()),
  name: nullableString,
  first_name: nullableString,
  last_name: nullableString,
  username: nullableString,
  profile_pic: nullableString,
});
const successSchema = z.object({ success: flexibleBoolean });
const subscribedAppsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.optional(z.string()),
      subscribed_fields: z.optional(z.array(z.union([z.string(), z.object({ name: z.string() })]))),
    }),
  ),
});
const accountsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      access_token: z.optional(z.string()),
      tasks: z.optional(z.array(z.string())),
      picture: z.optional(z.object({ data: z.optional(z.object({ url: z.optional(z.string()) })) })),
      instagram_business_account: z.optional(
        z.object({
          id: z.string(),
          username: z.optional(z.string()),
          name: z.optional(z.string()),
          profile_picture_url: z.optional(z.string()),
        }),
      ),
    }),
  ),
  paging: pagingSchema,
});
const debugTokenSchema = z.object({
  data: z.object({
    app_id: z.optional(z.string()),
    type: z.optional(z.string()),
    application: z.optional(z.string()),
    data_access_expires_at: z.optional(z.number()),
    expires_at: z.optional(z.number()),
    is_valid: z.boolean(),
    issued_at: z.optional(z.number()),
    profile_id: z.optional(z.string()),
    user_id: z.optional(z.string()),
    scopes: z.optional(z.array(z.string())),
    granular_scopes: z.optional(
      z.array(z.object({ scope: z.string(), target_ids: z.optional(z.array(z.string())) })),
    ),
    error: z.optional(
      z.object({
        code: z.optional(z.number()),
        message: z.optional(z.string()),
        subcode: z.optional(z.number()),
      }),
    ),
  }),
});
const participantSchema = z.object({
  id: z.string(),
  name: z.optional(z.string()),
  username: z.optional(z.string()),
});
const conversationsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      updated_time: z.optional(z.string()),
      participants: z.optional(z.object({ data: z.array(participantSchema) })),
    }),
  ),
  paging: pagingSchema,
});
const historyMessagesSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      created_time: z.string(),
      from: participantSchema,
      to: z.optional(z.object({ data: z.array(participantSchema) })),
      message: z.optional(z.string()),
      attachments: z.optional(
        z.object({
          data: z.array(
            z.object({
              mime_type: z.optional(z.string()),
              name: z.optional(z.string()),
              size: z.optional(z.number()),
              file_url: z.optional(z.string()),
              image_data: z.optional(z.object({ url: z.optional(z.string()) })),
              video_data: z.optional(z.object({ url: z.optional(z.string()) })),
            }),
          ),
        }),
      ),
    }),
  ),
  paging: pagingSchema,
});

const attachmentRefSchema = z
  .object({
    type: z.enum(['image', 'video', 'audio', 'file']),
    url: z.optional(z.string().check(z.url())),
    attachmentId: z.optional(z.string().check(z.minLength(1))),
    isReusable: z.optional(z.boolean()),
  })
  .check(
    z.refine((a) => (a.url === undefined) !== (a.attachmentId === undefined), {
      message: 'give exactly one of url or attachmentId',
    }),
  );

const sendRequestSchema = z
  .object({
    recipient: z.union([
      z.object({ id: z.string().check(z.minLength(1)) }),
      z.object({ commentId: z.string().check(z.minLength(1)) }),
      z.object({ postId: z.string().check(z.minLength(1)) }),
    ]),
    messagingType: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']),
    tag: z.optional(z.string().check(z.minLength(1))),
    // Meta: "UTF-8, < 2000 characters" (platform.md §3.6); the rules profile may be stricter.
    text: z.optional(z.string().check(z.minLength(1), z.maxLength(1999))),
    attachment: z.optional(attachmentRefSchema),
    attachments: z.optional(
      z.array(attachmentRefSchema).check(
        z.minLength(1),
        z.maxLength(30),
        z.refine((list) => list.every((a) => a.type === 'image'), {
          message: 'only images can share a message',
        }),
      ),
    ),
    quickReplies: z.optional(
      z
        .array(
          z.union([
            z.object({
              title: z.string().check(z.minLength(1), z.maxLength(20)),
              payload: z.string().check(z.minLength(1), z.maxLength(1000)),
              imageUrl: z.optional(z.string()),
            }),
            z.object({ contentType: z.enum(['user_phone_number', 'user_email']) }),
          ]),
        )
        .check(z.maxLength(13)),
    ),
    metadata: z.optional(z.string().check(z.maxLength(999))),
    replyTo: z.optional(z.string().check(z.minLength(1))),
    personaId: z.optional(z.string().check(z.minLength(1))),
    notificationType: z.optional(z.enum(['REGULAR', 'SILENT_PUSH', 'NO_PUSH'])),
  })
  .check(
    z.refine((r) => [r.text, r.attachment, r.attachments].filter((part) => part !== undefined).length === 1, {
      message: 'give exactly one of text, attachment or attachments',
      path: ['text'],
    }),
    z.refine((r) => (r.messagingType === 'MESSAGE_TAG') === (r.tag !== undefined), {
      message: 'tag is required with MESSAGE_TAG and only then',
      path: ['tag'],
    }),
  );

function issuesOf(error: z.core.$ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function toMetaAttachment(a: OutboundAttachment) {
  return {
    type: a.type,
    payload:
      a.attachmentId !== undefined
        ? { attachment_id: a.attachmentId }
        : { url: a.url, ...(a.isReusable === undefined ? {} : { is_reusable: a.isReusable }) },
  };
}

/** Builds Meta's Send API body from a typed request; validates first (ValidationError names the field). */
export function buildSendBody(request: SendMessageRequest): Record<string, unknown> {
  parseOrThrow(sendRequestSchema, request, 'Send API message');
  const r = request;
  const recipient =
    'id' in r.recipient
      ? { id: r.recipient.id }
      : 'commentId' in r.recipient
        ? { comment_id: r.recipient.commentId }
        : { post_id: r.recipient.postId };
  const message: Record<string, unknown> = {};
  if (r.text !== undefined) message['text'] = r.text;
  if (r.attachment) message['attachment'] = toMetaAttachment(r.attachment);
  if (r.attachments) message['attachments'] = r.attachments.map(toMetaAttachment);
  if (r.quickReplies)
    message['quick_replies'] = r.quickReplies.map((q) =>
      'contentType' in q
        ? { content_type: q.contentType }
        : {
            content_type: 'text',
            title: q.title,
            payload: q.payload,
            ...(q.imageUrl ? { image_url: q.imageUrl } : {}),
          },
    );
  if (r.metadata !== undefined) message['metadata'] = r.metadata;
  return {
    recipient,
    messaging_type: r.messagingType,
    ...(r.tag === undefined ? {} : { tag: r.tag }),
    message,
    ...(r.replyTo === undefined ? {} : { reply_to: { mid: r.replyTo } }),
    ...(r.personaId === undefined ? {} : { persona_id: r.personaId }),
    ...(r.notificationType === undefined ? {} : { notification_type: r.notificationType }),
  };
}

/** Meta writes times as `2026-01-02T03:04:05+0000`; normalise the offset so every engine parses it. */
function parseGraphTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(at) ? at : undefined;
}

const epochSecondsToMs = (seconds: number | undefined): number | null =>
  seconds === undefined || seconds === 0 ? null : seconds * 1000;

const optional = <TKey extends string, TValue>(key: TKey, value: TValue | null | undefined) =>
  (value === undefined || value === null ? {} : { [key]: value }) as { [K in TKey]?: TValue };

/** Graph calls that run as a Page (or the Page an Instagram account is linked to). */
export interface PageGraph {
  readonly pageId: string;
  /** Send API: one message. */
  send(request: SendMessageRequest): Promise<SendResult>;
  /** typing_on / typing_off / mark_seen; sent alone, as Meta requires. */
  senderAction(
    recipientId: string,
    action: 'typing_on' | 'typing_off' | 'mark_seen',
    options?: { personaId?: string },
  ): Promise<void>;
  /** Attachment Upload API: a reusable id, private to this page, valid 90 days. */
  uploadAttachment(
    upload:
      | { type: OutboundAttachment['type']; url: string }
      | { type: OutboundAttachment['type']; data: Blob | Uint8Array; fileName: string; mimeType: string },
    options?: { platform?: Platform },
  ): Promise<string>;
  /** The one private reply to a comment (or visitor post), as a Send API message. */
  privateReply(
    target: { commentId: string } | { postId: string },
    message: Omit<SendMessageRequest, 'recipient' | 'messagingType' | 'tag'>,
  ): Promise<SendResult>;
  /** A public answer under a comment (`/{comment}/comments` on Facebook, `/{comment}/replies` on Instagram). */
  replyToComment(commentId: string, text: string, platform: Platform): Promise<{ id: string }>;
  profile(userId: string, platform: Platform): Promise<UserProfile>;
  subscribedApps(): Promise<SubscribedApp[]>;
  subscribe(fields: ReadonlyArray<string>): Promise<void>;
  unsubscribe(): Promise<void>;
  conversations(options: {
    platform: Platform;
    limit?: number;
    after?: string;
  }): Promise<GraphPage<HistoryConversation>>;
  conversationMessages(
    conversationId: string,
    options?: { limit?: number; after?: string },
  ): Promise<GraphPage<HistoryMessage>>;
  createPersona(persona: { name: string; profilePictureUrl?: string }): Promise<string>;
  deletePersona(personaId: string): Promise<void>;
}

/** Graph calls that run as a person (the admin connecting pages). */
export interface UserGraph {
  /** Every page the user administers with its tasks and Page token (follows paging, bounded). */
  accounts(options?: { maxPages?: number }): Promise<AccountPage[]>;
}

/** The Graph API client. Create one per Meta app. */
export interface GraphClient {
  readonly version: string;
  readonly baseUrl: string;
  readonly appId: string | undefined;
  /** Runs as a page: `node` defaults to `id` (the Facebook Page an Instagram account is linked to, if any). */
  forPage(page: { id: string; accessToken: string; node?: string }): PageGraph;
  forUser(userAccessToken: string): UserGraph;
  /** Inspects any token with the app token (`{appId}|{appSecret}`). */
  debugToken(inputToken: string): Promise<TokenInfo>;
  /** Short-lived user token → long-lived (60 days), so Page tokens derived from it do not expire. */
  exchangeUserToken(userAccessToken: string): Promise<{ accessToken: string; expiresAt: number | null }>;
  /** hex HMAC-SHA256(app secret, token) (platform.md §5.4). */
  appsecretProof(accessToken: string): string;
  request<T>(request: GraphRequest<T>): Promise<T>;
}

const NEVER_ESTABLISHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET_BEFORE_WRITE']);

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Creates the Graph API client. Every call carries `appsecret_proof`; responses are parsed with zod;
 * Meta's errors become typed errors (`graphErrorFrom`); transient failures and rate limits are
 * retried with exponential backoff and jitter; tokens never appear in errors or in `onRequest`.
 *
 * @example
 * const graph = createGraphClient({ appId, appSecret, version: '25.0' });
 * const page = graph.forPage({ id: pageId, accessToken: pageToken });
 * await page.send({ recipient: { id: psid }, messagingType: 'RESPONSE', text: 'Hello!' });
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  if (!options.appSecret)
    throw new ValidationError('Graph client options', [{ path: 'appSecret', message: 'required' }]);
  const version = (options.version ?? DEFAULT_GRAPH_VERSION).replace(/^v/, '');
  if (!/^\d+\.\d+$/.test(version))
    throw new ValidationError('Graph client options', [{ path: 'version', message: 'expected like "25.0"' }]);
  const baseUrl = (options.baseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
  const appSecret = options.appSecret;
  const appId = options.appId;
  const limit = options.retry?.limit ?? 3;
  const baseDelayMs = options.retry?.baseDelayMs ?? 500;
  const maxDelayMs = options.retry?.maxDelayMs ?? 10_000;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const http: KyInstance = ky.create({
    prefixUrl: `${baseUrl}/v${version}`,
    timeout: options.timeoutMs ?? 20_000,
    retry: 0,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const appsecretProof = (token: string) => createHmac('sha256', appSecret).update(token).digest('hex');

  function backoff(attempt: number): number {
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // Equal jitter: never less than half the step, so retries still back off under contention.
    return exponential / 2 + random() * (exponential / 2);
  }

  async function request<T>(req: GraphRequest<T>): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {}))
      if (value !== undefined) params.set(key, String(value));
    if (req.accessToken) {
      params.set('access_token', req.accessToken);
      params.set('appsecret_proof', appsecretProof(req.accessToken));
    }
    const query = params.toString();
    const input = query ? `${req.path}?${query}` : req.path;
    const secrets = [req.accessToken, appSecret];
    const logUrl = redact(input, secrets);
    const idempotent = req.idempotent ?? req.method === 'GET';

    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      let status: number | undefined;
      let usage: GraphUsage | undefined;
      let failure: GraphError;
      try {
        const response = await http(input, {
          method: req.method,
          ...(req.json === undefined ? {} : { json: req.json }),
          ...(req.form === undefined ? {} : { body: req.form }),
        });
        status = response.status;
        usage = parseUsageHeaders(response.headers);
        const text = await response.text();
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        if (response.ok) {
          const parsed = req.schema.safeParse(body);
          if (parsed.success) {
            options.onRequest?.({
              method: req.method,
              url: logUrl,
              attempt,
              status,
              durationMs: performance.now() - started,
              ...(usage ? { usage } : {}),
              willRetry: false,
            });
            return parsed.data;
          }
          failure = new GraphError(
            `Graph API answered ${req.method} ${redact(req.path, secrets)} with an unexpected body: ${issuesOf(
              parsed.error,
            )
              .map((i) => `${i.path || '(root)'}: ${i.message}`)
              .join('; ')}`,
            { status },
            { code: 'invalid_response', retryable: false },
          );
        } else {
          failure = graphErrorFrom(body, response, secrets);
          const metaAnswered = typeof body === 'object' && body !== null && 'error' in body;
          if (!idempotent && !metaAnswered && status >= 500) {
            // A gateway error without Meta's error JSON does not prove Meta dropped the request.
            failure = new GraphError(
              `Graph API answered HTTP ${status} to ${req.method} ${redact(req.path, secrets)}; the outcome is unknown`,
              { status },
              { code: 'outcome_unknown', retryable: true },
            );
          }
        }
      } catch (error) {
        failure = networkFailure(error, req, idempotent, secrets);
      }

      const retryAfterMs = failure instanceof RateLimitError ? failure.retryAfterMs : undefined;
      const retryable =
        failure.retryable &&
        failure.code !== 'outcome_unknown' &&
        attempt <= limit &&
        (retryAfterMs === undefined || retryAfterMs <= maxRetryAfterMs);
      options.onRequest?.({
        method: req.method,
        url: logUrl,
        attempt,
        ...(status === undefined ? {} : { status }),
        durationMs: performance.now() - started,
        error: {
          name: failure.name,
          code: failure.code,
          ...(failure.graphCode === undefined ? {} : { graphCode: failure.graphCode }),
          ...(failure.subcode === undefined ? {} : { subcode: failure.subcode }),
          retryable: failure.retryable,
        },
        ...(usage ? { usage } : {}),
        willRetry: retryable,
      });
      if (!retryable) throw failure;
      await sleep(Math.max(retryAfterMs ?? 0, backoff(attempt)));
    }
  }

  function networkFailure(
    error: unknown,
    req: GraphRequest<unknown>,
    idempotent: boolean,
    secrets: Array<string | undefined>,
  ): GraphError {
    if (isPagedeskError(error) && error instanceof GraphError) return error;
    const what = `${req.method} ${redact(req.path, secrets)}`;
    const timedOut = isTimeoutError(error);
    const code = networkCode(error);
    const neverSent = !timedOut && code !== undefined && NEVER_ESTABLISHED.has(code);
    const detail = redact(error instanceof Error ? error.message : String(error), secrets);
    if (idempotent || neverSent)
      return new GraphError(
        `Graph API ${what} failed: ${timedOut ? 'timed out' : detail}`,
        {},
        {
          code: timedOut ? 'timeout' : 'network_error',
          retryable: true,
        },
      );
    // The request may have reached Meta: never repeat a non-idempotent call blindly.
    return new GraphError(
      `Graph API ${what} ${timedOut ? 'timed out' : `failed (${detail})`}; the outcome is unknown`,
      {},
      { code: 'outcome_unknown', retryable: true },
    );
  }

  function forPage(page: { id: string; accessToken: string; node?: string }): PageGraph {
    if (!page.id || !page.accessToken)
      throw new ValidationError('page', [{ path: page.id ? 'accessToken' : 'id', message: 'required' }]);
    const token = page.accessToken;
    const node = encodeURIComponent(page.node ?? page.id);
    const send = async (body: Record<string, unknown>): Promise<SendResult> => {
      const result = await request({
        method: 'POST',
        path: `${node}/messages`,
        accessToken: token,
        json: body,
        schema: sendResultSchema,
        idempotent: false,
      });
      return {
        messageId: result.message_id,
        ...optional('recipientId', result.recipient_id),
        ...optional('attachmentId', result.attachment_id),
      };
    };
    return {
      pageId: page.id,
      send: async (message) => send(buildSendBody(message)),
      async senderAction(recipientId, action, actionOptions = {}) {
        if (!recipientId)
          throw new ValidationError('sender action', [{ path: 'recipientId', message: 'required' }]);
        await request({
          method: 'POST',
          path: `${node}/messages`,
          accessToken: token,
          json: {
            recipient: { id: recipientId },
            sender_action: action,
            // Meta accepts persona_id only with typing indicators (platform.md §3.8).
            ...(actionOptions.personaId && action !== 'mark_seen'
              ? { persona_id: actionOptions.personaId }
              : {}),
          },
          schema: z.object({ recipient_id: z.optional(z.string()) }),
          // Repeating a typing indicator or mark_seen is harmless.
          idempotent: true,
        });
      },
      async uploadAttachment(upload, uploadOptions = {}) {
        const query = uploadOptions.platform === 'instagram' ? { platform: 'instagram' } : undefined;
        const schema = z.object({ attachment_id: z.string() });
        if ('url' in upload) {
          const result = await request({
            method: 'POST',
            path: `${node}/message_attachments`,
            accessToken: token,
            ...(query ? { query } : {}),
            json: {
              message: { attachment: { type: upload.type, payload: { url: upload.url, is_reusable: true } } },
            },
            schema,
            // An extra upload only wastes an id: safe to repeat.
            idempotent: true,
          });
          return result.attachment_id;
        }
        const form = new FormData();
        form.set(
          'message',
          JSON.stringify({ attachment: { type: upload.type, payload: { is_reusable: true } } }),
        );
        const blob =
          upload.data instanceof Blob
            ? upload.data
            : new Blob([upload.data as Uint8Array<ArrayBuffer>], { type: upload.mimeType });
        form.set('filedata', blob, upload.fileName);
        const result = await request({
          method: 'POST',
          path: `${node}/message_attachments`,
          accessToken: token,
          ...(query ? { query } : {}),
          form,
          schema,
          idempotent: true,
        });
        return result.attachment_id;
      },
      async privateReply(target, message) {
        return send(buildSendBody({ ...message, recipient: target, messagingType: 'RESPONSE' }));
      },
      async replyToComment(commentId, text, platform) {
        if (!commentId || !text)
          throw new ValidationError('comment reply', [
            { path: commentId ? 'text' : 'commentId', message: 'required' },
          ]);
        const edge = platform === 'instagram' ? 'replies' : 'comments';
        return request({
          method: 'POST',
          path: `${encodeURIComponent(commentId)}/${edge}`,
          accessToken: token,
          json: { message: text },
          schema: z.object({ id: z.string() }),
          idempotent: false,
        });
      },
      async profile(userId, platform) {
        const fields =
          platform === 'instagram' ? 'name,username,profile_pic' : 'first_name,last_name,name,profile_pic';
        const p = await request({
          method: 'GET',
          path: encodeURIComponent(userId),
          accessToken: token,
          query: { fields },
          schema: profileSchema,
        });
        const name = p.name ?? ([p.first_name, p.last_name].filter(Boolean).join(' ') || undefined);
        return {
          id: p.id ?? userId,
          ...optional('name', name),
          ...optional('firstName', p.first_name),
          ...optional('lastName', p.last_name),
          ...optional('username', p.username),
          ...optional('avatarUrl', p.profile_pic),
        };
      },
      async subscribedApps() {
        const result = await request({
          method: 'GET',
          path: `${node}/subscribed_apps`,
          accessToken: token,
          schema: subscribedAppsSchema,
        });
        return result.data.map((app) => ({
          id: app.id,
          ...optional('name', app.name),
          subscribedFields: (app.subscribed_fields ?? []).map((f) => (typeof f === 'string' ? f : f.name)),
        }));
      },
      async subscribe(fields) {
        if (fields.length === 0)
          throw new ValidationError('subscription', [{ path: 'fields', message: 'empty' }]);
        const result = await request({
          method: 'POST',
          path: `${node}/subscribed_apps`,
          accessToken: token,
          query: { subscribed_fields: fields.join(',') },
          schema: successSchema,
          idempotent: true,
        });
        if (result.success !== true && result.success !== 'true')
          throw new GraphError('Meta did not confirm the webhook subscription', {}, { retryable: true });
      },
      async unsubscribe() {
        await request({
          method: 'DELETE',
          path: `${node}/subscribed_apps`,
          accessToken: token,
          schema: successSchema,
          idempotent: true,
        });
      },
      async conversations({ platform, limit: pageSize = 25, after }) {
        const result = await request({
          method: 'GET',
          path: `${node}/conversations`,
          accessToken: token,
          query: { platform, fields: 'id,updated_time,participants', limit: pageSize, after },
          schema: conversationsSchema,
        });
        return {
          items: result.data.map((c) => ({
            id: c.id,
            ...optional('updatedAt', parseGraphTime(c.updated_time)),
            participants: (c.participants?.data ?? []).map((p) => ({
              id: p.id,
              ...optional('name', p.name),
              ...optional('username', p.username),
            })),
          })),
          after: result.paging?.next ? (result.paging.cursors?.after ?? null) : null,
        };
      },
      async conversationMessages(conversationId, { limit: pageSize = 25, after } = {}) {
        const result = await request({
          method: 'GET',
          path: `${encodeURIComponent(conversationId)}/messages`,
          accessToken: token,
          query: { fields: 'id,created_time,from,to,message,attachments', limit: pageSize, after },
          schema: historyMessagesSchema,
        });
        const items: HistoryMessage[] = [];
        for (const m of result.data) {
          const createdAt = parseGraphTime(m.created_time);
          if (createdAt === undefined) continue;
          items.push({
            id: m.id,
            createdAt,
            from: {
              id: m.from.id,
              ...optional('name', m.from.name),
              ...optional('username', m.from.username),
            },
            to: (m.to?.data ?? []).map((p) => p.id),
            ...optional('text', m.message || undefined),
            attachments: (m.attachments?.data ?? []).map((a) => ({
              ...optional('url', a.image_data?.url ?? a.video_data?.url ?? a.file_url),
              ...optional('mimeType', a.mime_type),
              ...optional('name', a.name),
              ...optional('size', a.size),
            })),
          });
        }
        return { items, after: result.paging?.next ? (result.paging.cursors?.after ?? null) : null };
      },
      async createPersona({ name, profilePictureUrl }) {
        if (!name || name.length > 50)
          throw new ValidationError('persona', [
            { path: 'name', message: 'required, at most 50 characters' },
          ]);
        const result = await request({
          method: 'POST',
          path: `${node}/personas`,
          accessToken: token,
          json: { name, ...(profilePictureUrl ? { profile_picture_url: profilePictureUrl } : {}) },
          schema: z.object({ id: z.string() }),
          idempotent: false,
        });
        return result.id;
      },
      async deletePersona(personaId) {
        await request({
          method: 'DELETE',
          path: encodeURIComponent(personaId),
          accessToken: token,
          schema: successSchema,
          idempotent: true,
        });
      },
    };
  }

  function forUser(userAccessToken: string): UserGraph {
    if (!userAccessToken)
      throw new ValidationError('user token', [{ path: 'userAccessToken', message: 'required' }]);
    return {
      async accounts({ maxPages = 20 } = {}) {
        const pages: AccountPage[] = [];
        let after: string | undefined;
        for (let i = 0; i < maxPages; i++) {
          const result = await request({
            method: 'GET',
            path: 'me/accounts',
            accessToken: userAccessToken,
            query: {
              fields:
                'id,name,access_token,tasks,picture{url},instagram_business_account{id,username,name,profile_picture_url}',
              limit: 100,
              after,
            },
            schema: accountsSchema,
          });
          for (const p of result.data) {
            const ig = p.instagram_business_account;
            pages.push({
              id: p.id,
              name: p.name,
              ...optional('accessToken', p.access_token),
              tasks: p.tasks ?? [],
              ...optional('pictureUrl', p.picture?.data?.url),
              ...(ig
                ? {
                    instagram: {
                      id: ig.id,
                      ...optional('username', ig.username),
                      ...optional('name', ig.name),
                      ...optional('pictureUrl', ig.profile_picture_url),
                    },
                  }
                : {}),
            });
          }
          const next = result.paging?.next ? result.paging.cursors?.after : undefined;
          if (!next) break;
          after = next;
        }
        return pages;
      },
    };
  }

  function requireAppId(what: string): string {
    if (!appId)
      throw new ValidationError('Graph client options', [{ path: 'appId', message: `required for ${what}` }]);
    return appId;
  }

  return {
    version,
    baseUrl,
    appId,
    forPage,
    forUser,
    appsecretProof,
    request,
    async debugToken(inputToken) {
      const id = requireAppId('debug_token');
      const result = await request({
        method: 'GET',
        path: 'debug_token',
        accessToken: `${id}|${appSecret}`,
        query: { input_token: inputToken },
        schema: debugTokenSchema,
      });
      const d = result.data;
      return {
        isValid: d.is_valid,
        ...optional('appId', d.app_id),
        ...optional('type', d.type),
        ...optional('profileId', d.profile_id),
        ...optional('userId', d.user_id),
        scopes: d.scopes ?? [],
        granularScopes: (d.granular_scopes ?? []).map((g) => ({
          scope: g.scope,
          targetIds: g.target_ids ?? [],
        })),
        expiresAt: epochSecondsToMs(d.expires_at),
        dataAccessExpiresAt: epochSecondsToMs(d.data_access_expires_at),
        ...optional('issuedAt', d.issued_at === undefined ? undefined : d.issued_at * 1000),
        ...(d.error
          ? {
              error: {
                ...optional('code', d.error.code),
                ...optional('subcode', d.error.subcode),
                ...optional('message', d.error.message && redact(d.error.message, [inputToken, appSecret])),
              },
            }
          : {}),
      };
    },
    async exchangeUserToken(userAccessToken) {
      const id = requireAppId('exchangeUserToken');
      const result = await request({
        method: 'GET',
        path: 'oauth/access_token',
        query: {
          grant_type: 'fb_exchange_token',
          client_id: id,
          client_secret: appSecret,
          fb_exchange_token: userAccessToken,
        },
        schema: z.object({ access_token: z.string(), expires_in: z.optional(z.number()) }),
      });
      return {
        accessToken: result.access_token,
        expiresAt: result.expires_in ? Date.now() + result.expires_in * 1000 : null,
      };
    },
  };
}

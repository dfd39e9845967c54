import * as z from 'zod/mini';
import {
  GraphError,
  type GraphErrorDetails,
  PermissionError,
  RateLimitError,
  RecipientUnavailableError,
  ThreadControlError,
  TokenError,
  type TokenErrorReason,
  WindowClosedError,
} from '../errors.js';

// Meta's error JSON → Pagedesk's typed errors, by code + subcode only (https://developers.facebook.com/docs/graph-api/guides/error-handling/: never by HTTP
// status or message text, which Meta rewords). One table so every mapping is tested in one place.

const metaErrorSchema = z.object({
  error: z.object({
    message: z.optional(z.string()),
    type: z.optional(z.string()),
    code: z.optional(z.number()),
    error_subcode: z.optional(z.number()),
    fbtrace_id: z.optional(z.string()),
    is_transient: z.optional(z.boolean()),
    error_user_msg: z.optional(z.string()),
  }),
});

/** What a Graph response told us besides its body: enough to read the usage headers. */
export interface GraphResponseInfo {
  status?: number;
  headers?: Headers | { get(name: string): string | null };
}

/** Parsed rate-limit usage headers (https://developers.facebook.com/docs/graph-api/overview/rate-limiting); percentages of quota. */
export interface GraphUsage {
  /** `X-App-Usage`: app-level call count / time percentages. */
  app?: { callCount?: number; totalTime?: number; totalCputime?: number };
  /** `X-Business-Use-Case-Usage`, flattened over business objects. */
  business?: Array<{
    objectId: string;
    type?: string;
    callCount?: number;
    totalTime?: number;
    totalCputime?: number;
    /** Minutes until the object may call again. */
    estimatedTimeToRegainAccess?: number;
  }>;
  /** `X-Page-Usage` when Meta still sends it. */
  page?: { callCount?: number; totalTime?: number; totalCputime?: number };
  /** The largest usage percentage seen in any header (0–100+). */
  maxPercent: number;
  /** How long Meta asked us to wait, in ms, from BUC `estimated_time_to_regain_access` or `Retry-After`. */
  retryAfterMs?: number;
}

const percentSchema = z.object({
  call_count: z.optional(z.number()),
  total_time: z.optional(z.number()),
  total_cputime: z.optional(z.number()),
});
const bucSchema = z.record(
  z.string(),
  z.array(
    z.object({
      type: z.optional(z.string()),
      call_count: z.optional(z.number()),
      total_time: z.optional(z.number()),
      total_cputime: z.optional(z.number()),
      estimated_time_to_regain_access: z.optional(z.number()),
    }),
  ),
);

function parseJsonHeader<T>(value: string | null | undefined, schema: z.ZodMiniType<T>): T | undefined {
  if (!value) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function percents(p: z.infer<typeof percentSchema>) {
  return {
    ...(p.call_count === undefined ? {} : { callCount: p.call_count }),
    ...(p.total_time === undefined ? {} : { totalTime: p.total_time }),
    ...(p.total_cputime === undefined ? {} : { totalCputime: p.total_cputime }),
  };
}

/**
 * Reads Meta's usage headers (`X-App-Usage`, `X-Business-Use-Case-Usage`, `X-Page-Usage`, `Retry-After`).
 * Returns undefined when the response carried none of them. Malformed header JSON is ignored.
 *
 * @example
 * const usage = parseUsageHeaders(response.headers);
 * if (usage && usage.maxPercent > 90) slowDown();
 */
export function parseUsageHeaders(headers: GraphResponseInfo['headers']): GraphUsage | undefined {
  if (!headers) return undefined;
  const app = parseJsonHeader(headers.get('x-app-usage'), percentSchema);
  const page = parseJsonHeader(headers.get('x-page-usage'), percentSchema);
  const buc = parseJsonHeader(headers.get('x-business-use-case-usage'), bucSchema);
  const retryAfter = headers.get('retry-after');
  if (!app && !page && !buc && !retryAfter) return undefined;
  const usage: GraphUsage = { maxPercent: 0 };
  const seen: number[] = [];
  if (app) {
    usage.app = percents(app);
    seen.push(app.call_count ?? 0, app.total_time ?? 0, app.total_cputime ?? 0);
  }
  if (page) {
    usage.page = percents(page);
    seen.push(page.call_count ?? 0, page.total_time ?? 0, page.total_cputime ?? 0);
  }
  let regainMinutes: number | undefined;
  if (buc) {
    usage.business = [];
    for (const [objectId, entries] of Object.entries(buc)) {
      for (const entry of entries) {
        usage.business.push({
          objectId,
          ...(entry.type === undefined ? {} : { type: entry.type }),
          ...percents(entry),
          ...(entry.estimated_time_to_regain_access === undefined
            ? {}
            : { estimatedTimeToRegainAccess: entry.estimated_time_to_regain_access }),
        });
        seen.push(entry.call_count ?? 0, entry.total_time ?? 0, entry.total_cputime ?? 0);
        const minutes = entry.estimated_time_to_regain_access;
        if (minutes !== undefined && minutes > 0) regainMinutes = Math.max(regainMinutes ?? 0, minutes);
      }
    }
  }
  usage.maxPercent = seen.length > 0 ? Math.max(...seen) : 0;
  if (regainMinutes !== undefined) usage.retryAfterMs = regainMinutes * 60_000;
  else if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) usage.retryAfterMs = seconds * 1000;
    else {
      const at = Date.parse(retryAfter);
      if (Number.isFinite(at)) usage.retryAfterMs = Math.max(0, at - Date.now());
    }
  }
  return usage;
}

const SECRET_PARAMS =
  /((?:access_token|appsecret_proof|client_secret|fb_exchange_token|input_token|appsecret_time)=)[^&\s"']*/gi;

/**
 * Removes tokens and secrets from a text (a URL, an error message): the values of `access_token`,
 * `appsecret_proof`, `client_secret`, `fb_exchange_token` and `input_token`, and any literal secret
 * given. Use it on anything that may reach a log line or an error message.
 *
 * @example
 * redact('https://graph.facebook.com/v25.0/me?access_token=EAAB') // '...?access_token=[redacted]'
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text.replace(SECRET_PARAMS, '$1[redacted]');
  for (const secret of secrets) {
    // Short values would redact ordinary words; real tokens and secrets are long.
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Code 190 / 102 subcodes → why the token stopped working (Graph API error handling guide); debug_token's too. */
export function tokenReason(subcode: number | undefined): TokenErrorReason {
  switch (subcode) {
    case 458:
      return 'app_removed';
    case 459:
      return 'checkpoint';
    case 460:
      return 'password_changed';
    case 463:
      return 'expired';
    // 492: the person behind the Page token lost their role on the Page (the subcode Meta answers then; its docs do not name one).
    case 492:
    case 462:
      return 'session_invalid';
    default:
      return 'invalid';
  }
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613]);
const TRANSIENT_CODES = new Set([1, 2, 1200]);
const RECIPIENT_SUBCODES = new Set([2018001, 2018108, 1545041]);

/** True for Meta's rate-limit codes (Graph API rate limiting guide), including the business use case 800xx family. */
export function isRateLimitCode(code: number | undefined, subcode?: number): boolean {
  if (code === undefined) return false;
  if (code === 613 && subcode === 2018338) return false;
  return RATE_LIMIT_CODES.has(code) || (code >= 80000 && code < 80100);
}

/**
 * Maps a Graph API error body to the typed Pagedesk error (Messenger Platform error codes,
 * https://developers.facebook.com/docs/messenger-platform/error-codes), by `code` and
 * `error_subcode`. `response` supplies the HTTP status and the usage headers that decide
 * `RateLimitError.retryAfterMs`. A body that is not Meta's error JSON becomes a `GraphError`
 * (retryable for HTTP 5xx). Messages never carry tokens: pass them as `secrets` to be sure.
 *
 * @example
 * const error = graphErrorFrom(await response.json(), response);
 * if (error instanceof WindowClosedError) showClosedBanner();
 */
export function graphErrorFrom(
  json: unknown,
  response: GraphResponseInfo = {},
  secrets: ReadonlyArray<string | undefined> = [],
): GraphError {
  const status = response.status;
  const parsed = metaErrorSchema.safeParse(json);
  if (!parsed.success) {
    const serverError = status !== undefined && status >= 500;
    return new GraphError(
      `Graph API answered HTTP ${status ?? 'error'} without an error body`,
      status === undefined ? {} : { status },
      { retryable: serverError || status === 429 },
    );
  }
  const e = parsed.data.error;
  const code = e.code;
  const subcode = e.error_subcode;
  const details: GraphErrorDetails = {
    ...(code === undefined ? {} : { graphCode: code }),
    ...(subcode === undefined ? {} : { subcode }),
    ...(e.fbtrace_id === undefined ? {} : { fbtraceId: e.fbtrace_id }),
    ...(status === undefined ? {} : { status }),
    ...(e.type === undefined ? {} : { type: e.type }),
  };
  const text = redact(`Meta: ${e.message ?? 'unknown error'}`, secrets);

  if (code === 190 || code === 102) return new TokenError(text, tokenReason(subcode), details);
  if (code === 2018300 || subcode === 2018300) return new ThreadControlError(text, details);
  if (code === 10 && (subcode === 2018278 || subcode === 2534022))
    return new WindowClosedError(text, details);
  if (code === 551 || (subcode !== undefined && RECIPIENT_SUBCODES.has(subcode)))
    return new RecipientUnavailableError(text, details);
  if (isRateLimitCode(code, subcode)) {
    const usage = parseUsageHeaders(response.headers);
    return new RateLimitError(text, {
      ...details,
      ...(usage?.retryAfterMs === undefined ? {} : { retryAfterMs: usage.retryAfterMs }),
    });
  }
  if (code === 613 && subcode === 2018338) return new PermissionError(text, details);
  if (code === 10 || code === 230 || (code !== undefined && code >= 200 && code <= 299))
    return new PermissionError(text, details);
  const transient =
    (code !== undefined && TRANSIENT_CODES.has(code) && !(code === 2 && subcode === 2018344)) ||
    e.is_transient === true ||
    (status !== undefined && status >= 500 && code !== 100);
  return new GraphError(text, details, { retryable: transient });
}

import { createHmac } from 'node:crypto';
import { isTimeoutError, type KyInstance } from 'ky';
import type * as z from 'zod/mini';
import { GraphError, isPagedeskError, RateLimitError } from '../errors.js';
import { zodIssues } from '../issues.js';
import { type GraphUsage, graphErrorFrom, parseUsageHeaders, redact } from './graphErrors.js';

// One Graph call with Pagedesk's retry policy, which ky's own retry cannot express: Meta answers HTTP
// 400 for many transient codes (1200, 2), rate limits carry their wait in headers and bodies, and a
// Send API POST must never be repeated when Meta may already have accepted it. `sleep` is injected
// so tests never wait.

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

// Errors raised before a connection existed: the request cannot have reached Meta.
const NEVER_ESTABLISHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// Query parameters that carry a credential (a token given in the query rather than as `accessToken`,
// an OAuth `code`): their values are redacted from Meta's error text as well as from URLs.
const SECRET_QUERY_PARAMS = ['input_token', 'fb_exchange_token', 'client_secret', 'access_token', 'code'];

/** Runs one {@link GraphRequest}; what a client's `request` is. */
export type GraphRequester = <T>(request: GraphRequest<T>) => Promise<T>;

/** What the request loop needs from the client: the HTTP instance, the app secret and the retry policy. */
export interface GraphRequestSettings {
  http: KyInstance;
  appSecret: string;
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onRequest?: ((info: GraphRequestInfo) => void) | undefined;
}

/** hex HMAC-SHA256(app secret, token) (https://developers.facebook.com/docs/facebook-login/security). */
export function appsecretProofOf(appSecret: string, token: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

/** The request function of a Graph client: signs, sends, parses, and retries what is safe to retry. */
export function createGraphRequest(settings: GraphRequestSettings): GraphRequester {
  const { http, appSecret, limit, baseDelayMs, maxDelayMs, maxRetryAfterMs, sleep, random } = settings;

  const log = (info: GraphRequestInfo) => {
    try {
      settings.onRequest?.(info);
    } catch {
      // A broken log hook must not break the call it logs.
    }
  };

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
      params.set('appsecret_proof', appsecretProofOf(appSecret, req.accessToken));
    }
    const query = params.toString();
    const input = query ? `${req.path}?${query}` : req.path;
    const secrets = [
      req.accessToken,
      appSecret,
      ...SECRET_QUERY_PARAMS.map((key) => params.get(key) ?? undefined),
    ];
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
            log({
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
            `Graph API answered ${req.method} ${redact(req.path, secrets)} with an unexpected body: ${zodIssues(
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
      log({
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

  return request;
}

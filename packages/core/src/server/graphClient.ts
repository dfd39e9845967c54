import ky from 'ky';
import { ValidationError } from '../errors.js';
import { redact } from './graphErrors.js';
import {
  appsecretProofOf,
  createGraphRequest,
  type GraphRequest,
  type GraphRequestInfo,
} from './graphRequest.js';
import { debugTokenSchema, epochSecondsToMs, longLivedTokenSchema, optional } from './graphSchemas.js';
import { createPageGraph, type PageGraph } from './pageGraph.js';
import { createUserGraph, type UserGraph } from './userGraph.js';

// The Graph API client: ky for the HTTP call (prefix URL, timeout, injectable fetch), zod for every
// response (graphSchemas.ts), our own retry loop (graphRequest.ts) for the policy ky cannot express.
// The Page and user calls live in pageGraph.ts and userGraph.ts; this module holds the app's own
// calls (debug_token, the token exchange) and ties the pieces to one app's credentials.

/** Default Graph API version; one setting for the whole client. */
export const DEFAULT_GRAPH_VERSION = '25.0';

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
  /** Clock for token expiry times; default `Date.now`. */
  now?: () => number;
  /** Log hook; receives redacted information only. */
  onRequest?: (info: GraphRequestInfo) => void;
}

/** `debug_token`'s answer (https://developers.facebook.com/docs/graph-api/reference/debug_token); times in epoch ms, `null` for never. */
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
  /** hex HMAC-SHA256(app secret, token) (https://developers.facebook.com/docs/facebook-login/security). */
  appsecretProof(accessToken: string): string;
  request<T>(request: GraphRequest<T>): Promise<T>;
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
  const http = ky.create({
    prefixUrl: `${baseUrl}/v${version}`,
    timeout: options.timeoutMs ?? 20_000,
    retry: 0,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const request = createGraphRequest({
    http,
    appSecret,
    limit,
    baseDelayMs,
    maxDelayMs,
    maxRetryAfterMs,
    sleep,
    random,
    onRequest: options.onRequest,
  });

  function requireAppId(what: string): string {
    if (!appId)
      throw new ValidationError('Graph client options', [{ path: 'appId', message: `required for ${what}` }]);
    return appId;
  }

  return {
    version,
    baseUrl,
    appId,
    forPage: (page) => createPageGraph(request, page),
    forUser: (userAccessToken) => createUserGraph(request, userAccessToken),
    appsecretProof: (token) => appsecretProofOf(appSecret, token),
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
        schema: longLivedTokenSchema,
      });
      return {
        accessToken: result.access_token,
        expiresAt: result.expires_in ? (options.now ?? Date.now)() + result.expires_in * 1000 : null,
      };
    },
  };
}

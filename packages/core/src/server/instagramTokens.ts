import ky from 'ky';
import * as z from 'zod/mini';
import { createGraphRequest, type GraphRequester } from './graphRequest.js';

// The token calls of graph.instagram.com, shared by `createInstagramLogin` and the Instagram-Login
// channels: the long-lived exchange and the refresh, both unversioned and with the token in the
// query (https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token).

/** A long-lived Instagram user token. */
export interface InstagramToken {
  accessToken: string;
  /** Epoch ms; the token works until then unless refreshed. */
  expiresAt: number;
}

/** How long a long-lived Instagram token lives from its issue or last refresh. */
export const INSTAGRAM_TOKEN_LIFETIME_MS = 60 * 86_400_000;

const longTokenSchema = z.object({ access_token: z.string(), expires_in: z.number() });

/** Pagedesk's Graph request loop over an Instagram host (`api.instagram.com`, `graph.instagram.com`). */
export function instagramRequester(
  prefixUrl: string,
  appSecret: string,
  fetch?: typeof globalThis.fetch,
): GraphRequester {
  return createGraphRequest({
    http: ky.create({
      prefixUrl: prefixUrl.replace(/\/+$/, ''),
      timeout: 20_000,
      retry: 0,
      throwHttpErrors: false,
      ...(fetch ? { fetch } : {}),
    }),
    appSecret,
    limit: 2,
    baseDelayMs: 500,
    maxDelayMs: 5_000,
    maxRetryAfterMs: 30_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  });
}

/** `GET refresh_access_token` (ig_refresh_token): a fresh 60-day token for a valid one ≥ 24 h old. */
export async function refreshInstagramToken(
  graph: GraphRequester,
  accessToken: string,
  now: number,
): Promise<InstagramToken> {
  const result = await graph({
    method: 'GET',
    path: 'refresh_access_token',
    query: { grant_type: 'ig_refresh_token', access_token: accessToken },
    schema: longTokenSchema,
  });
  return { accessToken: result.access_token, expiresAt: now + result.expires_in * 1000 };
}

/** `GET access_token` (ig_exchange_token): short-lived → long-lived (60 days); carries the app secret. */
export async function exchangeInstagramToken(
  graph: GraphRequester,
  shortLivedToken: string,
  appSecret: string,
  now: number,
): Promise<InstagramToken> {
  const result = await graph({
    method: 'GET',
    path: 'access_token',
    query: { grant_type: 'ig_exchange_token', client_secret: appSecret, access_token: shortLivedToken },
    schema: longTokenSchema,
  });
  return { accessToken: result.access_token, expiresAt: now + result.expires_in * 1000 };
}

import * as z from 'zod/mini';
import { GraphError, ValidationError } from '../errors.js';
import { parseOrThrow } from '../parseOrThrow.js';
import {
  exchangeInstagramToken,
  type InstagramToken,
  instagramRequester,
  refreshInstagramToken,
} from './instagramTokens.js';
import { AuthorizationCodeError, RefreshTooEarlyError } from './loginErrors.js';
import {
  INSTAGRAM_LOGIN_PERMISSIONS,
  type InstagramCapability,
  permissionsFor,
  requireGranted,
} from './loginPermissions.js';
import {
  type LoginAppOptions,
  type LoginRedirect,
  type LoginRedirectInput,
  parseLoginRedirect,
} from './loginRedirect.js';

// Instagram API with Instagram Login: an Instagram professional account logs in with Instagram
// itself, no Facebook Page. Authorize on instagram.com, code → short-lived token (1 h) on
// api.instagram.com, → long-lived (60 days) and refresh on graph.instagram.com.
// https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login
// https://developers.facebook.com/docs/instagram-platform/reference/access_token
// https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token

const DAY = 86_400_000;

/**
 * Options of {@link createInstagramLogin}: the **Instagram** app id and secret (App Dashboard ›
 * Instagram › API setup with Instagram login, not the Meta app's; the secret also signs this route's
 * webhooks) and the redirect URI registered there.
 */
export interface InstagramLoginOptions extends LoginAppOptions {
  /** What the host uses; `exchangeCode` checks the grant against them. Default `['messages']`. */
  capabilities?: readonly InstagramCapability[];
  /** Default `https://www.instagram.com` (the login window). */
  authorizeBaseUrl?: string;
  /** Default `https://api.instagram.com` (the code exchange). */
  apiBaseUrl?: string;
  /** Default `https://graph.instagram.com` (long-lived exchange, refresh, the API). */
  graphBaseUrl?: string;
}

/** The server side of Instagram Login. */
export interface InstagramLogin {
  authorizeUrl(options: { state: string }): string;
  /** Reads the redirect (`#_` stripped from the code), or throws `LoginDeclinedError`. */
  handleRedirect(input: LoginRedirectInput): LoginRedirect;
  /** Code → short-lived → long-lived token (60 days); checks the granted scopes unless told not to. */
  exchangeCode(
    code: string,
    options?: { checkPermissions?: boolean },
  ): Promise<InstagramToken & { instagramUserId: string; permissions: string[] }>;
  /**
   * A new 60-day token for a long-lived one that is at least 24 hours old and not expired. With
   * `issuedAt` (when the token was obtained), a younger token is refused before calling Meta
   * (`RefreshTooEarlyError`); an expired one fails with `TokenError` (`expired`).
   */
  refresh(accessToken: string, options?: { issuedAt?: number }): Promise<InstagramToken>;
}

const optionsSchema = z.object({
  appId: z.string().check(z.regex(/^\d{1,20}$/, 'expected a numeric Instagram app id')),
  appSecret: z.string().check(z.minLength(8, 'expected the Instagram app secret')),
  redirectUri: z.url(),
  scopes: z.optional(z.array(z.string().check(z.regex(/^[a-z_]+$/, 'expected a scope name')))),
  capabilities: z.optional(z.array(z.enum(['messages', 'comments']))),
  authorizeBaseUrl: z.optional(z.url()),
  apiBaseUrl: z.optional(z.url()),
  graphBaseUrl: z.optional(z.url()),
});
const grantSchema = z.object({
  access_token: z.string(),
  user_id: z.union([z.string(), z.number()]),
  permissions: z.optional(z.union([z.string(), z.array(z.string())])),
});
// Meta's docs show the grant both bare and wrapped in `data: [...]`; accept either.
const shortTokenSchema = z.union([grantSchema, z.object({ data: z.tuple([grantSchema]) })]);

const trim = (url: string) => url.replace(/\/+$/, '');

/**
 * Creates the server side of Instagram Login (Instagram API with Instagram Login): the authorize
 * URL, the code exchange to a 60-day token and its refresh. Base URLs point at the emulator in tests.
 *
 * @example
 * const ig = createInstagramLogin({ appId: IG_APP_ID, appSecret: IG_APP_SECRET, redirectUri });
 * res.redirect(ig.authorizeUrl({ state: createLoginState({ secret, session: req.session.id }) }));
 * // on the callback:
 * const { code, state } = ig.handleRedirect(req.url);
 * verifyLoginState(state, { secret, session: req.session.id });
 * const { accessToken, instagramUserId, expiresAt } = await ig.exchangeCode(code);
 * @param options - the Instagram app, the redirect URI and what to ask for
 * @returns the login helpers
 */
export function createInstagramLogin(options: InstagramLoginOptions): InstagramLogin {
  const opts = parseOrThrow(optionsSchema, options, 'Instagram Login options');
  const capabilities = opts.capabilities ?? ['messages'];
  const scopes = opts.scopes ?? permissionsFor(INSTAGRAM_LOGIN_PERMISSIONS, capabilities);
  const now = options.now ?? Date.now;
  const authorizeBase = trim(opts.authorizeBaseUrl ?? 'https://www.instagram.com');
  const requester = (prefixUrl: string) => instagramRequester(prefixUrl, opts.appSecret, options.fetch);
  const api = requester(opts.apiBaseUrl ?? 'https://api.instagram.com');
  // Token calls on graph.instagram.com are unversioned; `access_token` goes in the query, not as a
  // Graph `accessToken` (no appsecret_proof is documented for this host).
  const graph = requester(opts.graphBaseUrl ?? 'https://graph.instagram.com');

  async function shortLived(code: string) {
    const form = new FormData();
    form.set('client_id', opts.appId);
    form.set('client_secret', opts.appSecret);
    form.set('grant_type', 'authorization_code');
    form.set('redirect_uri', opts.redirectUri);
    form.set('code', code);
    try {
      const result = await api({
        method: 'POST',
        path: 'oauth/access_token',
        form,
        schema: shortTokenSchema,
      });
      return 'data' in result ? result.data[0] : result;
    } catch (error) {
      // Instagram answers a used, expired or mismatched code with HTTP 400 and its own error shape,
      // which does not say which of the three it was.
      if (error instanceof GraphError && error.status === 400)
        throw new AuthorizationCodeError('invalid', { status: 400 }, { cause: error });
      throw error;
    }
  }

  return {
    authorizeUrl({ state }) {
      if (typeof state !== 'string' || state.length === 0)
        throw new ValidationError('authorizeUrl', [
          { path: 'state', message: 'required (see createLoginState)' },
        ]);
      const params = new URLSearchParams({
        client_id: opts.appId,
        redirect_uri: opts.redirectUri,
        response_type: 'code',
        scope: scopes.join(','),
        state,
      });
      return `${authorizeBase}/oauth/authorize?${params}`;
    },
    handleRedirect: parseLoginRedirect,
    async exchangeCode(code, { checkPermissions = true } = {}) {
      if (typeof code !== 'string' || code.length === 0)
        throw new ValidationError('exchangeCode', [{ path: 'code', message: 'required' }]);
      const grant = await shortLived(code.replace(/#_$/, ''));
      const permissions =
        typeof grant.permissions === 'string'
          ? grant.permissions.split(',').filter(Boolean)
          : (grant.permissions ?? []);
      if (checkPermissions) requireGranted(INSTAGRAM_LOGIN_PERMISSIONS, capabilities, permissions);
      const token = await exchangeInstagramToken(graph, grant.access_token, opts.appSecret, now());
      return { ...token, instagramUserId: String(grant.user_id), permissions };
    },
    async refresh(accessToken, { issuedAt } = {}) {
      if (typeof accessToken !== 'string' || accessToken.length === 0)
        throw new ValidationError('refresh', [{ path: 'accessToken', message: 'required' }]);
      if (issuedAt !== undefined && now() - issuedAt < DAY) throw new RefreshTooEarlyError(issuedAt + DAY);
      return refreshInstagramToken(graph, accessToken, now());
    },
  };
}

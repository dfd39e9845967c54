import * as z from 'zod/mini';
import { GraphError, ValidationError } from '../errors.js';
import { parseOrThrow } from '../parseOrThrow.js';
import { createGraphClient, DEFAULT_GRAPH_VERSION } from './graphClient.js';
import type { GraphRequestInfo } from './graphRequest.js';
import { AuthorizationCodeError, type AuthorizationCodeFailure } from './loginErrors.js';
import {
  FACEBOOK_LOGIN_PERMISSIONS,
  type FacebookCapability,
  permissionsFor,
  requireGranted,
} from './loginPermissions.js';
import {
  type LoginAppOptions,
  type LoginRedirect,
  type LoginRedirectInput,
  parseLoginRedirect,
} from './loginRedirect.js';

// Server-side Facebook Login for Business (the manual flow): the dialog URL, the redirect, the code →
// short-lived → long-lived user token exchange and the check of what the person granted.
// https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
// https://developers.facebook.com/docs/facebook-login/facebook-login-for-business
// https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived

/**
 * Options of {@link createFacebookLogin}: the Meta app id and secret, the redirect URI registered
 * under "Valid OAuth Redirect URIs", and `scopes` or `configId` (not both).
 */
export interface FacebookLoginOptions extends LoginAppOptions {
  /** A Facebook Login for Business configuration id (its permissions are set in the App Dashboard). */
  configId?: string;
  /** What the host uses; `exchangeCode` checks the grant against them. Default `['messenger']`. */
  capabilities?: readonly FacebookCapability[];
  /** Graph API version, e.g. `'25.0'`. */
  graphVersion?: string;
  /** Graph API base; default `https://graph.facebook.com` (the emulator's `graphUrl` in tests). */
  baseUrl?: string;
  /** Login dialog base; default `https://www.facebook.com` (the emulator's `url` in tests). */
  dialogBaseUrl?: string;
  /** Log hook of the Graph calls; codes, tokens and the app secret are redacted. */
  onRequest?: (info: GraphRequestInfo) => void;
}

/** What the person granted and declined (`GET /me/permissions`). */
export interface GrantedPermissions {
  granted: string[];
  declined: string[];
}

/** The server side of Facebook Login. */
export interface FacebookLogin {
  /** The login dialog URL; `rerequest` asks again for permissions the person declined before. */
  authorizeUrl(options: { state: string; rerequest?: boolean }): string;
  /** Reads the redirect: `{ code, state }`, or throws `LoginDeclinedError`. Verify `state` next. */
  handleRedirect(input: LoginRedirectInput): LoginRedirect;
  /**
   * Code → short-lived → long-lived user token (60 days), then checks the grant against the
   * capabilities (`MissingPermissionsError`) unless `checkPermissions: false`. A used, expired or
   * mismatched code throws `AuthorizationCodeError`.
   */
  exchangeCode(
    code: string,
    options?: { checkPermissions?: boolean },
  ): Promise<{ userAccessToken: string; expiresAt: number | null; permissions: GrantedPermissions }>;
  /** What the token's person granted and declined. */
  permissions(userAccessToken: string): Promise<GrantedPermissions>;
  /** Throws `MissingPermissionsError` naming each missing permission and the capability needing it. */
  requirePermissions(
    userAccessToken: string,
    capabilities?: readonly FacebookCapability[],
  ): Promise<GrantedPermissions>;
}

const optionsSchema = z.object({
  appId: z.string().check(z.regex(/^\d{1,20}$/, 'expected a numeric Meta app id')),
  appSecret: z.string().check(z.minLength(8, 'expected the Meta app secret')),
  redirectUri: z.url(),
  scopes: z.optional(z.array(z.string().check(z.regex(/^[a-z_]+$/, 'expected a permission name')))),
  configId: z.optional(z.string().check(z.minLength(1))),
  capabilities: z.optional(
    z.array(z.enum(['messenger', 'comments', 'history', 'instagram', 'instagramComments'])),
  ),
  graphVersion: z.optional(z.string()),
  baseUrl: z.optional(z.url()),
  dialogBaseUrl: z.optional(z.url()),
});
const shortTokenSchema = z.object({ access_token: z.string(), expires_in: z.optional(z.number()) });
const permissionsSchema = z.object({
  data: z.array(z.object({ permission: z.string(), status: z.string() })),
});

// Why Meta refused a code exchange (code 100). A reused code carries subcode 36009 ("This authorization
// code has been used", quoted in akeeba/sociallogin#102). No public source confirms a subcode for the
// other two, so they are told apart by Meta's message, as reported verbatim in public issues: "This
// authorization code has expired." (facebookarchive/php-graph-sdk#1124, SammyK/LaravelFacebookSdk#141)
// and "Error validating verification code. Please make sure your redirect_uri is identical to the one
// you used in the OAuth dialog request" (daviddesberg/PHPoAuthLib#520, SammyK/LaravelFacebookSdk#201).
function codeFailure(error: GraphError): AuthorizationCodeFailure {
  if (error.subcode === 36009 || /code has been used/i.test(error.message)) return 'used';
  if (/code has expired/i.test(error.message)) return 'expired';
  if (/redirect_uri is identical/i.test(error.message)) return 'redirect_mismatch';
  return 'invalid';
}

/**
 * Creates the server side of Facebook Login for Business: the dialog URL, the redirect, the code
 * exchange to a long-lived user token and the permission check. Pair it with
 * `createLoginState`/`verifyLoginState`, then hand the token to `channels.connect`.
 *
 * @example
 * const fb = createFacebookLogin({ appId, appSecret, redirectUri: 'https://desk.example.com/meta/callback' });
 * res.redirect(fb.authorizeUrl({ state: createLoginState({ secret, session: req.session.id }) }));
 * // on the callback:
 * const { code, state } = fb.handleRedirect(req.url);
 * verifyLoginState(state, { secret, session: req.session.id });
 * const { userAccessToken } = await fb.exchangeCode(code);
 * @param options - the Meta app, the redirect URI and what to ask for
 * @returns the login helpers
 */
export function createFacebookLogin(options: FacebookLoginOptions): FacebookLogin {
  const opts = parseOrThrow(optionsSchema, options, 'Facebook Login options');
  if (opts.scopes && opts.configId)
    throw new ValidationError('Facebook Login options', [
      {
        path: 'configId',
        message: 'give scopes or configId, not both (a configuration sets its own permissions)',
      },
    ]);
  const capabilities = opts.capabilities ?? ['messenger'];
  const scopes = opts.scopes ?? permissionsFor(FACEBOOK_LOGIN_PERMISSIONS, capabilities);
  const version = (opts.graphVersion ?? DEFAULT_GRAPH_VERSION).replace(/^v/, '');
  const dialogBase = (opts.dialogBaseUrl ?? 'https://www.facebook.com').replace(/\/+$/, '');
  const graph = createGraphClient({
    appId: opts.appId,
    appSecret: opts.appSecret,
    version,
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });

  async function permissions(userAccessToken: string): Promise<GrantedPermissions> {
    const result = await graph.request({
      method: 'GET',
      path: 'me/permissions',
      accessToken: userAccessToken,
      schema: permissionsSchema,
    });
    return {
      granted: result.data.filter((p) => p.status === 'granted').map((p) => p.permission),
      declined: result.data.filter((p) => p.status !== 'granted').map((p) => p.permission),
    };
  }

  async function requirePermissions(userAccessToken: string, wanted = capabilities) {
    const grant = await permissions(userAccessToken);
    requireGranted(FACEBOOK_LOGIN_PERMISSIONS, wanted, grant.granted);
    return grant;
  }

  async function shortLived(code: string): Promise<string> {
    try {
      const result = await graph.request({
        method: 'GET',
        path: 'oauth/access_token',
        query: {
          client_id: opts.appId,
          client_secret: opts.appSecret,
          redirect_uri: opts.redirectUri,
          code,
        },
        schema: shortTokenSchema,
      });
      return result.access_token;
    } catch (error) {
      if (error instanceof GraphError && error.graphCode === 100) {
        const reason = codeFailure(error);
        throw new AuthorizationCodeError(
          reason,
          {
            graphCode: 100,
            ...(error.subcode === undefined ? {} : { subcode: error.subcode }),
            ...(error.fbtraceId === undefined ? {} : { fbtraceId: error.fbtraceId }),
            ...(error.status === undefined ? {} : { status: error.status }),
          },
          { cause: error },
        );
      }
      throw error;
    }
  }

  return {
    authorizeUrl({ state, rerequest }) {
      if (typeof state !== 'string' || state.length === 0)
        throw new ValidationError('authorizeUrl', [
          { path: 'state', message: 'required (see createLoginState)' },
        ]);
      const params = new URLSearchParams({
        client_id: opts.appId,
        redirect_uri: opts.redirectUri,
        state,
        response_type: 'code',
      });
      if (opts.configId) params.set('config_id', opts.configId);
      else params.set('scope', scopes.join(','));
      if (rerequest) params.set('auth_type', 'rerequest');
      return `${dialogBase}/v${version}/dialog/oauth?${params}`;
    },
    handleRedirect: parseLoginRedirect,
    async exchangeCode(code, { checkPermissions = true } = {}) {
      if (typeof code !== 'string' || code.length === 0)
        throw new ValidationError('exchangeCode', [{ path: 'code', message: 'required' }]);
      const short = await shortLived(code);
      const long = await graph.exchangeUserToken(short);
      const grant = checkPermissions
        ? await requirePermissions(long.accessToken)
        : await permissions(long.accessToken);
      return { userAccessToken: long.accessToken, expiresAt: long.expiresAt, permissions: grant };
    },
    permissions,
    requirePermissions,
  };
}

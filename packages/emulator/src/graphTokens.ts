import { DAY } from './clock.js';
import { isUserToken, linkedInstagram, tokenError, tokenMessage } from './graphAuth.js';
import { str } from './graphParams.js';
import { type Caller, type GraphResult, ok } from './graphTypes.js';
import { invalidParam, MetaError } from './metaError.js';
import { newToken, tokenProblem } from './tokens.js';
import type { World } from './world.js';

// The token endpoints: `GET /oauth/access_token` (app token, long-lived user token exchange) and
// `GET /debug_token`. https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
// and https://developers.facebook.com/docs/graph-api/reference/debug_token

const USER_SCOPES = [
  'pages_show_list',
  'pages_messaging',
  'pages_manage_metadata',
  'pages_read_engagement',
  'business_management',
];

export function oauth(world: World, params: Record<string, unknown>): GraphResult {
  const opts = world.options;
  if (str(params['client_id']) !== opts.appId)
    throw new MetaError(400, 101, 'Error validating application. Invalid application ID.');
  if (str(params['client_secret']) !== opts.appSecret)
    throw new MetaError(400, 1, 'Error validating client secret.');
  const grant = str(params['grant_type']);
  if (grant === 'client_credentials')
    return ok({ access_token: `${opts.appId}|${opts.appSecret}`, token_type: 'bearer' });
  if (grant !== 'fb_exchange_token')
    throw invalidParam('param grant_type must be one of {fb_exchange_token, client_credentials}');
  const exchange = str(params['fb_exchange_token']);
  if (!exchange || !isUserToken(world, exchange)) throw tokenError();
  const token = `EAAU${newToken().slice(4)}`;
  const expiresIn = 5_183_944;
  world.user.extraTokens.set(token, world.clock.now() + expiresIn * 1000);
  return ok({ access_token: token, token_type: 'bearer', expires_in: expiresIn });
}

const tokenErrorBody = (subcode: number) => ({ code: 190, message: tokenMessage(subcode), subcode });

export function debugToken(world: World, caller: Caller, params: Record<string, unknown>): GraphResult {
  if (caller.kind !== 'app')
    throw new MetaError(
      400,
      100,
      '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app',
    );
  const input = str(params['input_token']);
  if (!input) throw invalidParam('The parameter input_token is required');
  const opts = world.options;
  const now = world.clock.now();
  const pages = [...world.pages.values()].filter((p) => p.accessToken === input);
  const base = { app_id: opts.appId, application: opts.appName };
  const dataAccessExpiresAt = Math.floor((now + 90 * DAY) / 1000);
  if (pages.length > 0) {
    const p = pages[0]!;
    const problem = tokenProblem(world, p);
    // A Page token also carries the permissions of the Instagram account linked to the Page.
    const covered = [...pages, ...linkedInstagram(world, pages)];
    const scopes = [...new Set(covered.flatMap((x) => x.scopes))];
    return ok({
      data: {
        ...base,
        type: 'PAGE',
        data_access_expires_at: dataAccessExpiresAt,
        expires_at: p.tokenExpiresAt === undefined ? 0 : Math.floor(p.tokenExpiresAt / 1000),
        is_valid: problem === null,
        issued_at: Math.floor(p.tokenIssuedAt / 1000),
        profile_id: p.platform === 'instagram' && p.facebookPageId ? p.facebookPageId : p.id,
        scopes,
        granular_scopes: scopes.map((scope) => ({
          scope,
          target_ids: covered.filter((x) => x.scopes.includes(scope)).map((x) => x.id),
        })),
        user_id: world.user.id,
        ...(problem ? { error: tokenErrorBody(problem.subcode) } : {}),
      },
    });
  }
  if (isUserToken(world, input)) {
    const userExpiry =
      input === world.user.accessToken ? world.user.expiresAt : world.user.extraTokens.get(input);
    const valid = userExpiry === null || userExpiry === undefined || userExpiry > now;
    return ok({
      data: {
        ...base,
        type: 'USER',
        data_access_expires_at: dataAccessExpiresAt,
        expires_at: userExpiry ? Math.floor(userExpiry / 1000) : 0,
        is_valid: valid,
        issued_at: Math.floor(now / 1000),
        scopes: USER_SCOPES,
        user_id: world.user.id,
        ...(valid ? {} : { error: tokenErrorBody(463) }),
      },
    });
  }
  const retired = [...world.pages.values()].some((p) => p.retiredTokens.has(input));
  return ok({
    data: {
      is_valid: false,
      scopes: [],
      error: retired
        ? tokenErrorBody(467)
        : { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
    },
  });
}

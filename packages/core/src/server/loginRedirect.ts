import { ValidationError } from '../errors.js';
import { LoginDeclinedError } from './loginErrors.js';

// What a login dialog sends back to `redirect_uri`: `code` and `state`, or `error=access_denied`
// (Facebook: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow ;
// Instagram: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login).

/** What both login helpers are configured with: the app, the redirect URI and the injectable seams. */
export interface LoginAppOptions {
  appId: string;
  appSecret: string;
  /** Exactly the URL registered in the App Dashboard; the code exchange repeats it. */
  redirectUri: string;
  /** Permissions to ask for; default: those the `capabilities` need. */
  scopes?: readonly string[];
  fetch?: typeof globalThis.fetch;
  /** Clock for `expiresAt`, epoch ms; default `Date.now`. */
  now?: () => number;
}

/** What the login redirect carried. */
export interface LoginRedirect {
  code: string;
  state: string;
}

/** A redirect URL (absolute or a request path), its query, or the parsed query object. */
export type LoginRedirectInput = string | URL | URLSearchParams | Record<string, string | undefined>;

function paramsOf(input: LoginRedirectInput): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.searchParams;
  if (typeof input === 'string') {
    const query = input.includes('?') ? input.slice(input.indexOf('?') + 1) : input;
    return new URLSearchParams(query.split('#')[0]);
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) if (typeof value === 'string') params.set(key, value);
  return params;
}

/**
 * Reads the login redirect: `{ code, state }`, or throws {@link LoginDeclinedError} when the person
 * declined. Instagram appends `#_` to the code; it is removed.
 */
export function parseLoginRedirect(input: LoginRedirectInput): LoginRedirect {
  const params = paramsOf(input);
  const error = params.get('error');
  if (error) {
    if (error === 'access_denied')
      throw new LoginDeclinedError(
        params.get('error_reason') ?? undefined,
        params.get('error_description') ?? undefined,
      );
    throw new ValidationError('login redirect', [
      {
        path: 'error',
        message: `${error}${params.get('error_description') ? `: ${params.get('error_description')}` : ''}`,
      },
    ]);
  }
  const code = params.get('code')?.replace(/#_$/, '');
  const state = params.get('state');
  const issues = [
    ...(code ? [] : [{ path: 'code', message: 'missing' }]),
    ...(state ? [] : [{ path: 'state', message: 'missing' }]),
  ];
  if (issues.length > 0 || !code || !state) throw new ValidationError('login redirect', issues);
  return { code, state };
}

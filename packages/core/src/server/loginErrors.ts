import { GraphError, type GraphErrorDetails, PagedeskError, type PagedeskErrorOptions } from '../errors.js';

// The typed failures of the two login flows (Facebook Login for Business, Instagram Login). Each one
// names what the admin or the host must do next; none carries a token, a code or the state secret.

/** Why a `state` value was refused by `verifyLoginState`. */
export type LoginStateFailure = 'malformed' | 'forged' | 'expired' | 'session_mismatch' | 'replayed';

/**
 * The `state` that came back on the redirect is not one this host issued for this browser session
 * (CSRF, a replay from another session or of a state already used, or a dialog left open too long).
 * Start the login again.
 */
export class LoginStateError extends PagedeskError {
  readonly reason: LoginStateFailure;
  constructor(reason: LoginStateFailure, message: string) {
    super(`login_state_${reason}`, message);
    this.name = 'LoginStateError';
    this.reason = reason;
  }
}

/** The person closed or declined the login dialog (`error=access_denied` on the redirect). */
export class LoginDeclinedError extends PagedeskError {
  /** Meta's `error_reason`, e.g. `user_denied`, when it gave one. */
  readonly reason: string | undefined;
  constructor(reason: string | undefined, description?: string) {
    super(
      'login_declined',
      `The login dialog was declined${reason ? ` (${reason})` : ''}${description ? `: ${description}` : ''}`,
    );
    this.name = 'LoginDeclinedError';
    this.reason = reason;
  }
}

/** Why Meta refused an authorization `code`. */
export type AuthorizationCodeFailure = 'used' | 'expired' | 'redirect_mismatch' | 'invalid';

const codeAdvice: Record<AuthorizationCodeFailure, string> = {
  used: 'it was already exchanged (a code works once: do not exchange it twice, e.g. on a reload)',
  expired: 'it expired before it was exchanged (exchange it as soon as the redirect arrives)',
  redirect_mismatch:
    'redirect_uri differs from the one in the dialog URL (use the exact same string in both)',
  invalid: 'it is not a code Meta issued for this app and redirect URI',
};

/** Meta refused the authorization code: start the login again (a code cannot be repaired). */
export class AuthorizationCodeError extends GraphError {
  readonly reason: AuthorizationCodeFailure;
  constructor(
    reason: AuthorizationCodeFailure,
    details: GraphErrorDetails = {},
    options: PagedeskErrorOptions = {},
  ) {
    super(`Meta refused the authorization code: ${codeAdvice[reason]}`, details, {
      ...options,
      code: `authorization_code_${reason}`,
      retryable: false,
    });
    this.name = 'AuthorizationCodeError';
    this.reason = reason;
  }
}

/** One permission the person did not grant, and what in Pagedesk needs it. */
export interface MissingPermission {
  permission: string;
  /** Human names of the capabilities that need it, e.g. `Messenger conversations`. */
  neededFor: string[];
}

/**
 * The person granted the login but not every permission a capability needs (they unticked some in
 * the dialog, or the app lacks them). Ask again with `authorizeUrl({ state, rerequest: true })`.
 */
export class MissingPermissionsError extends PagedeskError {
  readonly missing: readonly MissingPermission[];
  constructor(missing: readonly MissingPermission[]) {
    super(
      'permissions_missing',
      `Missing permissions: ${missing.map((m) => `${m.permission} (needed for ${m.neededFor.join(', ')})`).join('; ')}`,
    );
    this.name = 'MissingPermissionsError';
    this.missing = missing;
  }
}

/** Instagram refreshes only a long-lived token at least 24 hours old; this one is younger. */
export class RefreshTooEarlyError extends PagedeskError {
  /** When the token may be refreshed (epoch ms). */
  readonly refreshableAt: number;
  constructor(refreshableAt: number) {
    super(
      'refresh_too_early',
      `An Instagram token can be refreshed once it is 24 hours old; this one can be refreshed from ${new Date(refreshableAt).toISOString()}`,
    );
    this.name = 'RefreshTooEarlyError';
    this.refreshableAt = refreshableAt;
  }
}

// One error family for the whole kit. Every class carries a stable `code`, `retryable`, and the
// original `cause`; guards use a global brand instead of `instanceof` so they work across bundles,
// realms and duplicated installs. Messages never contain access tokens or secrets.

const brand = Symbol.for('@pagedesk/error');

export interface PagedeskErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

/** The base of every error Pagedesk throws. */
export class PagedeskError extends Error {
  /** Stable machine-readable code, e.g. `window_closed`, `token_expired`, `invalid_input`. */
  readonly code: string;
  /** Whether trying the same thing again later can succeed. */
  readonly retryable: boolean;
  readonly [brand] = true;

  constructor(code: string, message: string, options: PagedeskErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PagedeskError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Input that failed validation at a boundary; `issues` name each wrong field by its path. From a failed
 * zod parse: `new ValidationError(what, zodIssues(result.error))`.
 */
export class ValidationError extends PagedeskError {
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  constructor(
    what: string,
    issues: ReadonlyArray<{ path: string; message: string }>,
    options?: PagedeskErrorOptions,
  ) {
    const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super('invalid_input', `Invalid ${what}: ${detail}`, options);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** Something asked for does not exist (conversation, message, channel). */
export class NotFoundError extends PagedeskError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${JSON.stringify(id)} was not found`);
    this.name = 'NotFoundError';
  }
}

/** A reply that breaks a text or attachment rule, refused before any call to Meta. */
export class RuleViolationError extends PagedeskError {
  /** e.g. `text_too_long`, `too_large`, `type_not_allowed`, `empty`, `unknown_type`. */
  readonly rule: string;
  readonly limit?: number;
  constructor(rule: string, message: string, limit?: number) {
    super('rule_violation', message);
    this.name = 'RuleViolationError';
    this.rule = rule;
    if (limit !== undefined) this.limit = limit;
  }
}

/** The channel cannot send now (disconnected, deactivated, revoked, blocked...). */
export class ChannelUnavailableError extends PagedeskError {
  readonly status: string;
  constructor(channelId: string, status: string, reason?: string) {
    super(
      'channel_unavailable',
      `Channel ${channelId} cannot send while ${status}${reason ? `: ${reason}` : ''}`,
    );
    this.name = 'ChannelUnavailableError';
    this.status = status;
  }
}

/**
 * A webhook event verified with one Meta app's secret for a page connected through another app: a
 * forged cross-organisation delivery (or a page still subscribed to an old app). The inbox stores
 * nothing of it and reports it; the message names ids only, never a secret.
 */
export class AppMismatchError extends PagedeskError {
  readonly eventId: string;
  readonly pageId: string;
  /** The app whose secret verified the event. */
  readonly eventAppId: string;
  /** The app the page's channel is connected through. */
  readonly channelAppId: string;
  constructor(eventId: string, pageId: string, eventAppId: string, channelAppId: string) {
    super(
      'app_mismatch',
      `Event ${eventId} for page ${pageId} was verified by app ${eventAppId}, but the page is connected through app ${channelAppId}: refused`,
    );
    this.name = 'AppMismatchError';
    this.eventId = eventId;
    this.pageId = pageId;
    this.eventAppId = eventAppId;
    this.channelAppId = channelAppId;
  }
}

export interface GraphErrorDetails {
  /** Meta's `error.code`. */
  graphCode?: number;
  /** Meta's `error.error_subcode`. */
  subcode?: number;
  /** Meta's `error.fbtrace_id`: quote it to Meta support. */
  fbtraceId?: string;
  /** The HTTP status of the Graph response, when there was one. */
  status?: number;
  /** Meta's `error.type`, e.g. OAuthException. */
  type?: string;
}

/** A failed Graph API call; subclasses name the cases a helpdesk acts on. */
export class GraphError extends PagedeskError {
  readonly graphCode: number | undefined;
  readonly subcode: number | undefined;
  readonly fbtraceId: string | undefined;
  readonly status: number | undefined;
  readonly type: string | undefined;
  constructor(
    message: string,
    details: GraphErrorDetails = {},
    options: PagedeskErrorOptions & { code?: string } = {},
  ) {
    super(options.code ?? 'graph_error', message, options);
    this.name = 'GraphError';
    this.graphCode = details.graphCode;
    this.subcode = details.subcode;
    this.fbtraceId = details.fbtraceId;
    this.status = details.status;
    this.type = details.type;
  }
}

/**
 * The messaging window is closed (Meta 10/2018278, Instagram 10/2534022), or Pagedesk refused before
 * calling Meta because `evaluateWindow` said so. `closedAt` is when it closed, when known.
 */
export class WindowClosedError extends GraphError {
  readonly closedAt: number | undefined;
  constructor(
    message: string,
    details: GraphErrorDetails & { closedAt?: number } = {},
    options: PagedeskErrorOptions = {},
  ) {
    super(message, details, { ...options, code: 'window_closed', retryable: false });
    this.name = 'WindowClosedError';
    this.closedAt = details.closedAt;
  }
}

/** Every reason a token stops working (code 190 subcodes and debug_token), for validating and listing them. */
export const TOKEN_ERROR_REASONS = [
  'expired',
  'password_changed',
  'app_removed',
  'permission_revoked',
  'session_invalid',
  'checkpoint',
  'invalid',
] as const;

/** Why a token stopped working (code 190 subcodes and debug_token): one of {@link TOKEN_ERROR_REASONS}. */
export type TokenErrorReason = (typeof TOKEN_ERROR_REASONS)[number];

/** The page token is no longer valid: the channel needs reauthorization. */
export class TokenError extends GraphError {
  readonly reason: TokenErrorReason;
  constructor(
    message: string,
    reason: TokenErrorReason,
    details: GraphErrorDetails = {},
    options: PagedeskErrorOptions = {},
  ) {
    super(message, details, { ...options, code: `token_${reason}`, retryable: false });
    this.name = 'TokenError';
    this.reason = reason;
  }
}

/** The app or token lacks a permission or feature (Meta's 200 family, 10 without a window subcode). */
export class PermissionError extends GraphError {
  constructor(message: string, details: GraphErrorDetails = {}, options: PagedeskErrorOptions = {}) {
    super(message, details, { ...options, code: 'permission_denied', retryable: false });
    this.name = 'PermissionError';
  }
}

/**
 * Meta refused the `HUMAN_AGENT` tag because the app lacks Meta's Human Agent feature (a permission
 * error, code 10 or 200, on a tagged send). The send path turns the channel's `settings.humanAgent`
 * off when it sees one, so later replies follow the 24-hour window; an admin turns it back on once
 * App Review grants the feature.
 */
export class HumanAgentUnavailableError extends GraphError {
  constructor(message: string, details: GraphErrorDetails = {}, options: PagedeskErrorOptions = {}) {
    super(message, details, { ...options, code: 'human_agent_unavailable', retryable: false });
    this.name = 'HumanAgentUnavailableError';
  }
}

/** Meta throttled the call (4, 17, 32, 613, 800xx); `retryAfterMs` honours the usage headers. */
export class RateLimitError extends GraphError {
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    details: GraphErrorDetails & { retryAfterMs?: number } = {},
    options: PagedeskErrorOptions = {},
  ) {
    super(message, details, { ...options, code: 'rate_limited', retryable: true });
    this.name = 'RateLimitError';
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The person cannot receive messages (551, 2018001, 2018108: blocked the page, deleted, unreachable). */
export class RecipientUnavailableError extends GraphError {
  constructor(message: string, details: GraphErrorDetails = {}, options: PagedeskErrorOptions = {}) {
    super(message, details, { ...options, code: 'recipient_unavailable', retryable: false });
    this.name = 'RecipientUnavailableError';
  }
}

/** Another app owns the thread (2018300): take or request thread control first. */
export class ThreadControlError extends GraphError {
  constructor(message: string, details: GraphErrorDetails = {}, options: PagedeskErrorOptions = {}) {
    super(message, details, { ...options, code: 'thread_control', retryable: false });
    this.name = 'ThreadControlError';
  }
}

/** True for any error Pagedesk threw, whichever copy of the package threw it. */
export function isPagedeskError(value: unknown): value is PagedeskError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** True for a Pagedesk error with this `code` (e.g. `isPagedeskErrorCode(e, 'window_closed')`). */
export function isPagedeskErrorCode(value: unknown, code: string): value is PagedeskError {
  return isPagedeskError(value) && value.code === code;
}

/** Turns anything thrown into a PagedeskError where it enters Pagedesk, keeping the original as `cause`. */
export function toPagedeskError(value: unknown, code = 'internal'): PagedeskError {
  if (isPagedeskError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new PagedeskError(code, message, { cause: value });
}

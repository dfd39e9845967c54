import { PagedeskError, readCapped, serializeError, toPagedeskError, ValidationError } from '@pagedesk/core';
import { BodyTooLargeError, errorResponse } from '../nodeAdapter.js';

// HTTP plumbing of the inbox API: error → status, body reading with a cap, validation with messages
// that name the field. Internal to the package.

/** The API was created without `channels`, so it cannot send or manage channels. */
export class NotImplementedError extends PagedeskError {
  constructor(what: string) {
    super('not_implemented', `${what} needs createInboxApi({ channels }); this API was created without it`);
    this.name = 'NotImplementedError';
  }
}

/** The status a Pagedesk error answers with; see the node-webhook README, "Errors". */
export function statusOf(error: PagedeskError): number {
  const code = error.code;
  if (code.startsWith('token_')) return 409;
  switch (code) {
    case 'invalid_input':
    case 'body_already_parsed':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'body_too_large':
      return 413;
    case 'rule_violation':
    case 'template_variable':
      return 422;
    // The request is fine but the channel or conversation is in a state that refuses it: an agent or
    // admin action (reauthorize, take thread control, wait for the customer) changes the answer.
    case 'window_closed':
    case 'channel_unavailable':
    // A page another organisation holds: its admin purges it first (the answer names no organisation).
    case 'channel_conflict':
    case 'recipient_unavailable':
    case 'thread_control':
    case 'permission_denied':
    // A public answer that may be up already: the agent checks the comment, then forces the retry.
    case 'outcome_unknown':
      return 409;
    case 'rate_limited':
      return 429;
    case 'not_implemented':
      return 501;
    // Meta failed in a way Pagedesk has no finer name for: an upstream failure, not ours.
    case 'graph_error':
      return 502;
    case 'unavailable':
      return 503;
    default:
      return 500;
  }
}

/**
 * The JSON error answer. 5xx answers never carry the original message (it may hold internals such as
 * a database address); the caller reports the full error to `onError`.
 */
export function toErrorResponse(error: unknown): {
  response: Response;
  status: number;
  error: PagedeskError;
} {
  // The typed error keeps the original message for `onError`; only the answer is made generic.
  const typed = toPagedeskError(error);
  const status = statusOf(typed);
  if (status === 500) {
    const safe = new PagedeskError('internal', 'Internal error', { retryable: typed.retryable });
    return { response: errorResponse(500, safe), status, error: typed };
  }
  const headers = new Headers();
  const retryAfterMs = (typed as PagedeskError & { retryAfterMs?: unknown }).retryAfterMs;
  if (status === 429 && typeof retryAfterMs === 'number')
    headers.set('retry-after', String(Math.ceil(retryAfterMs / 1000)));
  if (status === 413) headers.set('connection', 'close');
  return {
    response: Response.json({ error: serializeError(typed) }, { status, headers }),
    status,
    error: typed,
  };
}

/**
 * Wraps a body stream so it errors with BodyTooLargeError past `limit` bytes; the consumer sees the
 * error from `read()` and the request is not read any further.
 */
export function capStream(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let size = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > limit) controller.error(new BodyTooLargeError(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** The declared Content-Length, when present and valid. */
export function declaredLength(request: Request): number | undefined {
  const header = request.headers.get('content-length');
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}

/** Reads the whole body, at most `limit` bytes (BodyTooLargeError above). */
export async function readBodyCapped(request: Request, limit: number): Promise<Uint8Array> {
  const bytes = await readCapped(request.body, limit, declaredLength(request));
  if (!bytes) throw new BodyTooLargeError(limit);
  return bytes;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON body with a byte cap; an empty or malformed body is a ValidationError. */
export async function readJson(
  request: Request,
  limit: number,
  options: { optional?: boolean } = {},
): Promise<unknown> {
  const bytes = await readBodyCapped(request, limit);
  if (bytes.byteLength === 0) {
    if (options.optional) return {};
    throw new ValidationError('request body', [{ path: '', message: 'a JSON body is required' }]);
  }
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    throw new ValidationError('request body', [{ path: '', message: 'not valid UTF-8 JSON' }]);
  }
}

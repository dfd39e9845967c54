import type { IncomingMessage, ServerResponse } from 'node:http';
import { type MessengerEvent, PagedeskError, toPagedeskError, ValidationError } from '@pagedesk/core';
import { z } from 'zod/mini';
import { appOptionsSchema, appSecretsOf, type MetaApp } from './apps.js';
import { type DedupeStore, lruDedupe } from './dedupe.js';
import { SignatureError, type WebhookContentError, WebhookPayloadError } from './errors.js';
import { readBodyCapped } from './inboxApi/http.js';
import { issuesOf } from './issues.js';
import {
  type NodeRequest,
  type PlainResponse,
  plainError,
  rawBodyOf,
  serveNode,
  webResponseOf,
} from './nodeAdapter.js';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES } from './nodeBody.js';
import { parseWebhook } from './parseWebhook.js';
import { bytesEqual, utf8 } from './runtimeCrypto.js';
import { signatureCheck } from './signature.js';
import { TIMED_OUT, withinBound } from './timeBound.js';

/** Where a webhook failure happened, passed to {@link CreateWebhookOptions.onError}. */
export interface WebhookErrorContext {
  /**
   * `signature`: a missing, malformed or wrong signature, rejected 401 (nothing else answers 401).
   * `payload`: malformed body (400), or one event with a wrong field, kept as an `unknown` event (the
   * batch is still accepted). `lenient`: an event landed although part of its content had an unknown
   * or legacy shape ({@link WebhookContentError}; once per event, after it was handed over, so a
   * retried or duplicate delivery does not report it again; still 200). `handler`: `onEvents` threw
   * (500) or did not settle within `handlerTimeoutMs` (503). `dedupe`: the dedupe store failed or timed
   * out (events are still handed over). `request` / `response`: the body could not be read or the
   * answer not written. `internal`: anything else that failed (say, the runtime's crypto), 500 so Meta
   * retries.
   */
  phase: 'signature' | 'payload' | 'lenient' | 'handler' | 'dedupe' | 'request' | 'response' | 'internal';
  method: string;
  url: string;
}

/** Options of {@link createWebhook}. */
export interface CreateWebhookOptions {
  /**
   * The app secret, or several during a rotation (new first): a signature matching any is accepted.
   * Events then carry no `appId`. Give this or `apps`.
   */
  appSecret?: string | readonly string[];
  /**
   * The Meta apps this endpoint serves (one per organisation that brings its own, for instance), each
   * with its secret or a rotation of secrets. Every event carries the `appId` whose secret verified
   * it, and the inbox refuses an event for a page connected through another app. Give this or
   * `appSecret`.
   */
  apps?: readonly MetaApp[];
  /** The verify token typed in Meta's dashboard, answered on the GET handshake. */
  verifyToken: string;
  /**
   * Receives each batch of new events, sorted by timestamp. Keep it a quick durable hand-off (apply to
   * the inbox, enqueue): Meta waits for the answer and wants it within seconds. Resolve → 200; throw
   * or reject → 500, Meta retries and the events are handed over again.
   */
  onEvents: (events: MessengerEvent[]) => unknown;
  /** Drops Meta's duplicate deliveries. Default: an in-memory {@link lruDedupe}; `false` turns it off. */
  dedupe?: DedupeStore | false;
  /**
   * How long one delivery waits on the dedupe store in all, in ms, for its lookups and again for
   * marking. Past it the store is reported (`dedupe_timeout`, phase `dedupe`) and skipped: the events
   * are handed over (fail open; the inbox's own idempotency keeps a repeat out). Default 500.
   */
  dedupeTimeoutMs?: number;
  /**
   * How long the answer waits for `onEvents`, in ms (and, within the same budget, for a delivery of the
   * same events already running on this server). Past it Meta gets a 503 (`handler_timeout`,
   * phase `handler`) and retries later; the handler is not cancelled, so a late success is dropped as a
   * duplicate by the inbox on the retry. Default 4000: Meta asks for an answer within 5 seconds
   * (https://developers.facebook.com/docs/messenger-platform/webhooks).
   */
  handlerTimeoutMs?: number;
  /** Largest accepted body in bytes (413 above). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Accept the legacy `X-Hub-Signature` (sha1) header too. Default false. */
  legacySha1?: boolean;
  /** Told about rejected signatures, malformed bodies and handler failures; never throws back. */
  onError?: (error: PagedeskError, context: WebhookErrorContext) => void;
}

/** A Meta webhook endpoint with a web-standard and a Node entry point. */
export interface Webhook {
  /** Web-standard handler: Hono, Next.js route handlers, Bun, Deno, any `fetch`-style server. */
  fetch(request: Request): Promise<Response>;
  /** Node handler: node:http, Express, Fastify (`reply.raw`); reads the raw body itself. */
  node(req: IncomingMessage, res: ServerResponse): void;
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');
const nonEmpty = z.string().check(z.minLength(1, 'expected a non-empty string'));
const optionsSchema = z.object({
  ...appOptionsSchema,
  verifyToken: nonEmpty,
  onEvents: fn,
  dedupe: z.optional(
    z.union([
      z.literal(false),
      z.custom<DedupeStore>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as DedupeStore).seen === 'function' &&
          typeof (v as DedupeStore).mark === 'function',
        'expected a DedupeStore ({ seen, mark }) or false',
      ),
    ]),
  ),
  dedupeTimeoutMs: z.optional(z.number().check(z.int(), z.positive())),
  handlerTimeoutMs: z.optional(z.number().check(z.int(), z.positive())),
  maxBodyBytes: z.optional(z.number().check(z.int(), z.positive())),
  legacySha1: z.optional(z.boolean()),
  onError: z.optional(fn),
});

/** The same events are still being handed over by another delivery on this server, past the budget. */
class HandOffBusy extends Error {}

/** Default of {@link CreateWebhookOptions.dedupeTimeoutMs}. */
const DEFAULT_DEDUPE_TIMEOUT_MS = 500;
/** Default of {@link CreateWebhookOptions.handlerTimeoutMs}. */
const DEFAULT_HANDLER_TIMEOUT_MS = 4000;

function dedupeTimeout(action: string, count: number): PagedeskError {
  return new PagedeskError(
    'dedupe_timeout',
    `The dedupe store did not ${action} ${count} event id(s) in time (dedupeTimeoutMs); handed over without it`,
    { retryable: true },
  );
}

const SIGNATURE_HINT =
  'Meta stops delivering after an hour of failures: if every delivery fails like this, the app secret is ' +
  'wrong or was rotated (pass old and new secrets as an array during a rotation), and Meta will unsubscribe ' +
  'the page from the webhook.';

// The webhook's logic runs on this minimal request shape and answers a plain status/headers/body
// triple, so `.fetch` adapts it to web Request/Response while `.node` (nodeAdapter's shared Node path)
// hands its own request view straight in and writes with writeHead/end: building web objects per
// delivery cost more than the work.
type HookRequest = Pick<NodeRequest, 'method' | 'header' | 'url'> & {
  /** The raw body bytes, capped at `maxBodyBytes`. */
  body(): Uint8Array | Promise<Uint8Array>;
};

// The common answer, built once (frozen, so the Node path builds its headers once too).
const RECEIVED: PlainResponse = Object.freeze({
  status: 200,
  headers: Object.freeze({ 'content-type': 'text/plain; charset=utf-8' }),
  body: 'EVENT_RECEIVED',
});

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

// A target that starts with one '/': a second '/' or '\' would turn the path into an authority
// (`//host/...`) for the URL parser.
function isPlainPath(target: string): boolean {
  const second = target.charCodeAt(1);
  return target.charCodeAt(0) === 47 && second !== 47 && second !== 92;
}

function tokenMatches(given: string | null, expected: string): boolean {
  return given !== null && bytesEqual(utf8(given), utf8(expected));
}

// Web streams only (no Buffer), so the fetch entry runs where Node's globals are absent.
function readWebBody(request: Request, limit: number): Uint8Array | Promise<Uint8Array> {
  const known = rawBodyOf(request);
  if (!known) return readBodyCapped(request, limit);
  if (known.byteLength > limit) throw new BodyTooLargeError(limit);
  return known;
}

/**
 * Creates the endpoint Meta calls for a Page (`object: "page"`) or Instagram (`object: "instagram"`)
 * webhook: answers the GET handshake, verifies `X-Hub-Signature-256` over the raw bytes, parses and
 * normalises the events, drops duplicates and hands each new batch to `onEvents`.
 *
 * Answers: 200 once `onEvents` accepted the batch (or every event was a duplicate); 401 bad or missing
 * signature (a {@link SignatureError}, and only that); 400 malformed body; 403 wrong verify token; 413
 * over `maxBodyBytes`; 405 other methods; 500 when `onEvents` throws (ids are marked as seen only after
 * success, so Meta's retry is handed over) or anything else fails (reported in phase `internal`); 503
 * when `onEvents` has not settled within `handlerTimeoutMs`. The dedupe store is waited on for at most
 * `dedupeTimeoutMs`, after which the events are handed over without it (fail open).
 *
 * `fetch` runs on any runtime with web `Request`/`Response` and Web Crypto (Next's edge runtime,
 * Cloudflare Workers, Deno, Bun); on Node the signature is checked synchronously with node:crypto.
 *
 * @example
 * const webhook = createWebhook({
 *   appSecret: process.env.META_APP_SECRET!,
 *   verifyToken: process.env.META_VERIFY_TOKEN!,
 *   onEvents: (events) => inbox.apply(events),
 *   onError: (error, { phase }) => logger.error({ phase, code: error.code }, error.message),
 * });
 * app.all('/webhook', webhook.node);          // Express (mount before express.json())
 *
 * // Several Meta apps (an organisation with its own): events carry the app that verified them.
 * createWebhook({ apps: [{ appId: A_ID, appSecret: A_SECRET }, { appId: B_ID, appSecret: B_SECRET }], ... });
 * @throws ValidationError naming the wrong option.
 */
export function createWebhook(options: CreateWebhookOptions): Webhook {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success)
    throw new ValidationError('createWebhook options', issuesOf(parsed.error.issues, options));
  const { verifyToken, onEvents, legacySha1 = false, onError } = options;
  const { secrets, appIdOf, several } = appSecretsOf(options, 'createWebhook options');
  // With several apps an id is only unique per app: a delivery forged with one app's secret must not
  // make the genuine delivery of the same id (from the page's own app) look like a duplicate.
  const keyOf = several
    ? (event: MessengerEvent) => `${event.appId}/${event.id}`
    : (event: MessengerEvent) => event.id;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const dedupeTimeoutMs = options.dedupeTimeoutMs ?? DEFAULT_DEDUPE_TIMEOUT_MS;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const dedupe = options.dedupe === false ? undefined : (options.dedupe ?? lruDedupe());
  const checkSignature = signatureCheck(secrets, { legacySha1 });
  // Ids being handed over right now: a concurrent retry of the same delivery waits for the outcome
  // instead of handing the events over a second time.
  const inflight = new Map<string, Promise<boolean>>();

  const report = (error: PagedeskError, context: WebhookErrorContext) => {
    try {
      onError?.(error, context);
    } catch {
      // A failing reporter must not change the answer Meta gets.
    }
  };

  // The delivery's events with each id once (Meta may repeat one inside a batch).
  function uniqueEvents(events: MessengerEvent[]): MessengerEvent[] {
    if (events.length < 2) return events;
    const unique = new Set<string>();
    return events.filter((event) => {
      const key = keyOf(event);
      if (unique.has(key)) return false;
      unique.add(key);
      return true;
    });
  }

  // Returns the events not handed over yet and claims them in `inflight` under `outcome` (claimed
  // synchronously after the last await, so two concurrent deliveries never claim the same id).
  async function claimFresh(
    dedupe: DedupeStore,
    events: MessengerEvent[],
    outcome: Promise<boolean>,
    context: (phase: WebhookErrorContext['phase']) => WebhookErrorContext,
    handOffBy: number,
  ): Promise<{ fresh: MessengerEvent[]; busy: boolean }> {
    const fresh: MessengerEvent[] = [];
    // One budget for every lookup of the delivery; once spent, the store is skipped for the rest.
    const deadline = performance.now() + dedupeTimeoutMs;
    let skipDedupe = false;
    for (const event of uniqueEvents(events)) {
      const key = keyOf(event);
      let seen = false;
      if (!skipDedupe) {
        try {
          // Only a promise is awaited: a synchronous store (the default LRU) costs no microtask per event.
          const result = dedupe.seen(key);
          if (typeof result === 'boolean') seen = result;
          else {
            const bounded = await withinBound(result, Math.max(0, deadline - performance.now()));
            if (bounded === TIMED_OUT) {
              skipDedupe = true;
              report(dedupeTimeout('look up', events.length), context('dedupe'));
            } else seen = bounded;
          }
        } catch (error) {
          // A shared store that is down must not lose events: hand them over (at least once) and say so.
          report(toPagedeskError(error, 'dedupe_failed'), context('dedupe'));
        }
      }
      if (seen) continue;
      let pending = inflight.get(key);
      while (pending) {
        // Bounded too: a delivery still running here past the budget makes this one answer 503.
        const settled = await withinBound(pending, Math.max(0, handOffBy - performance.now()));
        if (settled === TIMED_OUT) return { fresh, busy: true };
        if (settled) break;
        pending = inflight.get(key);
      }
      if (pending) continue; // handed over by a concurrent delivery meanwhile
      inflight.set(key, outcome);
      fresh.push(event);
    }
    return { fresh, busy: false };
  }

  async function handlePost(
    request: HookRequest,
    context: (phase: WebhookErrorContext['phase']) => WebhookErrorContext,
  ): Promise<PlainResponse> {
    const raw = request.body();
    const body = raw instanceof Promise ? await raw : raw;
    const header =
      request.header('x-hub-signature-256') ?? (legacySha1 ? request.header('x-hub-signature') : null);
    let appId: string | undefined;
    try {
      // Only a promise is awaited: on node:crypto the check is synchronous.
      const checking = checkSignature(body, header);
      appId = appIdOf[typeof checking === 'number' ? checking : await checking];
    } catch (error) {
      // Anything but a wrong signature (a runtime without HMAC, a bug) is ours: 500 below, and Meta retries.
      if (!(error instanceof SignatureError)) throw error;
      report(
        new SignatureError(error.header, error.reason, `${error.detail}. ${SIGNATURE_HINT}`),
        context('signature'),
      );
      return plainError(401, error);
    }
    let events: MessengerEvent[];
    // Reported once an event is handed over, so Meta's retries and duplicates do not report it again.
    const lenient: WebhookContentError[] = [];
    try {
      // A known event with an unexpected field (a new enum value...) is kept as `unknown` and reported:
      // answering 400 would make Meta retry the whole batch for an hour and then unsubscribe the page.
      events = parseWebhook(body, {
        onInvalidEvent: (error) => report(error, context('payload')),
        onContentIssue: (error) => lenient.push(error),
      });
      if (appId !== undefined) for (const event of events) event.appId = appId;
    } catch (error) {
      const e = toPagedeskError(error);
      report(e, context('payload'));
      return plainError(
        400,
        e instanceof WebhookPayloadError ? e : new WebhookPayloadError([{ path: '', message: e.message }]),
      );
    }
    // What a concurrent retry of the same events waits for; only a deduplicating webhook claims them.
    let settle: ((ok: boolean) => void) | undefined;
    const outcome = dedupe
      ? new Promise<boolean>((resolve) => {
          settle = resolve;
        })
      : undefined;
    let fresh: MessengerEvent[] = [];
    let ok = false;
    let timedOut = false;
    try {
      // Waiting for a concurrent delivery of the same events and `onEvents` share one budget.
      const handOffBy = performance.now() + dedupeTimeoutMs + handlerTimeoutMs;
      // `dedupe: false` hands every delivery over as it comes: no store, and no waiting for a
      // concurrent delivery of the same events either (the host deduplicates, or its handler is
      // idempotent, as the inbox is).
      const claimed =
        dedupe && outcome
          ? await claimFresh(dedupe, events, outcome, context, handOffBy)
          : { fresh: uniqueEvents(events), busy: false };
      fresh = claimed.fresh;
      if (claimed.busy) throw new HandOffBusy();
      if (fresh.length === 0) {
        settle?.(true);
        return RECEIVED;
      }
      // Only a promise is awaited: a synchronous hand-off costs no microtask.
      const handing = onEvents(fresh);
      if (isThenable(handing)) {
        timedOut =
          (await withinBound(
            handing,
            Math.max(1, Math.min(handlerTimeoutMs, handOffBy - performance.now())),
          )) === TIMED_OUT;
        if (timedOut) {
          // Not cancelled: it may still land, and the inbox drops Meta's retry of it as a duplicate.
          handing.then(undefined, (error: unknown) =>
            report(toPagedeskError(error, 'handler_failed'), context('handler')),
          );
          report(
            new PagedeskError(
              'handler_timeout',
              `onEvents did not settle within ${handlerTimeoutMs} ms (handlerTimeoutMs); answered 503 so Meta retries`,
              { retryable: true },
            ),
            context('handler'),
          );
        }
      }
      ok = !timedOut;
    } catch (error) {
      if (error instanceof HandOffBusy) timedOut = true;
      else report(toPagedeskError(error, 'handler_failed'), context('handler'));
    }
    if (dedupe && (ok || dedupe.release)) {
      const ids = fresh.map(keyOf);
      try {
        const marking = ok ? dedupe.mark(ids) : dedupe.release?.(ids);
        if (isThenable(marking) && (await withinBound(marking, dedupeTimeoutMs)) === TIMED_OUT)
          report(dedupeTimeout(ok ? 'mark' : 'release', ids.length), context('dedupe'));
      } catch (error) {
        report(toPagedeskError(error, 'dedupe_failed'), context('dedupe'));
      }
    }
    if (outcome) {
      for (const event of fresh) {
        const key = keyOf(event);
        if (inflight.get(key) === outcome) inflight.delete(key);
      }
    }
    settle?.(ok);
    if (ok && lenient.length > 0) {
      const handed = new Set(fresh.map((e) => e.id));
      // `delete`: an event repeated inside the batch is reported once too.
      for (const error of lenient) if (handed.delete(error.eventId)) report(error, context('lenient'));
    }
    if (timedOut) {
      return plainError(
        503,
        new PagedeskError('handler_timeout', 'The event handler took too long; Meta will retry', {
          retryable: true,
        }),
      );
    }
    if (!ok) {
      return plainError(
        500,
        new PagedeskError('handler_failed', 'The event handler failed; Meta will retry', { retryable: true }),
      );
    }
    return RECEIVED;
  }

  async function handle(request: HookRequest): Promise<PlainResponse> {
    const context = (phase: WebhookErrorContext['phase']): WebhookErrorContext => ({
      phase,
      method: request.method,
      url: request.url().pathname,
    });
    if (request.method === 'GET') {
      const params = request.url().searchParams;
      const challenge = params.get('hub.challenge');
      if (
        params.get('hub.mode') === 'subscribe' &&
        challenge !== null &&
        tokenMatches(params.get('hub.verify_token'), verifyToken)
      ) {
        // Reflected input: plain text that browsers must not sniff into HTML.
        return {
          status: 200,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
          body: challenge,
        };
      }
      return plainError(
        403,
        new PagedeskError('verification_failed', 'Wrong hub.mode, hub.verify_token or missing hub.challenge'),
      );
    }
    if (request.method !== 'POST') {
      return plainError(
        405,
        new PagedeskError('method_not_allowed', `${request.method} is not allowed; Meta uses GET and POST`),
        {
          allow: 'GET, POST',
        },
      );
    }
    try {
      return await handlePost(request, context);
    } catch (error) {
      const e = toPagedeskError(error);
      if (e instanceof BodyTooLargeError) return plainError(413, e, { connection: 'close' });
      report(e, context('internal'));
      return plainError(500, new PagedeskError('internal', 'Internal error', { retryable: true }));
    }
  }

  async function fetchHandler(request: Request): Promise<Response> {
    let url: URL | undefined;
    return webResponseOf(
      await handle({
        method: request.method,
        header: (name) => request.headers.get(name),
        url: () => {
          url ??= new URL(request.url);
          return url;
        },
        body: () => readWebBody(request, maxBodyBytes),
      }),
    );
  }

  const node = serveNode(
    (request) => {
      const method = request.method;
      // Methods Meta never uses (405 either way) and request targets that are not a plain path go
      // through a web Request, so the URL and method checks of its construction decide their answer.
      if ((method !== 'POST' && method !== 'GET') || !isPlainPath(request.target))
        return fetchHandler(request.toRequest());
      return handle(request);
    },
    {
      maxBodyBytes,
      // `handler` in the shared path means this webhook's own code failed, not `onEvents`.
      onError: (error, context) =>
        report(error, { ...context, phase: context.phase === 'handler' ? 'internal' : context.phase }),
    },
  );

  return { fetch: fetchHandler, node };
}

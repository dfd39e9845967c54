import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AppEvent,
  type Channel,
  type ChannelPurgeReport,
  isPagedeskErrorCode,
  PagedeskError,
  toPagedeskError,
  ValidationError,
} from '@pagedesk/core';
import { z } from 'zod/mini';
import { appOptionsSchema, appSecretsOf, type MetaApp } from './apps.js';
import { SignatureError, WebhookPayloadError } from './errors.js';
import { issuesOf } from './issues.js';
import { BodyTooLargeError, errorResponse, nodeHandler, rawBodyOf } from './nodeAdapter.js';
import { requireNodeCrypto } from './runtimeCrypto.js';

// Meta's signed_request callbacks (docs/meta-platform.md): Deauthorize and Data Deletion. Meta POSTs
// `signed_request=<base64url sig>.<base64url JSON>` form-encoded; the signature is HMAC-SHA256 of the
// still-encoded payload segment, keyed with the app secret.

/** The verified payload of a signed_request; unknown fields are kept. */
export interface SignedRequestPayload {
  algorithm: string;
  /** App-scoped user id (not a PSID/IGSID). */
  user_id: string;
  /** Seconds since the epoch, as Meta sends it. */
  issued_at: number;
  /** The Page, when a Page removed the app. */
  profile_id?: string;
  [key: string]: unknown;
}

const payloadSchema = z.looseObject({
  algorithm: z.string(),
  user_id: z.union([z.string(), z.number()]),
  issued_at: z.number(),
  profile_id: z.optional(z.union([z.string(), z.number()])),
});

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Verifies and decodes a Meta `signed_request` (Deauthorize and Data Deletion callbacks).
 *
 * @example
 * const payload = parseSignedRequest(form.get('signed_request')!, process.env.META_APP_SECRET!);
 * console.log(payload.user_id);
 * @throws SignatureError when the signature is malformed or matches no secret; WebhookPayloadError when
 * the payload is not the documented JSON.
 */
export function parseSignedRequest(
  signedRequest: string,
  appSecret: string | readonly string[],
): SignedRequestPayload {
  return verifySignedRequest(signedRequest, typeof appSecret === 'string' ? [appSecret] : appSecret).payload;
}

/** {@link parseSignedRequest}, also saying which of `secrets` signed (its index). */
function verifySignedRequest(
  signedRequest: string,
  secrets: readonly string[],
): { payload: SignedRequestPayload; secretIndex: number } {
  const dot = signedRequest.indexOf('.');
  const sigPart = dot === -1 ? '' : signedRequest.slice(0, dot);
  const payloadPart = dot === -1 ? '' : signedRequest.slice(dot + 1);
  if (!sigPart || !payloadPart || !BASE64URL.test(sigPart) || !BASE64URL.test(payloadPart)) {
    throw new SignatureError(
      'signed_request',
      'malformed',
      'expected "<base64url signature>.<base64url payload>"',
    );
  }
  const signature = Buffer.from(sigPart, 'base64url');
  if (signature.length !== 32) {
    throw new SignatureError('signed_request', 'malformed', 'the signature is not a 32-byte HMAC-SHA256');
  }
  const crypto = requireNodeCrypto('parseSignedRequest', 'serve Meta callbacks from a Node server');
  const secretIndex = secrets.findIndex((secret) =>
    crypto.timingSafeEqual(crypto.createHmac('sha256', secret).update(payloadPart).digest(), signature),
  );
  if (secretIndex === -1) {
    throw new SignatureError(
      'signed_request',
      'mismatch',
      `the signature matches none of the ${secrets.length} configured app secret(s)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch (error) {
    throw new WebhookPayloadError(
      [{ path: 'signed_request', message: 'the payload is not base64url JSON' }],
      { cause: error },
    );
  }
  const result = payloadSchema.safeParse(json);
  if (!result.success) throw new WebhookPayloadError(issuesOf(result.error.issues, json, 'signed_request'));
  const data = result.data;
  if (data.algorithm.toUpperCase() !== 'HMAC-SHA256') {
    throw new SignatureError(
      'signed_request',
      'unsupported_algorithm',
      `algorithm ${JSON.stringify(data.algorithm)} is not HMAC-SHA256`,
    );
  }
  const { profile_id, ...rest } = data;
  const out: SignedRequestPayload = { ...rest, user_id: String(data.user_id) };
  if (profile_id !== undefined) out.profile_id = String(profile_id);
  return { payload: out, secretIndex };
}

type DeauthorizeEvent = Extract<AppEvent, { kind: 'deauthorize' }>;
type DataDeletionEvent = Extract<AppEvent, { kind: 'data_deletion' }>;

/** Where a callback failure happened, passed to {@link MetaCallbacksOptions.onError}. */
export interface MetaCallbackErrorContext {
  callback: 'deauthorize' | 'data_deletion';
  phase: 'signature' | 'payload' | 'handler' | 'request' | 'response';
}

/** Options of {@link createMetaCallbacks}. */
export interface MetaCallbacksOptions {
  /** The app secret, or several during a rotation. Give this or `apps`. */
  appSecret?: string | readonly string[];
  /**
   * Every Meta app whose dashboard points at these endpoints: the signed_request is verified with
   * each app's secrets and the event names the app that signed it (`event.appId`). Give this or
   * `appSecret`.
   */
  apps?: readonly MetaApp[];
  /** A person or Page removed the app: mark their connection revoked. Resolve → 200; throw → 500. */
  onDeauthorize?: (event: DeauthorizeEvent) => unknown;
  /**
   * A person asked to delete their data: start the deletion (durably), answer fast. Throw → 500.
   * When the request names a Page (`event.profileId`) the host connected, {@link purgeOnDataDeletion}
   * answers it with `channels.purge`.
   */
  onDataDeletion?: (event: DataDeletionEvent) => unknown;
  /**
   * Where the person can follow the deletion: a URL (`?code=<confirmation code>` is appended) or a
   * function of the code. Required by Meta for data deletion.
   */
  statusUrl?: string | ((confirmationCode: string) => string);
  /**
   * The confirmation code for a deletion request. Default: a keyed hash of the user id and `issued_at`,
   * the same for Meta's retries of one request and unguessable without the app secret.
   */
  confirmationCode?: (payload: SignedRequestPayload) => string | Promise<string>;
  /** Largest accepted body in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Told about rejected signatures, malformed bodies and handler failures. */
  onError?: (error: PagedeskError, context: MetaCallbackErrorContext) => void;
}

/** One callback endpoint with a web-standard and a Node entry point. */
export interface MetaCallbackHandler {
  /** Web-standard handler: Hono, Next.js route handlers, any `fetch`-style server. */
  fetch(request: Request): Promise<Response>;
  /** Node handler: node:http, Express, Fastify (`reply.raw`); reads the form body itself. */
  node(req: IncomingMessage, res: ServerResponse): void;
}

/** The two signed_request endpoints to enter in Meta's App Dashboard. */
export interface MetaCallbacks {
  /** "Deauthorize callback URL" (Facebook Login settings). */
  deauthorize: MetaCallbackHandler;
  /** "Data deletion request URL" (Settings › Basic); answers `{ url, confirmation_code }`. */
  dataDeletion: MetaCallbackHandler;
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');
const optionsSchema = z.object({
  ...appOptionsSchema,
  onDeauthorize: z.optional(fn),
  onDataDeletion: z.optional(fn),
  statusUrl: z.optional(z.union([z.url(), fn])),
  confirmationCode: z.optional(fn),
  maxBodyBytes: z.optional(z.number().check(z.int(), z.positive())),
  onError: z.optional(fn),
});

/**
 * Creates Meta's Deauthorize and Data Deletion callback endpoints: each verifies the `signed_request`
 * and hands a typed {@link AppEvent} to its handler (`issuedAt` in epoch ms). Data deletion answers the
 * JSON Meta requires: `{ "url": <status page>, "confirmation_code": <code> }`.
 *
 * @example
 * const callbacks = createMetaCallbacks({
 *   appSecret: process.env.META_APP_SECRET!,
 *   statusUrl: 'https://helpdesk.example/data-deletion',
 *   onDeauthorize: (event) => channels.markRevoked(event.profileId ?? event.userId),
 *   onDataDeletion: (event) => jobs.enqueue('delete-user', event),
 * });
 *
 * // Several apps (organisations with their own); a deletion naming a connected Page purges it.
 * createMetaCallbacks({
 *   apps: [{ appId: A_ID, appSecret: A_SECRET }, { appId: B_ID, appSecret: B_SECRET }],
 *   statusUrl: 'https://helpdesk.example/data-deletion',
 *   onDataDeletion: purgeOnDataDeletion(channels, (event) => jobs.enqueue('delete-user', event)),
 * });
 * app.post('/meta/deauthorize', callbacks.deauthorize.node);
 * app.post('/meta/data-deletion', callbacks.dataDeletion.node);
 * @throws ValidationError naming the wrong option (a data deletion handler without `statusUrl`, too).
 */
export function createMetaCallbacks(options: MetaCallbacksOptions): MetaCallbacks {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success)
    throw new ValidationError('createMetaCallbacks options', issuesOf(parsed.error.issues, options));
  if (options.onDataDeletion && options.statusUrl === undefined) {
    throw new ValidationError('createMetaCallbacks options', [
      {
        path: 'statusUrl',
        message: 'required with onDataDeletion: Meta needs a URL where the person can follow the deletion',
      },
    ]);
  }
  const { secrets, appIdOf } = appSecretsOf(options, 'createMetaCallbacks options');
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const report = (error: PagedeskError, context: MetaCallbackErrorContext) => {
    try {
      options.onError?.(error, context);
    } catch {
      // A failing reporter must not change the answer.
    }
  };
  // Keyed with the first secret of the app that signed, so each app's codes are its own.
  const codeFor = async (payload: SignedRequestPayload, secretIndex: number) =>
    options.confirmationCode
      ? options.confirmationCode(payload)
      : requireNodeCrypto('confirmationCode', 'pass options.confirmationCode')
          .createHmac('sha256', secrets[appIdOf.indexOf(appIdOf[secretIndex])] as string)
          .update(`data_deletion:${payload.user_id}:${payload.issued_at}`)
          .digest('base64url')
          .slice(0, 20);
  const urlFor = (code: string) => {
    const statusUrl = options.statusUrl as string | ((c: string) => string);
    if (typeof statusUrl === 'function') return statusUrl(code);
    const url = new URL(statusUrl);
    url.searchParams.set('code', code);
    return url.toString();
  };

  const endpoint = (
    callback: MetaCallbackErrorContext['callback'],
    handle: (
      payload: SignedRequestPayload,
      appId: string | undefined,
      secretIndex: number,
    ) => Promise<Response>,
    configured: boolean,
  ): MetaCallbackHandler => {
    const fetch = async (request: Request): Promise<Response> => {
      if (request.method !== 'POST') {
        return errorResponse(
          405,
          new PagedeskError('method_not_allowed', `${request.method} is not allowed; Meta uses POST`),
          {
            allow: 'POST',
          },
        );
      }
      if (!configured) {
        return errorResponse(
          404,
          new PagedeskError('not_configured', `No handler is configured for the ${callback} callback`),
        );
      }
      let verified: { payload: SignedRequestPayload; secretIndex: number };
      try {
        const raw = rawBodyOf(request) ?? Buffer.from(await request.arrayBuffer());
        if (raw.byteLength > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes);
        const text = raw.toString('utf8');
        const type = request.headers.get('content-type') ?? '';
        const signed = type.includes('json')
          ? (JSON.parse(text) as { signed_request?: unknown }).signed_request
          : new URLSearchParams(text).get('signed_request');
        if (typeof signed !== 'string' || signed === '') {
          throw new WebhookPayloadError([{ path: 'signed_request', message: 'missing from the form body' }]);
        }
        verified = verifySignedRequest(signed, secrets);
      } catch (error) {
        const e =
          error instanceof SyntaxError
            ? new WebhookPayloadError([{ path: '', message: 'the body is not valid JSON' }])
            : toPagedeskError(error);
        if (e instanceof BodyTooLargeError) return errorResponse(413, e, { connection: 'close' });
        if (e instanceof SignatureError) {
          report(e, { callback, phase: 'signature' });
          return errorResponse(401, e);
        }
        report(e, { callback, phase: 'payload' });
        return errorResponse(400, e);
      }
      try {
        return await handle(verified.payload, appIdOf[verified.secretIndex], verified.secretIndex);
      } catch (error) {
        report(toPagedeskError(error, 'handler_failed'), { callback, phase: 'handler' });
        return errorResponse(
          500,
          new PagedeskError('handler_failed', `The ${callback} handler failed`, { retryable: true }),
        );
      }
    };
    const node = nodeHandler(fetch, {
      maxBodyBytes,
      onError: (error, ctx) =>
        report(error, { callback, phase: ctx.phase === 'handler' ? 'handler' : ctx.phase }),
    });
    return { fetch, node };
  };

  return {
    deauthorize: endpoint(
      'deauthorize',
      async (payload, appId) => {
        const event: DeauthorizeEvent = {
          kind: 'deauthorize',
          id: `deauthorize:${payload.user_id}:${payload.issued_at}`,
          userId: payload.user_id,
          issuedAt: payload.issued_at * 1000,
          raw: payload,
        };
        if (payload.profile_id !== undefined) event.profileId = payload.profile_id;
        if (appId !== undefined) event.appId = appId;
        await options.onDeauthorize?.(event);
        return new Response('OK', { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      },
      options.onDeauthorize !== undefined,
    ),
    dataDeletion: endpoint(
      'data_deletion',
      async (payload, appId, secretIndex) => {
        const confirmationCode = await codeFor(payload, secretIndex);
        const statusUrl = urlFor(confirmationCode);
        const event: DataDeletionEvent = {
          kind: 'data_deletion',
          id: `data_deletion:${payload.user_id}:${payload.issued_at}`,
          userId: payload.user_id,
          confirmationCode,
          statusUrl,
          issuedAt: payload.issued_at * 1000,
          raw: payload,
        };
        if (payload.profile_id !== undefined) event.profileId = payload.profile_id;
        if (appId !== undefined) event.appId = appId;
        await options.onDataDeletion?.(event);
        return Response.json({ url: statusUrl, confirmation_code: confirmationCode });
      },
      options.onDataDeletion !== undefined,
    ),
  };
}

/** What {@link purgeOnDataDeletion} needs of `createChannels()` (`@pagedesk/core/server`). */
export interface PurgeableChannels {
  get(channelId: string): Promise<Channel>;
  purge(channelId: string): Promise<ChannelPurgeReport>;
}

/**
 * An `onDataDeletion` handler that answers a request naming a Page by purging it: when
 * `event.profileId` is a channel connected through the app that signed the request (any channel in the
 * single `appSecret` form), `channels.purge` deletes everything Pagedesk holds for it. Any other request
 * (a person's own data, a page of another app or not connected) goes to `otherwise`.
 *
 * @example
 * createMetaCallbacks({
 *   apps,
 *   statusUrl: 'https://helpdesk.example/data-deletion',
 *   onDataDeletion: purgeOnDataDeletion(channels, (event) => jobs.enqueue('delete-user-data', event)),
 * });
 */
export function purgeOnDataDeletion(
  channels: PurgeableChannels,
  otherwise?: (event: DataDeletionEvent) => unknown,
): (event: DataDeletionEvent) => Promise<unknown> {
  return async (event) => {
    const channel =
      event.profileId === undefined ? undefined : await channelOrNothing(channels, event.profileId);
    if (channel && (event.appId === undefined || channel.appId === event.appId)) {
      return channels.purge(channel.id);
    }
    return otherwise?.(event);
  };
}

async function channelOrNothing(channels: PurgeableChannels, id: string): Promise<Channel | undefined> {
  try {
    return await channels.get(id);
  } catch (error) {
    if (isPagedeskErrorCode(error, 'not_found')) return undefined;
    throw error;
  }
}

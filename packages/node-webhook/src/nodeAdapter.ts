import type { IncomingMessage, ServerResponse } from 'node:http';
import { PagedeskError, serializeError, toPagedeskError } from '@pagedesk/core';
import {
  BodyAlreadyParsedError,
  BodyTooLargeError,
  DEFAULT_MAX_BODY_BYTES,
  failResponse,
  type MaybeParsedRequest,
  readBody,
  requestUrl,
} from './nodeBody.js';

export { BodyAlreadyParsedError, BodyTooLargeError, DEFAULT_MAX_BODY_BYTES };

// The bridge between Node's http objects and the web-standard `fetch(Request) → Response` cores of
// `createWebhook` and `createInboxApi`. The cores never see Node types; this file is the only place
// that knows about IncomingMessage, framework body parsers and backpressure.

/** Options of {@link toWebRequest}. */
export interface ToWebRequestOptions {
  /** Largest accepted body in bytes; more rejects with {@link BodyTooLargeError}. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Aborts the web request (e.g. when the client disconnects); handlers see it as `request.signal`. */
  signal?: AbortSignal;
}

// The raw bytes a Request was built from, so the webhook can verify the signature over them without
// reading the web body a second time (a copy per delivery on the hot path).
const rawBodies = new WeakMap<Request, Buffer>();

/**
 * The exact body bytes a Request was built from by {@link toWebRequest}, or undefined for a Request
 * that came from elsewhere (then read `request.arrayBuffer()`).
 */
export function rawBodyOf(request: Request): Buffer | undefined {
  return rawBodies.get(request);
}

/**
 * Turns a Node `IncomingMessage` into a web `Request`, reading the body with a byte cap.
 *
 * Copes with a body a framework already read: a `req.rawBody` Buffer (Express `verify` hooks, NestJS
 * `rawBody: true`), a Buffer `req.body` (`express.raw()`), a string `req.body` (`express.text()`, encoded
 * as UTF-8). An already-parsed object `req.body` rejects with {@link BodyAlreadyParsedError}, because the
 * raw bytes are gone. The URL is `req.url` as the handler sees it (relative to an Express mount path).
 *
 * @example
 * const request = await toWebRequest(req, { maxBodyBytes: 64 * 1024 });
 * const response = await app.fetch(request);
 * @returns A Request whose body is the exact bytes received.
 */
export async function toWebRequest(
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
): Promise<Request> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const method = req.method ?? 'GET';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (:path, :method) are not valid web header names.
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const url = requestUrl(req);
  const init: RequestInit = { method, headers };
  if (options.signal) init.signal = options.signal;
  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    body = await readBody(req as MaybeParsedRequest, limit);
    // Node Buffers from sockets are backed by ArrayBuffer (never SharedArrayBuffer).
    init.body = body as Uint8Array<ArrayBuffer>;
  }
  const request = new Request(url, init);
  if (body) rawBodies.set(request, body);
  return request;
}

/**
 * Writes a web `Response` to a Node `ServerResponse`: status, headers (several `Set-Cookie` kept apart),
 * then the body chunk by chunk with backpressure. Headers are flushed first so Server-Sent Events reach
 * the client at once; a client disconnect cancels the body stream (ending an SSE subscription).
 *
 * @example
 * await writeWebResponse(res, new Response('ok', { status: 200 }));
 * @returns Resolves when the body is fully written or the client went away.
 */
export async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie();
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue;
    res.setHeader(name, value);
  }
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const body = response.body;
  if (!body || res.req?.method === 'HEAD') {
    if (body) await body.cancel().catch(() => {});
    res.end();
    return;
  }
  const reader = body.getReader();
  let closed = res.destroyed;
  const onClose = () => {
    closed = true;
    reader.cancel().catch(() => {});
  };
  res.once('close', onClose);
  try {
    // A body that is ready at once (JSON, text) leaves with its headers in one packet; a stream that
    // makes the client wait (SSE) gets its headers flushed right away so the client sees it is open.
    let next = reader.read();
    const ready = await Promise.race([next, new Promise<null>((resolve) => setImmediate(resolve, null))]);
    if (ready === null && !closed) res.flushHeaders();
    while (!closed) {
      const { done, value } = await next;
      if (done || closed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const resume = () => {
            res.off('drain', resume);
            res.off('close', resume);
            resolve();
          };
          res.once('drain', resume);
          res.once('close', resume);
        });
      }
      next = reader.read();
    }
  } catch (error) {
    // A body stream that fails mid-way cannot change the status any more: cut the connection so the
    // client sees a truncated answer instead of a silently incomplete one.
    if (!closed) res.destroy(error instanceof Error ? error : undefined);
    return;
  } finally {
    res.off('close', onClose);
  }
  if (!closed) res.end();
}

/** Where a failure happened, for {@link NodeHandlerOptions.onError}. */
export interface NodeErrorContext {
  /** `request` while reading the body, `handler` inside the fetch handler, `response` while writing. */
  phase: 'request' | 'handler' | 'response';
  method: string;
  /** The request path, without the query string. */
  url: string;
}

/** Options of {@link nodeHandler}. */
export interface NodeHandlerOptions {
  /** Largest accepted body in bytes (413 above). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Told about every unexpected failure (answered 500) and every request that could not be read. */
  onError?: (error: PagedeskError, context: NodeErrorContext) => void;
}

/** Answers a PagedeskError as `{ error }` JSON with the right status; for adapters and cores. */
export function errorResponse(status: number, error: PagedeskError, headers?: HeadersInit): Response {
  const response = Response.json({ error: serializeError(error) }, { status });
  if (headers) for (const [k, v] of new Headers(headers)) response.headers.set(k, v);
  return response;
}

/**
 * Wraps a web-standard handler as a Node `(req, res)` listener for node:http, Express or Fastify's
 * `reply.raw`. The body is read with the `maxBodyBytes` cap (413 above, 400 when a body parser already
 * consumed it); a handler that throws or rejects answers 500 and is reported to `onError`: no rejection
 * ever escapes into the host's process.
 *
 * @example
 * import { createServer } from 'node:http';
 * createServer(nodeHandler((request) => new Response('hello'), { maxBodyBytes: 65536 })).listen(3000);
 */
export function nodeHandler(
  fetchHandler: (request: Request) => Response | Promise<Response>,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const report = (error: unknown, context: NodeErrorContext) => {
    try {
      options.onError?.(toPagedeskError(error), context);
    } catch {
      // The host's reporter failing must not take the server down.
    }
  };
  return (req, res) => {
    const context = (phase: NodeErrorContext['phase']): NodeErrorContext => ({
      phase,
      method: req.method ?? 'GET',
      // The path only: a query string may hold a verify token or other secrets not meant for logs.
      url: (req.url ?? '/').split('?')[0] as string,
    });
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const run = async () => {
      let request: Request;
      try {
        const readOptions: ToWebRequestOptions = { signal: controller.signal };
        if (options.maxBodyBytes !== undefined) readOptions.maxBodyBytes = options.maxBodyBytes;
        request = await toWebRequest(req, readOptions);
      } catch (error) {
        const e = toPagedeskError(error);
        if (e instanceof BodyTooLargeError)
          return writeWebResponse(res, errorResponse(413, e, { connection: 'close' }));
        if (e instanceof BodyAlreadyParsedError) {
          report(e, context('request'));
          return writeWebResponse(res, errorResponse(400, e));
        }
        if (e.code === 'request_aborted') return; // nobody is left to answer
        report(e, context('request'));
        return writeWebResponse(res, errorResponse(500, e));
      }
      let response: Response;
      try {
        response = await fetchHandler(request);
      } catch (error) {
        report(error, context('handler'));
        response = errorResponse(500, new PagedeskError('internal', 'Internal error'));
      }
      try {
        await writeWebResponse(res, response);
      } catch (error) {
        report(error, context('response'));
        failResponse(res);
      }
    };
    run().catch((error: unknown) => {
      report(error, context('response'));
      failResponse(res);
    });
  };
}

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
  const method = req.method ?? 'GET';
  const body = hasNoBody(method)
    ? undefined
    : await readBody(req as MaybeParsedRequest, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  return webRequestOf(req, method, body, options.signal);
}

const hasNoBody = (method: string) => method === 'GET' || method === 'HEAD';

function webRequestOf(
  req: IncomingMessage,
  method: string,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (:path, :method) are not valid web header names.
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const init: RequestInit = { method, headers };
  if (signal) init.signal = signal;
  // Node Buffers from sockets are backed by ArrayBuffer (never SharedArrayBuffer).
  if (body) init.body = body as Uint8Array<ArrayBuffer>;
  const request = new Request(requestUrl(req), init);
  if (body) rawBodies.set(request, body);
  return request;
}

/** Where a body that writes itself (see {@link writesToNode}) puts its bytes on the Node path. Internal. */
export interface NodeSink {
  write(chunk: Uint8Array): void;
  end(): void;
  /** Bytes written but not yet taken by the socket (a slow reader). */
  readonly buffered: number;
}

// Bodies that can write themselves to a Node response, skipping the web stream's promise per chunk:
// the SSE stream, written to a thousand browsers per event. The stream stays the body for `fetch`.
const nodeWriters = new WeakMap<ReadableStream<Uint8Array>, (sink: NodeSink) => () => void>();

/**
 * Lets `body` write itself to a Node response when served by {@link writeWebResponse} (only if nothing
 * read it yet): `attach` gets the sink, writes what the stream holds so far and everything after it,
 * and returns what stops it (called once the response closes). Internal.
 */
export function writesToNode(body: ReadableStream<Uint8Array>, attach: (sink: NodeSink) => () => void): void {
  nodeWriters.set(body, attach);
}

/** Serves a self-writing body: resolves when the response closes (either side). */
function writeToNode(res: ServerResponse, attach: (sink: NodeSink) => () => void): Promise<void> {
  res.flushHeaders();
  return new Promise<void>((resolve) => {
    const detach = attach({
      write: (chunk) => {
        if (!res.destroyed) res.write(chunk);
      },
      end: () => {
        if (!res.destroyed && !res.writableEnded) res.end();
      },
      get buffered() {
        return res.writableLength;
      },
    });
    const done = () => {
      detach();
      resolve();
    };
    if (res.destroyed) done();
    else res.once('close', done);
  });
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
  const attach = nodeWriters.get(body);
  if (attach && !body.locked) {
    nodeWriters.delete(body);
    return writeToNode(res, attach);
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

/**
 * An answer the Node path writes with one `writeHead` and `end`, without a web `Response`: building
 * web objects per request cost more than a webhook delivery's own work. Internal.
 */
export interface PlainResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** A PagedeskError as `{ error }` JSON with its status, for the Node path and {@link errorResponse}. */
export function plainError(
  status: number,
  error: PagedeskError,
  headers?: Record<string, string>,
): PlainResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ error: serializeError(error) }),
  };
}

/** The same plain answer as a web `Response`, for the fetch handlers. */
export function webResponseOf(answer: PlainResponse): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** Answers a PagedeskError as `{ error }` JSON with the right status; for adapters and cores. */
export function errorResponse(
  status: number,
  error: PagedeskError,
  headers?: Record<string, string>,
): Response {
  return webResponseOf(plainError(status, error, headers));
}

/**
 * A Node request as the shared Node path hands it to a handler: the body is already read with the
 * cap; the URL and a web `Request` are built only when asked for. Internal.
 */
export interface NodeRequest {
  readonly method: string;
  /** The request target as received: path and query. */
  readonly target: string;
  /** A header value (several joined with ", ", as web Headers do), or null. */
  header(name: string): string | null;
  /** The parsed URL (a Host header that is not a valid host still gives the path). */
  url(): URL;
  /** The exact body bytes (empty for GET and HEAD). */
  body(): Buffer;
  /** A web Request over the same bytes ({@link rawBodyOf} finds them), aborted when the client leaves. */
  toRequest(): Request;
}

class NodeRequestView implements NodeRequest {
  #url: URL | undefined;
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly method: string,
    private readonly bytes: Buffer | undefined,
  ) {}

  get target(): string {
    return this.req.url ?? '/';
  }

  header(name: string): string | null {
    const value = this.req.headers[name];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }

  url(): URL {
    this.#url ??= requestUrl(this.req);
    return this.#url;
  }

  body(): Buffer {
    // Made here, not at import: the module also loads on runtimes without Buffer (workerd).
    return this.bytes ?? Buffer.alloc(0);
  }

  toRequest(): Request {
    // The signal is made only here: a handler that never builds a Request (the webhook) pays nothing.
    const controller = new AbortController();
    const res = this.res;
    if (res.destroyed && !res.writableFinished) controller.abort();
    else
      res.once('close', () => {
        if (!res.writableFinished) controller.abort();
      });
    return webRequestOf(this.req, this.method, this.bytes, controller.signal);
  }
}

// Node's headers of a plain answer, with its length declared so it goes out in one write instead of
// chunked framing; built once for an answer that is frozen (a constant reused for every request).
const nodeHeadersCache = new WeakMap<PlainResponse, Record<string, string>>();

function nodeHeadersOf(answer: PlainResponse): Record<string, string> {
  const cached = nodeHeadersCache.get(answer);
  if (cached) return cached;
  const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) };
  if (Object.isFrozen(answer)) nodeHeadersCache.set(answer, headers);
  return headers;
}

function writeAnswer(res: ServerResponse, answer: Response | PlainResponse): Promise<void> | undefined {
  if (answer instanceof Response) return writeWebResponse(res, answer);
  if (!res.destroyed) res.writeHead(answer.status, nodeHeadersOf(answer)).end(answer.body);
  return undefined;
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

/**
 * The one Node path of the webhook, the inbox API and the Meta callbacks: reads the body with the cap
 * (413 above, 400 when a body parser already consumed it, nothing when the client went away), calls
 * `handle`, writes its answer, and answers 500 (reported to `onError`) for anything that throws: no
 * rejection ever escapes into the host's process. Internal: {@link nodeHandler} is the public form.
 */
export function serveNode(
  handle: (request: NodeRequest) => Response | PlainResponse | Promise<Response | PlainResponse>,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const report = (error: unknown, context: NodeErrorContext) => {
    try {
      options.onError?.(toPagedeskError(error), context);
    } catch {
      // The host's reporter failing must not take the server down.
    }
  };
  return (req, res) => {
    const method = req.method ?? 'GET';
    const context = (phase: NodeErrorContext['phase']): NodeErrorContext => ({
      phase,
      method,
      // The path only: a query string may hold a verify token or other secrets not meant for logs.
      url: (req.url ?? '/').split('?')[0] as string,
    });
    const run = async () => {
      let body: Buffer | undefined;
      if (!hasNoBody(method)) {
        try {
          body = await readBody(req as MaybeParsedRequest, limit);
        } catch (error) {
          const e = toPagedeskError(error);
          if (e instanceof BodyTooLargeError)
            return writeAnswer(res, plainError(413, e, { connection: 'close' }));
          if (e.code === 'request_aborted') return; // nobody is left to answer
          report(e, context('request'));
          return writeAnswer(res, plainError(e instanceof BodyAlreadyParsedError ? 400 : 500, e));
        }
      }
      let answer: Response | PlainResponse;
      try {
        answer = await handle(new NodeRequestView(req, res, method, body));
      } catch (error) {
        report(error, context('handler'));
        answer = plainError(500, new PagedeskError('internal', 'Internal error'));
      }
      try {
        // Only a web Response is awaited: a plain answer is written at once, without a microtask.
        const writing = writeAnswer(res, answer);
        if (writing) await writing;
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
  return serveNode((request) => fetchHandler(request.toRequest()), options);
}

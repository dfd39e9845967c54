import type { IncomingMessage, ServerResponse } from 'node:http';
import { PagedeskError, toPagedeskError } from '@pagedesk/core';

// Reading a Node request body with a byte cap, shared by the web bridge (nodeAdapter's toWebRequest)
// and createWebhook's direct Node path. Internal: index.ts does not export this module; the error
// classes and the default cap reach users through nodeAdapter.

/** A request body was larger than the configured `maxBodyBytes`: answer 413. */
export class BodyTooLargeError extends PagedeskError {
  /** The cap in bytes that was exceeded. */
  readonly limit: number;
  constructor(limit: number) {
    super('body_too_large', `Request body exceeds the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

/**
 * A framework body parser consumed the raw request bytes before Pagedesk saw them, so the exact bytes
 * (needed for the signature) are gone: answer 400 and tell the host how to mount the handler.
 */
export class BodyAlreadyParsedError extends PagedeskError {
  constructor() {
    super(
      'body_already_parsed',
      'The request body was already parsed by a body parser, so its raw bytes are lost. Mount the Pagedesk ' +
        'handler before express.json() (or any JSON body parser), or give it the raw bytes with ' +
        "express.raw({ type: '*/*' }) or a `req.rawBody` Buffer.",
    );
    this.name = 'BodyAlreadyParsedError';
  }
}

/** Default body cap: Meta's webhook batches stay far below it. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type MaybeParsedRequest = IncomingMessage & {
  rawBody?: unknown;
  body?: unknown;
  originalUrl?: string;
};

// A Host header that is not a valid host must not turn into a 500: the path is what handlers route on.
export function requestUrl(req: IncomingMessage): URL {
  const path = req.url ?? '/';
  try {
    return new URL(path, `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    return new URL(path.startsWith('/') ? path : '/', 'http://localhost');
  }
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isFinite(n) ? n : undefined;
}

function fromParsed(req: MaybeParsedRequest, limit: number): Buffer | undefined {
  const candidates = [req.rawBody, req.body];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === null) continue;
    let bytes: Buffer | undefined;
    if (Buffer.isBuffer(candidate)) bytes = candidate;
    else if (candidate instanceof Uint8Array)
      bytes = Buffer.from(candidate.buffer, candidate.byteOffset, candidate.byteLength);
    else if (typeof candidate === 'string') bytes = Buffer.from(candidate, 'utf8');
    if (bytes) {
      if (bytes.byteLength > limit) throw new BodyTooLargeError(limit);
      return bytes;
    }
  }
  return undefined;
}

export function readBody(req: MaybeParsedRequest, limit: number): Promise<Buffer> {
  const parsed = fromParsed(req, limit);
  if (parsed) return Promise.resolve(parsed);
  const length = declaredLength(req);
  const hasBody = (length !== undefined && length > 0) || req.headers['transfer-encoding'] !== undefined;
  if (req.readableEnded) {
    // Someone read the stream before us. With an object body (express.json) or a declared body we
    // cannot recover the exact bytes; an empty request is simply empty.
    const body = req.body;
    if (hasBody || (typeof body === 'object' && body !== null && Object.keys(body).length > 0)) {
      return Promise.reject(new BodyAlreadyParsedError());
    }
    return Promise.resolve(Buffer.alloc(0));
  }
  if (length !== undefined && length > limit) {
    drain(req);
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        cleanup();
        drain(req);
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(toPagedeskError(error, 'request_aborted'));
    };
    const onClose = () => {
      // 'close' before 'end': the client went away mid-body.
      cleanup();
      reject(
        new PagedeskError('request_aborted', 'The client closed the connection before the body was complete'),
      );
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

// Discard the rest of an oversized body so the 413 answer can still reach the client; the answer
// carries `Connection: close`, so a client streaming forever is cut off once it has been answered.
function drain(req: IncomingMessage): void {
  req.on('error', () => {});
  req.resume();
}

/** Ends a response that could not be written: a bare 500 while nothing was sent, else cuts the connection. */
export function failResponse(res: ServerResponse): void {
  if (!res.headersSent && !res.destroyed) {
    res.statusCode = 500;
    res.end();
  } else res.destroy();
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.js';
import type { GraphApi } from './graph.js';
import type { UploadedFile } from './graphTypes.js';
import { readBody, sendJson } from './httpIO.js';
import { MetaError } from './metaError.js';
import type { World } from './world.js';

// The Graph API over HTTP: any `/vX.Y/` prefix, parameters from the query and a JSON, form or multipart
// body merged as Meta does, and the injected faults (latency, errors, timeouts) applied before the
// route answers.

async function readParams(
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
): Promise<{ params: Record<string, unknown>; files: Map<string, UploadedFile> }> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  const contentType = req.headers['content-type'] ?? '';
  if (raw.length === 0) return { params, files };
  if (contentType.includes('application/json')) Object.assign(params, JSON.parse(raw.toString('utf8')));
  else if (
    contentType.includes('multipart/form-data') ||
    contentType.includes('application/x-www-form-urlencoded')
  ) {
    const form = await new Request('http://emulator.local/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(raw),
    }).formData();
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') params[key] = value;
      else
        files.set(key, { bytes: Buffer.from(await value.arrayBuffer()), type: value.type, name: value.name });
    }
  } else {
    Object.assign(params, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  }
  return { params: { ...params }, files };
}

/** Tracks the requests a `timeout` fault leaves unanswered, so closing the emulator drops them. */
export class HangingRequests {
  private readonly responses = new Set<ServerResponse>();

  /** Never answers; the client's timeout fires. Bounded: the socket is dropped after 60 s or on close. */
  hold(world: World, res: ServerResponse): void {
    this.responses.add(res);
    world.later(60_000, () => {
      this.responses.delete(res);
      res.destroy();
    });
  }

  close(): void {
    for (const res of this.responses) res.destroy();
    this.responses.clear();
  }
}

export async function handleGraph(
  deps: { world: World; graph: GraphApi; faults: Faults; hanging: HangingRequests },
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const { world, faults } = deps;
  const method = req.method ?? 'GET';
  let segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] && /^v\d+(\.\d+)?$/.test(segments[0])) segments = segments.slice(1);
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch {
    const error = new MetaError(413, 100, '(#100) Attachment size exceeds allowable limit', {
      subcode: 2018109,
    });
    return sendJson(res, error.status, error.body);
  }
  let request: Awaited<ReturnType<typeof readParams>>;
  try {
    request = await readParams(req, url, raw);
  } catch {
    const error = new MetaError(400, 100, '(#100) The request body could not be parsed', {
      type: 'GraphMethodException',
    });
    return sendJson(res, error.status, error.body);
  }
  const { params, files } = request;
  const token = typeof params['access_token'] === 'string' ? params['access_token'] : undefined;
  const pathText = `/${segments.join('/')}`;
  const pageId =
    segments[0] && world.pages.has(segments[0])
      ? segments[0]
      : [...world.pages.values()].find((p) => p.accessToken === token)?.id;
  const latency = faults.latency(pathText, pageId);
  if (latency > 0) await new Promise((resolve) => world.later(latency, () => resolve(undefined)));
  const fault = faults.take(method, pathText, pageId);
  if (fault.kind === 'timeout') return deps.hanging.hold(world, res);
  if (fault.kind === 'error') return sendJson(res, fault.error.status, fault.error.body, fault.error.headers);
  const result = await deps.graph.handle({
    method,
    segments,
    params,
    files,
    authorization: req.headers.authorization,
  });
  return sendJson(res, result.status, result.body, result.headers);
}

import type { IncomingMessage, ServerResponse } from 'node:http';

// Reading request bodies and writing JSON answers on the emulator's Node server.

/** The largest body the emulator reads: above Meta's 25 MB upload limit, so it can answer with Meta's error. */
const MAX_BODY = 30 * 1024 * 1024;

/** The whole request body; rejects (and drops the socket) past 30 MB. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The emulator's own `{ error: { code, message } }` for a route it does not have. */
export function sendNotFound(res: ServerResponse, message: string): void {
  sendJson(res, 404, { error: { message, code: 'not_found' } });
}

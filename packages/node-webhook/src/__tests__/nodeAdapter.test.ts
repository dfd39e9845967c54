import { request as httpRequest } from 'node:http';
import type { PagedeskError } from '@pagedesk/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BodyTooLargeError,
  type NodeErrorContext,
  type NodeSink,
  nodeHandler,
  rawBodyOf,
  writesToNode,
} from '../nodeAdapter.js';
import { listen, serve } from './helpers.js';

const echo = async (request: Request) => {
  const body = await request.text();
  return Response.json({
    method: request.method,
    path: new URL(request.url).pathname + new URL(request.url).search,
    header: request.headers.get('x-test'),
    body,
    raw: rawBodyOf(request)?.toString('utf8') ?? null,
  });
};

/** Sends a body in timed chunks without a content-length (chunked), resolving with status and body. */
function sendChunks(
  url: string,
  chunks: string[],
  delayMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    let i = 0;
    const next = () => {
      if (i >= chunks.length) {
        req.end();
        return;
      }
      if (!req.destroyed) req.write(chunks[i++]);
      setTimeout(next, delayMs);
    };
    next();
  });
}

describe('nodeHandler + toWebRequest', () => {
  const errors: Array<{ error: PagedeskError; context: NodeErrorContext }> = [];
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await serve(
      nodeHandler(echo, { maxBodyBytes: 1024, onError: (error, context) => errors.push({ error, context }) }),
    );
  });
  afterAll(() => server.close());

  it('passes method, path with query, headers and the exact body bytes', async () => {
    const body = '{"text":"\\u00e4 ä"}';
    const res = await fetch(`${server.url}/hook/x?a=1`, {
      method: 'POST',
      body,
      headers: { 'x-test': 'yes' },
    });
    expect(await res.json()).toEqual({ method: 'POST', path: '/hook/x?a=1', header: 'yes', body, raw: body });
  });

  it('reads a slow chunked body completely', async () => {
    const res = await sendChunks(server.url, ['{"a":', '"b"', ',"c":1}'], 15);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).body).toBe('{"a":"b","c":1}');
  });

  it('answers 413 for a declared length over the cap, and for a chunked body that grows over it', async () => {
    const declared = await fetch(server.url, { method: 'POST', body: 'x'.repeat(2000) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    const chunked = await sendChunks(
      server.url,
      Array.from({ length: 8 }, () => 'y'.repeat(200)),
      5,
    );
    expect(chunked.status).toBe(413);
    expect(errors).toEqual([]);
  });

  it('GET and HEAD have no body', async () => {
    const res = await fetch(`${server.url}/?q=1`);
    expect(await res.json()).toMatchObject({ method: 'GET', body: '', raw: null });
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('a Host header that is not a valid host still reaches the handler with its path', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${server.url}/p?x=1`, { headers: { host: 'not a host' } }, (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => {
          text += c;
        });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ path: '/p?x=1' });
  });

  it('a client that aborts mid-body is not reported as a failure', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(server.url, { method: 'POST', headers: { 'content-length': '500' } });
      req.on('error', () => resolve());
      req.write('partial');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 20);
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(errors).toEqual([]);
  });
});

describe('bodies a framework already read', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  const errors: PagedeskError[] = [];
  beforeAll(async () => {
    const app = express();
    const handler = nodeHandler(echo, { maxBodyBytes: 1024, onError: (error) => errors.push(error) });
    app.post('/raw', express.raw({ type: '*/*' }), handler);
    app.post('/text', express.text({ type: '*/*' }), handler);
    app.post('/json', express.json(), handler);
    app.post(
      '/rawBody',
      (req, _res, next) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          (req as typeof req & { rawBody: Buffer }).rawBody = Buffer.concat(chunks);
          next();
        });
      },
      handler,
    );
    app.post('/big-raw', express.raw({ type: '*/*', limit: '1mb' }), handler);
    server = await listen((await import('node:http')).createServer(app));
  });
  afterAll(() => server.close());

  const body = '{"object":"page","entry":[]}';
  it.each(['/raw', '/text', '/rawBody'])('%s: the exact bytes reach the handler', async (path) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ body, raw: body });
  });

  it('an already-parsed object answers 400 explaining how to mount the handler', async () => {
    const res = await fetch(`${server.url}/json`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error).toMatchObject({ code: 'body_already_parsed' });
    expect(json.error.message).toContain('before express.json()');
    expect(errors.map((e) => e.code)).toEqual(['body_already_parsed']);
  });

  it('express.json() with a content type it ignores leaves the stream to Pagedesk', async () => {
    const res = await fetch(`${server.url}/json`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ body });
  });

  it('a pre-read Buffer over the cap answers 413', async () => {
    const res = await fetch(`${server.url}/big-raw`, { method: 'POST', body: 'z'.repeat(5000) });
    expect(res.status).toBe(413);
  });
});

describe('handler failures never escape', () => {
  it('a throwing or rejecting handler answers 500 and reports to onError, even when onError throws', async () => {
    const seen: Array<[string, string, string]> = [];
    const server = await serve(
      nodeHandler(
        (request) => {
          if (new URL(request.url).pathname === '/sync') throw new Error('sync boom');
          return Promise.reject(new Error('async boom'));
        },
        {
          onError: (error, context) => {
            seen.push([error.message, context.phase, context.url]);
            throw new Error('reporter broken');
          },
        },
      ),
    );
    try {
      const a = await fetch(`${server.url}/sync`);
      const b = await fetch(`${server.url}/async?hub.verify_token=secret-token`);
      expect([a.status, b.status]).toEqual([500, 500]);
      expect(((await a.json()) as { error: { message: string } }).error.message).toBe('Internal error');
      // The query string (it may carry a verify token) never reaches the error context.
      expect(seen).toEqual([
        ['sync boom', 'handler', '/sync'],
        ['async boom', 'handler', '/async'],
      ]);
    } finally {
      await server.close();
    }
  });
});

/** An event-stream request to `url`: its reader, a decoder, and the controller that aborts it. */
async function openEventStream(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  return {
    controller,
    reader: (res.body as ReadableStream<Uint8Array>).getReader(),
    decoder: new TextDecoder(),
  };
}

describe('writeWebResponse', () => {
  it('keeps several Set-Cookie headers apart and the status text', async () => {
    const server = await serve(
      nodeHandler(() => {
        const headers = new Headers({ 'x-a': '1' });
        headers.append('set-cookie', 'a=1; Path=/');
        headers.append('set-cookie', 'b=2; Path=/');
        return new Response('created', { status: 201, statusText: 'Created!', headers });
      }),
    );
    try {
      const res = await fetch(server.url);
      expect(res.status).toBe(201);
      expect(res.statusText).toBe('Created!');
      expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
      expect(await res.text()).toBe('created');
    } finally {
      await server.close();
    }
  });

  it('lets a self-writing body (the SSE fan-out) write straight to the response, and stops it when the client leaves', async () => {
    const encoder = new TextEncoder();
    let sink: NodeSink | undefined;
    let detached = 0;
    const server = await serve(
      nodeHandler(() => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('data: via the web stream\n\n'));
          },
        });
        writesToNode(body, (attached) => {
          sink = attached;
          attached.write(encoder.encode(': open\n\n'));
          return () => {
            detached += 1;
          };
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    try {
      const { controller, reader, decoder } = await openEventStream(server.url);
      let text = decoder.decode((await reader.read()).value);
      sink!.write(encoder.encode('data: 1\n\n'));
      while (!text.includes('data: 1')) text += decoder.decode((await reader.read()).value);
      // The sink replaced the stream: what only the stream held never went out.
      expect(text).toBe(': open\n\ndata: 1\n\n');
      expect(sink!.buffered).toBe(0);
      controller.abort();
      await vi.waitFor(() => expect(detached).toBe(1), { timeout: 2000, interval: 10 });
      sink!.write(encoder.encode('data: 2\n\n')); // after the close: dropped, no throw
    } finally {
      await server.close();
    }
  });

  it('streams Server-Sent Events as they come and cancels the stream when the client leaves', async () => {
    let cancelled!: () => void;
    const cancelledP = new Promise<void>((resolve) => {
      cancelled = resolve;
    });
    let sent = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const server = await serve(
      nodeHandler(
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              start(controller) {
                const encoder = new TextEncoder();
                controller.enqueue(encoder.encode(': open\n\n'));
                timer = setInterval(() => {
                  sent++;
                  if (sent > 200) return; // bounded even if cancel never came
                  controller.enqueue(encoder.encode(`data: ${sent}\n\n`));
                }, 10);
              },
              cancel() {
                clearInterval(timer);
                cancelled();
              },
            }),
            { headers: { 'content-type': 'text/event-stream' } },
          ),
      ),
    );
    try {
      const { controller, reader, decoder } = await openEventStream(server.url);
      let text = '';
      for (let i = 0; i < 50 && !text.includes('data: 2'); i++)
        text += decoder.decode((await reader.read()).value);
      expect(text).toContain(': open');
      expect(text).toContain('data: 1');
      controller.abort();
      await Promise.race([
        cancelledP,
        new Promise((_, reject) => setTimeout(() => reject(new Error('stream not cancelled')), 2000)),
      ]);
      const after = sent;
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(sent).toBe(after);
    } finally {
      clearInterval(timer);
      await server.close();
    }
  });
});

describe('BodyTooLargeError', () => {
  it('is a typed PagedeskError with the limit', () => {
    const e = new BodyTooLargeError(10);
    expect(e).toMatchObject({ code: 'body_too_large', limit: 10, retryable: false });
  });
});

import { PagedeskError } from '@pagedesk/core';
import { describe, expect, it, vi } from 'vitest';
import { httpTransport } from '../httpTransport.js';

// A chunk that fails to load (a deploy replaced it, the network dropped): the kit's checks are missing.
vi.mock('../browserChecks.js', () => {
  throw new Error('Failed to fetch dynamically imported module');
});

describe('httpTransport without its checks', () => {
  it('answers a retryable network error naming the request, rather than an unchecked answer', async () => {
    const transport = httpTransport({
      baseUrl: 'http://127.0.0.1:9',
      fetch: (async () => Response.json([])) as unknown as typeof fetch,
    });
    const error = await transport.listChannels().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PagedeskError);
    expect(error).toMatchObject({ code: 'network', retryable: true });
    expect((error as Error).message).toContain('GET /channels');
  });

  it('sends no write: the checks are loaded before it, so its retryable error is safe to retry', async () => {
    const seen: string[] = [];
    const transport = httpTransport({
      baseUrl: 'http://127.0.0.1:9',
      fetch: (async (url: string, init?: RequestInit) => {
        seen.push(`${init?.method} ${url}`);
        return Response.json({ messages: [] });
      }) as unknown as typeof fetch,
    });
    const error = await transport
      .sendMessage('conv-1', { text: 'Hello', clientId: 'c1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', retryable: true });
    expect((error as Error).message).toContain('POST /conversations/conv-1/messages');
    expect(seen).toEqual([]);
  });
});

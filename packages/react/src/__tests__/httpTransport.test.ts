import {
  type Channel,
  type ConversationWithCustomer,
  isPagedeskError,
  type LiveEvent,
  type LiveStatus,
  serializeError,
  ValidationError,
  WindowClosedError,
} from '@pagedesk/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { httpTransport } from '../httpTransport.js';

const NOW = Date.UTC(2026, 2, 2, 12);
const sample = createFakeTransport({ now: () => NOW, conversations: 2 });
const conversation = sample.data.conversations[0] as ConversationWithCustomer;
const channel = sample.data.channels[0] as Channel;

function headersOf(init: RequestInit | undefined): Record<string, string> {
  return (init?.headers ?? {}) as Record<string, string>;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function recorder(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return answer(String(input), init);
  });
  return { calls, fetch: fetch as unknown as typeof globalThis.fetch };
}

describe('httpTransport REST', () => {
  it('encodes filters as query parameters and validates the page', async () => {
    const { calls, fetch } = recorder(() => json({ items: [conversation], nextCursor: 'c2' }));
    const transport = httpTransport({
      baseUrl: 'https://api.test/pagedesk/',
      fetch,
      headers: { authorization: 'Bearer t' },
    });
    const page = await transport.listConversations({
      status: 'open',
      assigneeId: null,
      unread: true,
      search: 'ana',
      limit: 10,
    });
    expect(page).toEqual({ items: [conversation], nextCursor: 'c2' });
    const url = new URL(calls[0]?.url ?? '');
    expect(url.pathname).toBe('/pagedesk/conversations');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: 'open',
      assigneeId: '',
      unread: 'true',
      search: 'ana',
      limit: '10',
    });
    expect(headersOf(calls[0]?.init).authorization).toBe('Bearer t');
  });

  it('rejects a response that does not match the schema with a ValidationError naming the field', async () => {
    const { fetch } = recorder(() =>
      json({ items: [{ ...conversation, unreadCount: 'many' }], nextCursor: null }),
    );
    const transport = httpTransport({ baseUrl: '/pd', fetch });
    const error = await transport.listConversations({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('items[0].unreadCount');
  });

  it('turns the server error JSON back into the typed error', async () => {
    const closed = new WindowClosedError('The window closed', { closedAt: NOW - 1000 });
    const { fetch } = recorder(() => json({ error: serializeError(closed) }, 409));
    const transport = httpTransport({ baseUrl: '/pd', fetch });
    const error = await transport.sendMessage('c1', { text: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WindowClosedError);
    expect((error as WindowClosedError).closedAt).toBe(NOW - 1000);
  });

  it('reports unreachable servers and non-JSON failures as retryable PagedeskErrors without leaking headers', async () => {
    const down = httpTransport({
      baseUrl: '/pd',
      headers: () => ({ authorization: 'Bearer secret-token' }),
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof globalThis.fetch,
    });
    const error = await down.listChannels().catch((e: unknown) => e);
    expect(isPagedeskError(error) && error.code).toBe('network');
    expect(isPagedeskError(error) && error.retryable).toBe(true);
    expect(String((error as Error).message)).not.toContain('secret-token');

    const broken = httpTransport({
      baseUrl: '/pd',
      fetch: (async () => new Response('oops', { status: 502 })) as typeof globalThis.fetch,
    });
    const failure = await broken.listChannels().catch((e: unknown) => e);
    expect(isPagedeskError(failure) && failure.retryable).toBe(true);
  });

  it('sends drafts as JSON, uploads raw bytes with the file name, and unwraps { messages }', async () => {
    const message = sample.data.messages(conversation.id)[0];
    const { calls, fetch } = recorder((url) =>
      url.endsWith('/uploads')
        ? json({ id: 'u1', name: 'é.png', type: 'image/png', size: 3, url: 'https://x/u1' })
        : json({ messages: [message] }),
    );
    const transport = httpTransport({ baseUrl: '/pd', fetch });
    const uploaded = await transport.uploadFile(
      new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }),
      'é.png',
    );
    expect(uploaded.id).toBe('u1');
    const upload = calls[0]?.init;
    expect(upload?.method).toBe('POST');
    expect(headersOf(upload)['x-file-name']).toBe(encodeURIComponent('é.png'));
    expect(headersOf(upload)['content-type']).toBe('image/png');
    expect(await transport.sendMessage('c/1', { text: 'hi', clientId: 'x' })).toEqual([message]);
    expect(calls[1]?.url).toBe('/pd/conversations/c%2F1/messages');
    expect(JSON.parse(String(calls[1]?.init.body))).toEqual({ text: 'hi', clientId: 'x' });
  });

  it('validates channel actions and settings answers', async () => {
    const { calls, fetch } = recorder(() => json(channel));
    const transport = httpTransport({ baseUrl: '/pd', fetch });
    await transport.channelAction(channel.id, { action: 'deactivate' });
    await transport.updateChannelSettings(channel.id, { humanAgent: false });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      `POST /pd/channels/${channel.id}/actions`,
      `PATCH /pd/channels/${channel.id}/settings`,
    ]);
  });

  it('refuses options without a baseUrl', () => {
    expect(() => httpTransport({} as never)).toThrow(ValidationError);
  });
});

function sseResponse(frames: string[], keepOpen = false): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const frame of frames) controller.enqueue(encoder.encode(frame));
      if (!keepOpen) controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('httpTransport live stream', () => {
  const typing = (seq: number): LiveEvent => ({ seq, type: 'typing', conversationId: 'c1', on: true });

  it('delivers validated events, passes reset on, and resumes with Last-Event-ID after a drop', async () => {
    let attempt = 0;
    const { calls, fetch } = recorder(() => {
      attempt += 1;
      if (attempt === 1)
        return sseResponse([
          `id: 1\nevent: typing\ndata: ${JSON.stringify(typing(1))}\n\n`,
          'id: 2\ndata: {"seq":2,"type":"from-the-future"}\n\n',
          'data: not json\n\n',
        ]);
      return sseResponse([`id: 3\ndata: ${JSON.stringify({ type: 'reset', seq: 3 })}\n\n`], true);
    });
    const events: unknown[] = [];
    const statuses: LiveStatus[] = [];
    const transport = httpTransport({
      baseUrl: '/pd',
      fetch,
      headers: { authorization: 'Bearer t' },
      reconnect: { initialDelayMs: 1, maxDelayMs: 2 },
    });
    const stop = transport.subscribe(
      (event) => events.push(event),
      (status) => statuses.push(status),
    );
    await vi.waitFor(() => expect(events).toHaveLength(2), { timeout: 2000 });
    expect(events[0]).toEqual(typing(1));
    expect(events[1]).toEqual({ type: 'reset', seq: 3 });
    const second = calls[1];
    expect(headersOf(second?.init)['last-event-id']).toBe('2');
    expect(second?.url).toBe('/pd/events?lastEventId=2');
    expect(headersOf(second?.init).authorization).toBe('Bearer t');
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    stop();
    expect(statuses.at(-1)).toBe('closed');
    expect(second?.init.signal?.aborted).toBe(true);
  });

  it('gives up after maxAttempts failed reconnects, and at once on 401/403', async () => {
    const { calls, fetch } = recorder(() => new Response('down', { status: 503 }));
    const statuses: LiveStatus[] = [];
    const transport = httpTransport({
      baseUrl: '/pd',
      fetch,
      reconnect: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 3 },
    });
    transport.subscribe(
      () => {},
      (status) => statuses.push(status),
    );
    await vi.waitFor(() => expect(statuses.at(-1)).toBe('closed'), { timeout: 2000 });
    expect(calls).toHaveLength(4);

    const denied = recorder(() => new Response('no', { status: 403 }));
    const deniedStatuses: LiveStatus[] = [];
    httpTransport({ baseUrl: '/pd', fetch: denied.fetch }).subscribe(
      () => {},
      (status) => deniedStatuses.push(status),
    );
    await vi.waitFor(() => expect(deniedStatuses.at(-1)).toBe('closed'), { timeout: 2000 });
    expect(denied.calls).toHaveLength(1);
  });
});

describe('httpTransport live stream backoff', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A stream answered with comments only, ended after `openMs` (at once by default). */
  const quiet = (openMs = 0) =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('retry: 2000\n: connected\n\n'));
          if (openMs === 0) controller.close();
          else setTimeout(() => controller.close(), openMs);
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    );

  /** Subscribes with fake timers and no jitter (each delay is half its base) for `ms`; the last answer repeats. */
  async function run(answers: Array<() => Response>, ms: number) {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { calls, fetch } = recorder(() => answers[Math.min(calls.length, answers.length) - 1]!());
    const statuses: LiveStatus[] = [];
    const errors: unknown[] = [];
    const transport = httpTransport({
      baseUrl: '/pd',
      fetch,
      reconnect: { initialDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 3 },
      onLiveError: (error) => errors.push(error),
    });
    const stop = transport.subscribe(
      () => {},
      (status) => statuses.push(status),
    );
    await vi.advanceTimersByTimeAsync(ms);
    stop();
    return { calls, statuses, errors };
  }

  it('keeps backing off and gives up when every stream opens and ends at once', async () => {
    // Delays of 50, 100 and 200 ms: the fourth stream ends the third retry, and the stream closes.
    const { calls, statuses } = await run([() => quiet()], 60_000);
    expect(calls).toHaveLength(4);
    const retry = ['reconnecting', 'open'];
    expect(statuses).toEqual(['connecting', 'open', ...retry, ...retry, ...retry, 'closed']);
  });

  it('counts an answer that is not an event stream as a failed attempt, with a typed error', async () => {
    const page = () =>
      new Response('<!doctype html><div id="root"></div>', { headers: { 'content-type': 'text/html' } });
    const { calls, statuses, errors } = await run([page], 60_000);
    expect(calls).toHaveLength(4);
    expect(statuses).not.toContain('open');
    expect(errors).toHaveLength(4);
    expect(isPagedeskError(errors[0]) && [errors[0].code, errors[0].retryable]).toEqual([
      'live_unavailable',
      true,
    ]);
    expect((errors[0] as Error).message).toContain('text/html');
  });

  it('starts the backoff over after a stream that delivered an event or stayed open a while', async () => {
    const typing = () =>
      sseResponse([
        `id: 1\ndata: ${JSON.stringify({ seq: 1, type: 'typing', conversationId: 'c1', on: true })}\n\n`,
      ]);
    // Two quick failures, then healthy streams: one open for 10 s, one that delivered an event.
    const answers = [
      () => quiet(),
      () => quiet(),
      () => quiet(10_000),
      () => quiet(),
      () => quiet(),
      typing,
      () => quiet(),
    ];
    const { calls, statuses } = await run(answers, 60_000);
    // Each healthy stream starts the count over: 2 failures, then 2 after the long stream, then 3 after
    // the event, whose third retry (the ninth request) ends the stream.
    expect(calls).toHaveLength(9);
    expect(statuses.at(-1)).toBe('closed');
  });
});

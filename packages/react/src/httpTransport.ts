'use client';

import type {
  Agent,
  Channel,
  ChannelAction,
  ChannelSettings,
  ConnectablePage,
  ConversationListQuery,
  ConversationPatch,
  ConversationWithCustomer,
  CustomerDetailsPatch,
  InboxTransport,
  LiveEvent,
  LiveStatus,
  Message,
  Paged,
  SendDraft,
  ServerClock,
  UploadedFile,
} from '@pagedesk/core';
import { PagedeskError, ValidationError } from '@pagedesk/core/rules';
import type { Answer, AnswerKind } from './browserChecks.js';
import { isResetEvent, type TransportLiveEvent } from './liveEvents.js';
import { type BrowserChecks, loadChecks } from './loadChecks.js';

/** Backoff of the live-update stream after it drops. */
export interface ReconnectOptions {
  /** First delay after a drop; doubles on each failed attempt. Default 500 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay. Default 30 s. */
  maxDelayMs?: number;
  /** Consecutive failed attempts before giving up with status `closed`. Default 50. */
  maxAttempts?: number;
}

/** Options of {@link httpTransport}. */
export interface HttpTransportOptions {
  /** Where `createInboxApi()` is mounted, absolute or relative to the page (e.g. `/pagedesk`). */
  baseUrl: string;
  /** Sent with every request, including the live stream (so bearer tokens work, unlike EventSource). */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Injectable fetch (tests, polyfills). Defaults to the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  reconnect?: ReconnectOptions;
  /** Called after the stream reconnects; mostly for logging. */
  onReconnect?: (attempt: number) => void;
  /**
   * Called with why an attempt of the live stream failed (retried with backoff, or `closed` after
   * `maxAttempts`): a `PagedeskError` `live_unavailable` when the answer was not a stream (an error
   * status, or a proxy or SPA fallback answering a page), else what the network threw. For logging.
   */
  onLiveError?: (error: unknown) => void;
}

/**
 * The checks for a request: a chunk that fails to load is a retryable network failure (a browser may
 * keep it failed until the page reloads, which the message says).
 */
async function checksFor(request: string): Promise<BrowserChecks> {
  try {
    return await loadChecks();
  } catch (cause) {
    throw new PagedeskError(
      'network',
      `${request}: the kit's checks could not be loaded; reload the page if this lasts`,
      { cause, retryable: true },
    );
  }
}

/** The header in which the inbox API sends its clock (epoch ms) with every answer. */
const NOW_HEADER = 'x-pagedesk-now';

/** The server's clock learnt from answers and `clock` frames; listeners hear of moves over a second. */
function serverClockOf(): ServerClock & { learn(serverNow: unknown, localAt: number): void } {
  let offset = 0;
  let known = false;
  const listeners = new Set<() => void>();
  return {
    offset: () => offset,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    learn(serverNow, localAt) {
      const at = typeof serverNow === 'string' ? Number(serverNow) : serverNow;
      if (typeof at !== 'number' || !Number.isFinite(at) || at <= 0) return;
      const next = at - localAt;
      const moved = !known || Math.abs(next - offset) > 1000;
      offset = next;
      known = true;
      if (moved) for (const listener of listeners) listener();
    },
  };
}

function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    // `null` travels as an empty value: "assigneeId=" asks for unassigned conversations.
    search.set(key, value === null ? '' : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function errorFromResponse(response: Response): Promise<PagedeskError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const checks = await loadChecks().catch(() => undefined);
  const known = checks?.errorOfAnswer(body);
  if (known) return known;
  return new PagedeskError(
    'http_error',
    `The server answered ${response.status} ${response.statusText}`.trim(),
    {
      retryable: response.status >= 500 || response.status === 429,
    },
  );
}

/** What {@link parseSseChunk} keeps between chunks of one stream (start each stream with `{ buffer: '' }`). */
export interface SseParserState {
  /** The unfinished tail of the stream, line endings already normalised to `\n`. */
  buffer: string;
  /** The last chunk ended with `\r`: a `\n` opening the next chunk is the rest of that `\r\n`. */
  pendingCr?: boolean;
}

/**
 * Parses a `text/event-stream` body incrementally, as the SSE spec says
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation): returns
 * the events of complete blocks and keeps the unfinished tail in `state`. Any chunking of the same
 * stream gives the same events, including a chunk that ends between the `\r` and `\n` of a line end.
 */
export function parseSseChunk(
  state: SseParserState,
  chunk: string,
): Array<{ id?: string; event?: string; data: string }> {
  if (chunk === '') return [];
  let text = chunk;
  if (state.pendingCr && text.charCodeAt(0) === 10) text = text.slice(1);
  // A trailing \r ends its line now (CR alone is a line end), so a CR-only server is not held back.
  state.pendingCr = chunk.charCodeAt(chunk.length - 1) === 13;
  state.buffer += text.replace(/\r\n?/g, '\n');
  const out: Array<{ id?: string; event?: string; data: string }> = [];
  // Blocks end with a blank line.
  const blocks = state.buffer.split('\n\n');
  state.buffer = blocks.pop() ?? '';
  for (const block of blocks) {
    const event: { id?: string; event?: string; data: string } = { data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      // The spec ignores an id holding U+0000.
      else if (field === 'id' && !value.includes('\0')) event.id = value;
      else if (field === 'event') event.event = value;
    }
    if (data.length === 0) continue;
    event.data = data.join('\n');
    out.push(event);
  }
  return out;
}

/**
 * An {@link InboxTransport} over the REST + SSE API of `createInboxApi()` (`@pagedesk/node-webhook`).
 * Every response is validated with core's schemas (a mismatch rejects with `ValidationError`), server
 * errors come back as the typed `PagedeskError` subclass, and live updates stream over `fetch` so
 * auth headers work, resuming with `Last-Event-ID` after a drop with bounded exponential backoff.
 *
 * @example
 * const transport = httpTransport({
 *   baseUrl: '/pagedesk',
 *   headers: async () => ({ authorization: `Bearer ${await getToken()}` }),
 * });
 * <PagedeskProvider transport={transport}><Inbox /></PagedeskProvider>
 */
export function httpTransport(options: HttpTransportOptions): InboxTransport {
  if (typeof options?.baseUrl !== 'string') {
    throw new ValidationError('httpTransport options', [{ path: 'baseUrl', message: 'must be a string' }]);
  }
  const baseUrl = options.baseUrl;
  const doFetch: typeof globalThis.fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  const clock = serverClockOf();
  const reconnect = {
    initialDelayMs: options.reconnect?.initialDelayMs ?? 500,
    maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
    maxAttempts: options.reconnect?.maxAttempts ?? 50,
  };

  async function headers(extra?: Record<string, string>): Promise<Record<string, string>> {
    const base = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
    return { ...base, ...extra };
  }

  async function request<K extends AnswerKind>(
    method: string,
    path: string,
    kind: K,
    init?: { json?: unknown; body?: BodyInit; headers?: Record<string, string> },
  ): Promise<Answer<K>>;
  async function request(
    method: string,
    path: string,
    kind: null,
    init?: { json?: unknown; body?: BodyInit; headers?: Record<string, string> },
  ): Promise<undefined>;
  async function request(
    method: string,
    path: string,
    kind: AnswerKind | null,
    init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<unknown> {
    const route = `${method} ${path.split('?')[0]}`;
    const what = `response of ${route}`;
    // A read loads the checks beside its fetch. A write has them first: a chunk that fails to load then
    // fails the request before the server changed anything, so the retryable error it gives is safe to retry,
    // and the server's typed errors can be read.
    const checks = kind === null && method === 'GET' ? undefined : checksFor(route);
    checks?.catch(() => undefined);
    if (method !== 'GET') await checks;
    const extra: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (init.json !== undefined) extra['content-type'] = 'application/json';
    let response: Response;
    const sentAt = Date.now();
    try {
      response = await doFetch(joinUrl(baseUrl, path), {
        method,
        headers: await headers(extra),
        ...(init.json !== undefined
          ? { body: JSON.stringify(init.json) }
          : init.body
            ? { body: init.body }
            : {}),
      });
    } catch (cause) {
      throw new PagedeskError('network', `${route} could not reach the server`, {
        cause,
        retryable: true,
      });
    }
    // The server's clock is taken as of the middle of the round trip.
    clock.learn(response.headers?.get(NOW_HEADER), (sentAt + Date.now()) / 2);
    if (!response.ok) throw await errorFromResponse(response);
    if (kind === null || checks === undefined) return undefined;
    let body: unknown;
    try {
      body = await response.json();
    } catch (cause) {
      throw new ValidationError(what, [{ path: '', message: 'not JSON' }], { cause });
    }
    return (await checks).parseAnswer(kind, body, what);
  }

  const id = (value: string) => encodeURIComponent(value);

  return {
    serverClock: { offset: clock.offset, subscribe: clock.subscribe },
    listConversations(query: ConversationListQuery): Promise<Paged<ConversationWithCustomer>> {
      return request('GET', `/conversations${queryString({ ...query })}`, 'conversationPage');
    },
    getConversation(conversationId) {
      return request('GET', `/conversations/${id(conversationId)}`, 'conversation');
    },
    updateConversation(conversationId, patch: ConversationPatch) {
      return request('PATCH', `/conversations/${id(conversationId)}`, 'conversation', {
        json: patch,
      });
    },
    listMessages(conversationId, query = {}): Promise<Paged<Message>> {
      return request(
        'GET',
        `/conversations/${id(conversationId)}/messages${queryString({ ...query })}`,
        'messagePage',
      );
    },
    async sendMessage(conversationId, draft: SendDraft): Promise<Message[]> {
      const body = await request('POST', `/conversations/${id(conversationId)}/messages`, 'sendResult', {
        json: draft,
      });
      return body.messages;
    },
    retryMessage(messageId, retryOptions) {
      return request(
        'POST',
        `/messages/${id(messageId)}/retry`,
        'message',
        retryOptions?.force ? { json: { force: true } } : {},
      );
    },
    setTyping(conversationId, on) {
      return request('POST', `/conversations/${id(conversationId)}/typing`, null, { json: { on } });
    },
    uploadFile(file: Blob, name: string): Promise<UploadedFile> {
      return request('POST', '/uploads', 'uploadedFile', {
        body: file,
        headers: {
          'content-type': file.type || 'application/octet-stream',
          // Header values must be ISO-8859-1; the server decodes this.
          'x-file-name': encodeURIComponent(name),
        },
      });
    },
    listChannels(): Promise<Channel[]> {
      return request('GET', '/channels', 'channels');
    },
    updateChannelSettings(channelId, settings: Partial<ChannelSettings>) {
      return request('PATCH', `/channels/${id(channelId)}/settings`, 'channel', { json: settings });
    },
    channelAction(channelId, action: ChannelAction) {
      return request('POST', `/channels/${id(channelId)}/actions`, 'channel', { json: action });
    },
    listConnectablePages(userAccessToken): Promise<ConnectablePage[]> {
      return request('POST', '/connect/pages', 'connectablePages', { json: { userAccessToken } });
    },
    connectPages(userAccessToken, pageIds) {
      return request('POST', '/connect', 'channels', { json: { userAccessToken, pageIds } });
    },
    listAgents(): Promise<Agent[]> {
      return request('GET', '/agents', 'agents');
    },
    sendSurvey(conversationId, draft) {
      return request('POST', `/conversations/${id(conversationId)}/survey`, 'message', { json: draft });
    },
    threadControl(conversationId, action, options = {}) {
      return request('POST', `/conversations/${id(conversationId)}/thread`, 'conversation', {
        json: { action, ...options },
      });
    },
    moderateComment(messageId, action) {
      return request('POST', `/messages/${id(messageId)}/moderation`, 'message', { json: { action } });
    },
    getCustomer(customerId) {
      return request('GET', `/customers/${id(customerId)}`, 'customer');
    },
    updateCustomer(customerId, patch: CustomerDetailsPatch) {
      return request('PATCH', `/customers/${id(customerId)}`, 'customer', { json: patch });
    },
    blockCustomer(customerId, blocked) {
      return request('POST', `/customers/${id(customerId)}/block`, 'customer', { json: { blocked } });
    },
    listTemplates(query = {}) {
      return request('GET', `/templates${queryString({ ...query })}`, 'templates');
    },
    createTemplate(input) {
      return request('POST', '/templates', 'template', { json: input });
    },
    updateTemplate(templateId, patch) {
      return request('PATCH', `/templates/${id(templateId)}`, 'template', { json: patch });
    },
    deleteTemplate(templateId) {
      return request('DELETE', `/templates/${id(templateId)}`, null);
    },
    async sendTemplate(conversationId, templateId): Promise<Message[]> {
      const path = `/conversations/${id(conversationId)}/templates`;
      return (await request('POST', path, 'sendResult', { json: { templateId } })).messages;
    },
    subscribe(onEvent: (event: LiveEvent) => void, onStatus?: (status: LiveStatus) => void) {
      return subscribeStream({
        baseUrl,
        doFetch,
        headers,
        reconnect,
        onEvent: onEvent as (event: TransportLiveEvent) => void,
        onClock: clock.learn,
        ...(onStatus ? { onStatus } : {}),
        hooks: options,
      });
    },
  };
}

interface StreamOptions {
  baseUrl: string;
  doFetch: typeof globalThis.fetch;
  headers: (extra?: Record<string, string>) => Promise<Record<string, string>>;
  reconnect: Required<ReconnectOptions>;
  onEvent: (event: TransportLiveEvent) => void;
  onClock: (serverNow: unknown, localAt: number) => void;
  onStatus?: (status: LiveStatus) => void;
  hooks: Pick<HttpTransportOptions, 'onReconnect' | 'onLiveError'>;
}

/** How long a stream that sends no frame must stay open to count as healthy (see `subscribeStream`). */
const HEALTHY_MS = 10_000;

function subscribeStream(options: StreamOptions): () => void {
  const controller = new AbortController();
  let lastEventId: string | undefined;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let status: LiveStatus | undefined;
  const setStatus = (next: LiveStatus) => {
    if (next === status) return;
    status = next;
    options.onStatus?.(next);
  };

  const dispatch = (checks: BrowserChecks, block: { id?: string; event?: string; data: string }) => {
    if (block.id !== undefined) lastEventId = block.id;
    let json: unknown;
    try {
      json = JSON.parse(block.data);
    } catch {
      return; // a corrupt frame cannot be trusted; the next event or a reset resyncs
    }
    if (block.event === 'clock') {
      options.onClock((json as { now?: unknown } | null)?.now, Date.now());
      return;
    }
    if (isResetEvent(json)) {
      options.onEvent(json);
      return;
    }
    const event = checks.liveEventOf(json);
    // An unknown event type from a newer server is skipped rather than breaking the stream.
    if (event) options.onEvent(event);
  };

  const connect = async () => {
    let opened = 0;
    setStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    const query = lastEventId === undefined ? '' : `?lastEventId=${encodeURIComponent(lastEventId)}`;
    try {
      // Loaded beside the stream's request; a chunk that fails to load counts as a dropped stream.
      const checks = loadChecks();
      checks.catch(() => undefined);
      const response = await options.doFetch(joinUrl(options.baseUrl, `/events${query}`), {
        headers: await options.headers({
          accept: 'text/event-stream',
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        }),
        signal: controller.signal,
      });
      const type = response.headers?.get('content-type') ?? '';
      // Not a stream (a proxy or an SPA fallback answering 200 with a page, too): a failed attempt.
      if (!response.ok || !response.body || !type.startsWith('text/event-stream')) {
        // Auth and validation failures will not heal by retrying.
        if (
          response.status >= 400 &&
          response.status < 500 &&
          response.status !== 408 &&
          response.status !== 429
        ) {
          setStatus('closed');
          return;
        }
        void response.body?.cancel().catch(() => undefined);
        throw new PagedeskError('live_unavailable', `events answered ${response.status} ${type}`, {
          retryable: true,
        });
      }
      const check = await checks.catch(async (error: unknown) => {
        await response.body?.cancel().catch(() => undefined);
        throw error;
      });
      options.onClock(response.headers.get(NOW_HEADER), Date.now());
      if (attempt > 0) options.hooks.onReconnect?.(attempt);
      setStatus('open');
      opened = Date.now();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const state: SseParserState = { buffer: '' };
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const block of parseSseChunk(state, value)) {
          // The backoff starts over only once the stream proved healthy: it delivered a frame...
          attempt = 0;
          dispatch(check, block);
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      options.hooks.onLiveError?.(error);
    }
    if (controller.signal.aborted) return;
    // ...or stayed open a while (comments only): one that opens and ends at once keeps backing off.
    if (opened && Date.now() - opened >= HEALTHY_MS) attempt = 0;
    attempt += 1;
    if (attempt > options.reconnect.maxAttempts) {
      setStatus('closed');
      return;
    }
    setStatus('reconnecting');
    const base = Math.min(
      options.reconnect.maxDelayMs,
      options.reconnect.initialDelayMs * 2 ** (attempt - 1),
    );
    // Jitter spreads reconnects of many agents after a server restart.
    const delay = base / 2 + Math.random() * (base / 2);
    timer = setTimeout(() => void connect(), delay);
  };

  void connect();
  return () => {
    controller.abort();
    if (timer !== undefined) clearTimeout(timer);
    setStatus('closed');
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Agent,
  agentSchema,
  type Channel,
  type Conversation,
  type ConversationQuery,
  type ConversationWithCustomer,
  type Customer,
  channelActionSchema,
  channelSettingsSchema,
  conversationPatchSchema,
  type Inbox,
  NotFoundError,
  PagedeskError,
  platformSchema,
  sendDraftSchema,
  toPagedeskError,
  ValidationError,
} from '@pagedesk/core';
import type { Channels } from '@pagedesk/core/server';
import * as z from 'zod/mini';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, nodeHandler } from '../nodeAdapter.js';
import {
  capStream,
  declaredLength,
  ForbiddenError,
  NotImplementedError,
  parseWith,
  readJson,
  toErrorResponse,
} from './http.js';
import { createBroadcaster, inProcessFanout, type LiveEventDraft, type LiveFanout } from './liveEvents.js';
import { createRouter, MethodNotAllowedError, type RouteDefinition } from './router.js';
import {
  cleanFileName,
  cleanMediaType,
  contentDisposition,
  memoryUploadStore,
  newUploadId,
  type UploadStore,
} from './uploads.js';

/**
 * The name of an inbox API route, as `authorize` and `onError` see it. Each is named after the
 * `InboxTransport` method that calls it (`getUpload` is the one Meta fetches).
 */
export type InboxApiRoute =
  | 'listConversations'
  | 'getConversation'
  | 'updateConversation'
  | 'listMessages'
  | 'sendMessage'
  | 'retryMessage'
  | 'setTyping'
  | 'uploadFile'
  | 'getUpload'
  | 'listChannels'
  | 'updateChannelSettings'
  | 'channelAction'
  | 'listConnectablePages'
  | 'connectPages'
  | 'listAgents'
  | 'subscribe';

/** What `authorize` is asked about. */
export interface AuthorizeContext {
  route: InboxApiRoute;
  /** `read` for GET routes (the event stream included), `write` for the rest. */
  action: 'read' | 'write';
  /** The route's path parameters, e.g. `{ id }` of `/conversations/:id`. */
  params: Readonly<Record<string, string>>;
}

/**
 * The host's verdict: `false` (or nothing) refuses with 403, `true` allows, and `{ agentId }` allows
 * and names the agent, who then becomes the author of messages sent in this request.
 */
export type AuthorizeResult = boolean | { agentId?: string } | null | undefined;

/** Where a failure reported to `onError` happened. */
export interface InboxApiErrorContext {
  /** `request`: a request answered 5xx; `mark_seen`: telling Meta a conversation was seen (the answer stayed 200); `live`: publishing a live event; `join`: a conversation whose customer is missing. */
  during: 'request' | 'mark_seen' | 'live' | 'join';
  route?: InboxApiRoute;
}

/** Options of {@link createInboxApi}. */
export interface InboxApiOptions {
  /** Conversations, messages and their change events (`createInbox()` from `@pagedesk/core`). */
  inbox: Inbox;
  /** The send path and channel management (`createChannels()` from `@pagedesk/core/server`). Without it, sending, typing and channel changes answer 501. */
  channels?: Channels;
  /**
   * Decides who may read and write; called before every route except `GET /uploads/:id`, which Meta
   * fetches without credentials. Allows everything when omitted: set it in production.
   */
  authorize?: (request: Request, context: AuthorizeContext) => AuthorizeResult | Promise<AuthorizeResult>;
  /** The agents an assignee picker offers (`GET /agents`); an empty list when omitted. */
  agents?: () => Agent[] | Promise<Agent[]>;
  /** Where uploads are kept until Meta fetches them. Default {@link memoryUploadStore}. */
  uploads?: UploadStore;
  /**
   * The public origin Meta reaches this server at (`https://help.example.com`), plus any path prefix
   * that a proxy or a framework mount removes before the request gets here. Upload URLs are
   * `${publicUrl}${basePath}/uploads/:id`; the request's own origin is used when omitted.
   */
  publicUrl?: string;
  /** The path the API is served under, e.g. `/pagedesk`; routes outside it answer 404. Default ''. */
  basePath?: string;
  /** Largest JSON body in bytes (413 above). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Largest upload in bytes (413 above). Default 25 MiB, Meta's largest attachment. */
  maxUploadBytes?: number;
  /** Interval of `: ping` comments on the event stream, so proxies keep it open. Default 15000; 0 turns them off. */
  heartbeatMs?: number;
  /** How many recent live events are kept for Last-Event-ID resume. Default 1000. */
  replayBuffer?: number;
  /** Carries live events between servers. Default {@link inProcessFanout}. */
  fanout?: LiveFanout;
  /** Told about failures that answered 5xx or happened off the request path. Default: `console.error`. */
  onError?: (error: PagedeskError, context: InboxApiErrorContext) => void;
}

/** The REST + SSE API that `httpTransport()` of `@pagedesk/react` speaks. */
export interface InboxApi {
  /** The web-standard handler: Hono, Next.js route handlers, Bun, Deno, any `fetch` server. */
  fetch(request: Request): Promise<Response>;
  /** The Node handler: node:http, Express (`app.use('/pagedesk', api.node)`), Fastify's raw objects. */
  node(req: IncomingMessage, res: ServerResponse): void;
  /** Ends every event stream and stops listening to the inbox; later requests answer 503. */
  close(): void;
  /** How many event streams are open now (a gauge for the host's metrics). */
  readonly liveConnections: number;
}

const isFunction = (value: unknown) => typeof value === 'function';
const fn = <TFunction>() => z.custom<TFunction>(isFunction, { error: 'expected a function' });
/** An object with these methods (a host's own store, fanout or channels), named in the error when not. */
const withMethods = <T>(methods: readonly string[], error: string) =>
  z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((m) => isFunction((value as Record<string, unknown>)[m])),
    { error },
  );
const MiB = 1024 * 1024;

const optionsSchema = z.object({
  inbox: z.custom<Inbox>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      isFunction((value as Inbox).on) &&
      typeof (value as Inbox).store === 'object',
    { error: 'expected an Inbox (createInbox())' },
  ),
  channels: z.optional(withMethods<Channels>(['send'], 'expected Channels (createChannels())')),
  authorize: z.optional(fn<NonNullable<InboxApiOptions['authorize']>>()),
  agents: z.optional(fn<NonNullable<InboxApiOptions['agents']>>()),
  uploads: z.optional(
    withMethods<UploadStore>(['put', 'get'], 'expected an UploadStore with put() and get()'),
  ),
  publicUrl: z.optional(z.url({ protocol: /^https?$/ })),
  basePath: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/,
          'must start with / and not end with / (or be empty)',
        ),
      ),
  ),
  maxBodyBytes: z.optional(z.number().check(z.int(), z.positive())),
  maxUploadBytes: z.optional(z.number().check(z.int(), z.positive())),
  heartbeatMs: z.optional(z.number().check(z.int(), z.minimum(0))),
  replayBuffer: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000))),
  fanout: z.optional(
    withMethods<LiveFanout>(
      ['publish', 'subscribe'],
      'expected a LiveFanout with publish() and subscribe()',
    ).check(
      z.refine((f) => f.sequence === undefined || /^[A-Za-z0-9_]{1,64}$/.test(f.sequence), {
        error: 'expected fanout.sequence of 1 to 64 letters, digits or underscores',
      }),
    ),
  ),
  onError: z.optional(fn<NonNullable<InboxApiOptions['onError']>>()),
});

const limitSchema = z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)));

const conversationListQuerySchema = z.object({
  channelId: z.optional(z.string().check(z.minLength(1))),
  platform: z.optional(platformSchema),
  source: z.optional(z.enum(['message', 'comment'])),
  status: z.optional(z.enum(['open', 'resolved'])),
  /** `null` (or empty) lists unassigned conversations. */
  assigneeId: z.optional(z.string()),
  unread: z.optional(z.stringbool()),
  search: z.optional(z.string().check(z.maxLength(200))),
  cursor: z.optional(z.string().check(z.minLength(1))),
  limit: limitSchema,
});

const messageListQuerySchema = z.object({
  before: z.optional(z.string().check(z.minLength(1))),
  limit: limitSchema,
});

const typingSchema = z.object({ on: z.boolean() });
const settingsPatchSchema = z.partial(channelSettingsSchema);
const userTokenSchema = z.string().check(z.minLength(1));
const connectablePagesSchema = z.object({ userAccessToken: userTokenSchema });
const connectSchema = z.object({
  userAccessToken: userTokenSchema,
  pageIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(100)),
});
const agentsSchema = z.array(agentSchema);

interface RouteContext {
  request: Request;
  url: URL;
  params: Record<string, string>;
  agentId: string | undefined;
}

interface Handler {
  access: 'read' | 'write' | 'public';
  run(context: RouteContext): Promise<Response>;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform keeps compression middleware and proxies from buffering the stream.
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** Copies only the keys whose value is defined, for `exactOptionalPropertyTypes` targets. */
function definedOnly<T extends object>(value: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

/**
 * Creates the agent-facing REST + Server-Sent-Events API of the inbox: conversations with filters and
 * cursor paging, messages, send and retry, resolve and assign, uploads, channels and their actions,
 * and a live event stream with Last-Event-ID resume. Serve it with `.fetch` or `.node`.
 *
 * @example
 * import { createServer } from 'node:http';
 * const api = createInboxApi({
 *   inbox,
 *   channels,
 *   basePath: '/pagedesk',
 *   publicUrl: 'https://help.example.com',
 *   authorize: async (request) => {
 *     const session = await sessions.fromCookie(request.headers.get('cookie'));
 *     return session ? { agentId: session.userId } : false;
 *   },
 * });
 * createServer((req, res) => (req.url?.startsWith('/pagedesk') ? api.node(req, res) : app(req, res))).listen(3000);
 * @param options The inbox, the channels and the host's hooks; validated (ValidationError naming the field).
 * @returns `{ fetch, node, close, liveConnections }`.
 */
export function createInboxApi(options: InboxApiOptions): InboxApi {
  const parsed = parseWith(optionsSchema, options, 'createInboxApi options');
  const { inbox, channels } = options;
  const store = inbox.store;
  const basePath = parsed.basePath ?? '';
  const publicUrl = parsed.publicUrl?.replace(/\/+$/, '');
  const maxBodyBytes = parsed.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxUploadBytes = parsed.maxUploadBytes ?? 25 * MiB;
  const uploads =
    options.uploads ??
    memoryUploadStore({ maxFileBytes: maxUploadBytes, maxTotalBytes: Math.max(256 * MiB, maxUploadBytes) });
  const authorize = options.authorize ?? (() => true);
  const fanout = options.fanout ?? inProcessFanout();
  const report = (error: unknown, context: InboxApiErrorContext) => {
    const typed = toPagedeskError(error);
    try {
      if (options.onError) options.onError(typed, context);
      else
        console.error(
          `[pagedesk] inbox API (${context.during}${context.route ? ` ${context.route}` : ''}): ${typed.code}: ${typed.message}`,
        );
    } catch {
      // The host's reporter failing must not break the API.
    }
  };

  // The inbox's clock travels with every answer and on the live stream: browsers show windows and
  // dates by it, not by their own clock (which may be wrong, or behind an emulator's jump).
  const clock = typeof inbox.now === 'function' ? inbox.now : Date.now;
  const stamp = (response: Response) => {
    response.headers.set('x-pagedesk-now', String(clock()));
    return response;
  };
  const broadcaster = createBroadcaster({
    now: clock,
    replayBuffer: parsed.replayBuffer ?? 1000,
    heartbeatMs: parsed.heartbeatMs ?? 15000,
    ...(fanout.sequence === undefined ? {} : { sequence: fanout.sequence }),
  });
  const stopFanout = fanout.subscribe((event, seq) => {
    // The fanout may call this from inside the inbox's own emit: a failure here must not reach it.
    try {
      broadcaster.broadcast(event, seq);
    } catch (error) {
      report(error, { during: 'live' });
    }
  });
  const publish = (event: LiveEventDraft) => {
    try {
      const result = fanout.publish(event);
      if (result && typeof result.then === 'function')
        result.then(undefined, (error: unknown) => report(error, { during: 'live' }));
    } catch (error) {
      report(error, { during: 'live' });
    }
  };
  // One subscription per event kind for the life of the API; browsers attach to the broadcaster, so
  // connecting and disconnecting never touches the inbox's listeners.
  const stopInbox = [
    inbox.on('conversation:created', ({ conversation, customer }) =>
      publish({ type: 'conversation:created', conversation: { ...conversation, customer } }),
    ),
    inbox.on('conversation:updated', ({ conversation, customer }) =>
      publish({ type: 'conversation:updated', conversation: { ...conversation, customer } }),
    ),
    inbox.on('message:created', ({ message }) => publish({ type: 'message:created', message })),
    inbox.on('message:updated', ({ message }) => publish({ type: 'message:updated', message })),
    inbox.on('channel:updated', ({ channel }) => publish({ type: 'channel:updated', channel })),
    // A profile looked up after the first message (name, avatar) must replace "Unknown customer" in open
    // inboxes: republish the customer's current conversations with the new customer attached.
    inbox.on('customer:updated', ({ customer }) => {
      const sources = ['message', 'comment'] as const;
      Promise.all(
        sources.map((source) =>
          store.conversations.findLatest({ channelId: customer.channelId, customerId: customer.id, source }),
        ),
      ).then(
        (found) => {
          for (const conversation of found)
            if (conversation)
              publish({ type: 'conversation:updated', conversation: { ...conversation, customer } });
        },
        (error: unknown) => report(error, { during: 'live' }),
      );
    }),
  ];

  const requireChannels = (what: string): Channels => {
    if (!channels) throw new NotImplementedError(what);
    return channels;
  };

  const getConversation = async (id: string): Promise<Conversation> => {
    const conversation = await store.conversations.get(id);
    if (!conversation) throw new NotFoundError('Conversation', id);
    return conversation;
  };

  const withCustomer = async (
    conversation: Conversation,
    cache?: Map<string, Promise<Customer | undefined>>,
  ): Promise<ConversationWithCustomer> => {
    let pending = cache?.get(conversation.customerId);
    if (!pending) {
      pending = store.customers.get(conversation.customerId);
      cache?.set(conversation.customerId, pending);
    }
    const customer = await pending;
    if (customer) return { ...conversation, customer };
    // A conversation whose customer row is missing (a store out of step) still belongs in the list;
    // the host hears about it instead of the inbox failing for every agent.
    report(new NotFoundError('Customer', conversation.customerId), { during: 'join' });
    const prefix = `${conversation.channelId}:`;
    return {
      ...conversation,
      customer: {
        id: conversation.customerId,
        channelId: conversation.channelId,
        platform: conversation.platform,
        psid: conversation.customerId.startsWith(prefix)
          ? conversation.customerId.slice(prefix.length)
          : conversation.customerId,
        profileStatus: 'unknown',
        createdAt: conversation.createdAt,
      },
    };
  };

  const json = (data: unknown, status = 200) => Response.json(data, { status });
  const id = (context: RouteContext) => context.params['id'] as string;

  const handlers: Record<InboxApiRoute, Handler> = {
    listConversations: {
      access: 'read',
      async run({ url }) {
        const query = parseWith(
          conversationListQuerySchema,
          Object.fromEntries(url.searchParams),
          'conversation query',
        );
        const assigneeId =
          query.assigneeId === undefined
            ? undefined
            : query.assigneeId === '' || query.assigneeId === 'null'
              ? null
              : query.assigneeId;
        const page = await store.conversations.list(definedOnly<ConversationQuery>({ ...query, assigneeId }));
        const cache = new Map<string, Promise<Customer | undefined>>();
        const items = await Promise.all(page.items.map((conversation) => withCustomer(conversation, cache)));
        return json({ items, nextCursor: page.nextCursor });
      },
    },
    getConversation: {
      access: 'read',
      run: async (context) => json(await withCustomer(await getConversation(id(context)))),
    },
    updateConversation: {
      access: 'write',
      async run(context) {
        const conversationId = id(context);
        const patch = parseWith(
          conversationPatchSchema,
          await readJson(context.request, maxBodyBytes),
          'conversation patch',
        );
        let conversation = await getConversation(conversationId);
        if (patch.status === 'resolved' && conversation.status !== 'resolved')
          conversation = await inbox.resolve(conversationId);
        if (patch.status === 'open' && conversation.status !== 'open')
          conversation = await inbox.reopen(conversationId);
        if (patch.assigneeId !== undefined && patch.assigneeId !== conversation.assigneeId) {
          conversation = await inbox.assign(conversationId, patch.assigneeId);
        }
        if (patch.read) {
          conversation = await inbox.markRead(conversationId);
          // Telling Meta is a courtesy to the customer ("Seen"); the agent's inbox must not wait for it
          // or fail because of it.
          channels
            ?.markSeen(conversationId)
            .catch((error: unknown) => report(error, { during: 'mark_seen', route: 'updateConversation' }));
        }
        return json(await withCustomer(conversation));
      },
    },
    listMessages: {
      access: 'read',
      async run(context) {
        const query = parseWith(
          messageListQuerySchema,
          Object.fromEntries(context.url.searchParams),
          'message query',
        );
        const conversationId = id(context);
        await getConversation(conversationId);
        return json(await store.messages.list(conversationId, definedOnly(query)));
      },
    },
    sendMessage: {
      access: 'write',
      async run(context) {
        const sender = requireChannels('Sending');
        let draft = parseWith(
          sendDraftSchema,
          await readJson(context.request, maxBodyBytes),
          'message draft',
        );
        // The signed-in agent is the author, whatever the browser claims.
        if (context.agentId !== undefined) draft = { ...draft, agentId: context.agentId };
        const messages = await sender.send(id(context), draft);
        return json({ messages }, 201);
      },
    },
    retryMessage: {
      access: 'write',
      run: async (context) => json(await requireChannels('Retrying').retry(id(context))),
    },
    setTyping: {
      access: 'write',
      async run(context) {
        const typing = requireChannels('Typing indicators');
        const { on } = parseWith(typingSchema, await readJson(context.request, maxBodyBytes), 'typing');
        const conversationId = id(context);
        await typing.setTyping(conversationId, on);
        // Marked as the agent's, so no inbox shows it as the customer typing.
        publish({
          type: 'typing',
          conversationId,
          on,
          by: 'agent',
          ...(context.agentId === undefined ? {} : { agentId: context.agentId }),
        });
        return new Response(null, { status: 204 });
      },
    },
    uploadFile: {
      access: 'write',
      async run({ request, url }) {
        const length = declaredLength(request);
        if (length !== undefined && length > maxUploadBytes) throw new BodyTooLargeError(maxUploadBytes);
        if (!request.body || length === 0)
          throw new ValidationError('upload', [{ path: '', message: 'the file is empty' }]);
        const file = {
          id: newUploadId(),
          name: cleanFileName(request.headers.get('x-file-name')),
          type: cleanMediaType(request.headers.get('content-type')),
        };
        const { size } = await uploads.put({
          ...file,
          body: capStream(request.body, maxUploadBytes),
          ...(length === undefined ? {} : { size: length }),
        });
        if (size === 0) throw new ValidationError('upload', [{ path: '', message: 'the file is empty' }]);
        const fileUrl = `${publicUrl ?? url.origin}${basePath}/uploads/${file.id}`;
        return json({ ...file, size, url: fileUrl }, 201);
      },
    },
    getUpload: {
      access: 'public',
      async run(context) {
        const uploadId = id(context);
        const file = await uploads.get(uploadId);
        if (!file) throw new NotFoundError('Upload', uploadId);
        return new Response(file.body as Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>, {
          headers: {
            'content-type': file.type,
            'content-length': String(file.size),
            'content-disposition': contentDisposition(file.name),
            'x-content-type-options': 'nosniff',
            // Opened directly, an uploaded HTML or SVG file can run nothing on the host's origin.
            'content-security-policy': "default-src 'none'; sandbox",
            'cache-control': 'private, max-age=3600',
          },
        });
      },
    },
    listChannels: {
      access: 'read',
      run: async () => json(await (channels ? channels.list() : store.channels.list())),
    },
    updateChannelSettings: {
      access: 'write',
      async run(context) {
        const manage = requireChannels('Channel settings');
        const settings = parseWith(
          settingsPatchSchema,
          await readJson(context.request, maxBodyBytes),
          'channel settings',
        );
        const channel: Channel = await manage.updateSettings(id(context), definedOnly(settings));
        return json(channel);
      },
    },
    channelAction: {
      access: 'write',
      async run(context) {
        const manage = requireChannels('Channel actions');
        const action = parseWith(
          channelActionSchema,
          await readJson(context.request, maxBodyBytes),
          'channel action',
        );
        return json(await manage.action(id(context), action));
      },
    },
    listConnectablePages: {
      access: 'write',
      async run({ request }) {
        const manage = requireChannels('Connecting pages');
        const { userAccessToken } = parseWith(
          connectablePagesSchema,
          await readJson(request, maxBodyBytes),
          'connect request',
        );
        return json(await manage.listConnectablePages(userAccessToken));
      },
    },
    connectPages: {
      access: 'write',
      async run({ request }) {
        const manage = requireChannels('Connecting pages');
        const { userAccessToken, pageIds } = parseWith(
          connectSchema,
          await readJson(request, maxBodyBytes),
          'connect request',
        );
        return json(await manage.connect(userAccessToken, pageIds));
      },
    },
    listAgents: {
      access: 'read',
      async run() {
        if (!options.agents) return json([]);
        const agents = await options.agents();
        try {
          return json(parseWith(agentsSchema, agents, 'agents() result'));
        } catch (error) {
          // The host's directory returned something else: that is a server bug, not the browser's.
          throw new PagedeskError('internal', (error as Error).message, { cause: error });
        }
      },
    },
    subscribe: {
      access: 'read',
      async run({ request, url }) {
        // EventSource sends Last-Event-ID itself when it reconnects; a fresh EventSource cannot set
        // headers, so the client passes it in the query instead.
        const lastEventId = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId');
        return new Response(broadcaster.connect(lastEventId, request.signal), { headers: SSE_HEADERS });
      },
    },
  };

  const routes: Array<RouteDefinition<InboxApiRoute, Handler>> = [
    ['GET', '/conversations', 'listConversations'],
    ['GET', '/conversations/:id', 'getConversation'],
    ['PATCH', '/conversations/:id', 'updateConversation'],
    ['GET', '/conversations/:id/messages', 'listMessages'],
    ['POST', '/conversations/:id/messages', 'sendMessage'],
    ['POST', '/conversations/:id/typing', 'setTyping'],
    ['POST', '/messages/:id/retry', 'retryMessage'],
    ['POST', '/uploads', 'uploadFile'],
    ['GET', '/uploads/:id', 'getUpload'],
    ['GET', '/channels', 'listChannels'],
    ['PATCH', '/channels/:id/settings', 'updateChannelSettings'],
    ['POST', '/channels/:id/actions', 'channelAction'],
    ['POST', '/connect/pages', 'listConnectablePages'],
    ['POST', '/connect', 'connectPages'],
    ['GET', '/agents', 'listAgents'],
    ['GET', '/events', 'subscribe'],
  ].map(([method, path, name]) => ({
    method: method as RouteDefinition<InboxApiRoute, Handler>['method'],
    path: path as string,
    name: name as InboxApiRoute,
    handler: handlers[name as InboxApiRoute],
  }));
  const router = createRouter(routes);

  let closed = false;

  const fetch = async (request: Request): Promise<Response> => {
    let route: InboxApiRoute | undefined;
    try {
      if (closed) throw new PagedeskError('unavailable', 'The inbox API is closed', { retryable: true });
      const url = new URL(request.url);
      let path = url.pathname;
      if (basePath !== '') {
        if (path !== basePath && !path.startsWith(`${basePath}/`))
          throw new NotFoundError('Route', `${request.method} ${path}`);
        path = path.slice(basePath.length);
      }
      const match = router.match(request.method, path);
      route = match.route.name;
      const { handler } = match.route;
      let agentId: string | undefined;
      if (handler.access !== 'public') {
        const verdict = await authorize(request, { route, action: handler.access, params: match.params });
        if (!verdict) throw new ForbiddenError();
        if (typeof verdict === 'object' && typeof verdict.agentId === 'string') agentId = verdict.agentId;
      }
      const response = await handler.run({ request, url, params: match.params, agentId });
      if (request.method === 'HEAD') {
        await response.body?.cancel();
        return stamp(new Response(null, { status: response.status, headers: response.headers }));
      }
      return stamp(response);
    } catch (error) {
      const answer = toErrorResponse(error);
      if (answer.status === 500 || answer.status === 502)
        report(answer.error, route ? { during: 'request', route } : { during: 'request' });
      if (error instanceof MethodNotAllowedError)
        answer.response.headers.set('allow', error.allow.join(', '));
      return stamp(answer.response);
    }
  };

  const onNodeError = (error: PagedeskError) => report(error, { during: 'request' });
  // Uploads get their own body cap; every other route keeps the small JSON one, so nobody can make the
  // server buffer 25 MiB on a route that expects a few bytes of JSON.
  const nodeJson = nodeHandler(fetch, { maxBodyBytes, onError: onNodeError });
  const nodeUpload = nodeHandler(fetch, { maxBodyBytes: maxUploadBytes, onError: onNodeError });
  const uploadPath = `${basePath}/uploads`;

  return {
    fetch,
    node(req, res) {
      const path = (req.url ?? '/').split('?')[0];
      (req.method === 'POST' && path === uploadPath ? nodeUpload : nodeJson)(req, res);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const stop of stopInbox) stop();
      stopFanout();
      broadcaster.close();
    },
    get liveConnections() {
      return broadcaster.connections;
    },
  };
}

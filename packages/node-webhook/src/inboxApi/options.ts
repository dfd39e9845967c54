import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agent, Inbox, MediaStore, PagedeskError } from '@pagedesk/core';
import type { Channels } from '@pagedesk/core/server';
import * as z from 'zod/mini';
import type { LiveFanout } from './liveEvents.js';
import type { AuthorizeResult, InboxPrincipal } from './principal.js';
import type { UploadStore } from './uploads.js';

// The public types of createInboxApi and the schema its options are checked against.

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
  | 'moderateComment'
  | 'setTyping'
  | 'threadControl'
  | 'sendSurvey'
  | 'getMedia'
  | 'uploadFile'
  | 'getUpload'
  | 'listChannels'
  | 'updateChannelSettings'
  | 'channelAction'
  | 'listConnectablePages'
  | 'connectPages'
  | 'listAgents'
  | 'getCustomer'
  | 'updateCustomer'
  | 'blockCustomer'
  | 'listTemplates'
  | 'createTemplate'
  | 'updateTemplate'
  | 'deleteTemplate'
  | 'sendTemplate'
  | 'subscribe'
  | 'health';

/** What `authorize` is asked about. */
export interface AuthorizeContext {
  route: InboxApiRoute;
  /** `read` for GET routes (the event stream included), `write` for the rest. */
  action: 'read' | 'write';
  /** The route's path parameters, e.g. `{ id }` of `/conversations/:id`. */
  params: Readonly<Record<string, string>>;
}

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
   * Required. Says who is asking: the principal `{ organizationId?, agentId?, role }` of this request,
   * or `false`/`null` when nobody is signed in (401). Called before every route except
   * `GET /uploads/:id`, which Meta fetches without credentials. Throwing answers 500; any other value
   * is a bug in the host and answers 500 too, with a message naming the expected shape in `onError`.
   */
  authorize: (request: Request, context: AuthorizeContext) => AuthorizeResult | Promise<AuthorizeResult>;
  /** The agents an assignee picker offers the principal (`GET /agents`); an empty list when omitted. */
  agents?: (principal: InboxPrincipal) => Agent[] | Promise<Agent[]>;
  /**
   * For a host that runs Facebook Login on its server and keeps the user token there: the connect
   * routes (`/connect/pages`, `/connect`, the `reauthorize` action) then treat the browser's
   * `userAccessToken` as an opaque grant the host issued to this session, and this returns the user
   * token it stands for, or `null` when the grant is unknown, expired or another session's (400, "log
   * in with Facebook again"). Without it the browser sends the user token itself.
   *
   * @example
   * userToken: (principal, grant) => logins.userTokenFor(principal.agentId, grant)
   */
  userToken?: (
    principal: InboxPrincipal,
    grant: string,
  ) => string | null | undefined | Promise<string | null | undefined>;
  /** Where uploads are kept until Meta fetches them. Default {@link memoryUploadStore}. */
  uploads?: UploadStore;
  /**
   * The archived copies of inbound media (`createInbox({ media })`), served at
   * `${basePath}/media/<channel>/<folder>/<file>` to principals who see the channel (404 otherwise, as
   * for everything else). Give the store whose `put` returns those URLs, e.g.
   * `fileMediaStore(dir, { publicPath: '/pagedesk/media' })`; it needs `get`.
   */
  media?: MediaStore;
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
  /**
   * How often an open event stream asks `authorize` again (with the request that opened it), in ms.
   * A user signed out since (`false`/`null`, a throw, or no answer within the same time) loses the
   * stream; one whose principal changed (demoted, another organisation or agent) gets a `reset` and the
   * stream ends, so the browser refetches and reconnects as who it is now. Default 60000; 0 turns it off
   * (then end streams yourself with `closeLiveConnections`).
   */
  reauthorizeMs?: number;
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
  /**
   * Ends the open event streams whose principal `match` picks, at once: call it when you sign a user
   * out, demote them or remove them from an organisation, rather than waiting for `reauthorizeMs`. A
   * browser that reconnects goes through `authorize` again.
   *
   * @example
   * await sessions.revoke(userId);
   * api.closeLiveConnections((principal) => principal.agentId === userId);
   * @param match - Picks the principals whose streams end.
   * @returns How many streams it ended.
   */
  closeLiveConnections(match: (principal: InboxPrincipal) => boolean): number;
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

export const optionsSchema = z.object({
  inbox: z.custom<Inbox>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      isFunction((value as Inbox).on) &&
      typeof (value as Inbox).store === 'object',
    { error: 'expected an Inbox (createInbox())' },
  ),
  channels: z.optional(withMethods<Channels>(['send'], 'expected Channels (createChannels())')),
  authorize: z.custom<InboxApiOptions['authorize']>(isFunction, {
    error: 'required: a function that returns the principal of the request, or false/null',
  }),
  agents: z.optional(fn<NonNullable<InboxApiOptions['agents']>>()),
  userToken: z.optional(fn<NonNullable<InboxApiOptions['userToken']>>()),
  uploads: z.optional(
    withMethods<UploadStore>(['put', 'get'], 'expected an UploadStore with put() and get()'),
  ),
  media: z.optional(withMethods<MediaStore>(['put', 'get'], 'expected a MediaStore with put() and get()')),
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
  reauthorizeMs: z.optional(z.number().check(z.int(), z.minimum(0))),
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

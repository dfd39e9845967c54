import { NotFoundError, PagedeskError, parseOrThrow, toPagedeskError } from '@pagedesk/core';
import { DEFAULT_MAX_BODY_BYTES, nodeHandler } from '../nodeAdapter.js';
import { createAccess } from './access.js';
import { channelRoutes } from './channelRoutes.js';
import { conversationRoutes } from './conversationRoutes.js';
import { customerRoutes } from './customerRoutes.js';
import { healthRoutes } from './healthRoutes.js';
import { toErrorResponse } from './http.js';
import { createBroadcaster, inProcessFanout } from './liveEvents.js';
import { createLiveLink, liveRoutes } from './liveRoutes.js';
import { mediaRoutes } from './mediaRoutes.js';
import {
  type InboxApi,
  type InboxApiErrorContext,
  type InboxApiOptions,
  type InboxApiRoute,
  optionsSchema,
} from './options.js';
import { toPrincipal } from './principal.js';
import { createRouter, MethodNotAllowedError, type RouteDefinition } from './router.js';
import type { Handler, Handlers, RouteDeps } from './routes.js';
import { templateRoutes } from './templateRoutes.js';
import { uploadRoutes } from './uploadRoutes.js';
import { memoryUploadStore } from './uploads.js';

const MiB = 1024 * 1024;

const ROUTES: ReadonlyArray<[RouteDefinition<InboxApiRoute, Handler>['method'], string, InboxApiRoute]> = [
  ['GET', '/conversations', 'listConversations'],
  ['GET', '/conversations/:id', 'getConversation'],
  ['PATCH', '/conversations/:id', 'updateConversation'],
  ['GET', '/conversations/:id/messages', 'listMessages'],
  ['POST', '/conversations/:id/messages', 'sendMessage'],
  ['POST', '/conversations/:id/typing', 'setTyping'],
  ['POST', '/conversations/:id/thread', 'threadControl'],
  ['POST', '/conversations/:id/survey', 'sendSurvey'],
  ['GET', '/media/:channel/:folder/:file', 'getMedia'],
  ['POST', '/messages/:id/retry', 'retryMessage'],
  ['POST', '/messages/:id/moderation', 'moderateComment'],
  ['POST', '/uploads', 'uploadFile'],
  ['GET', '/uploads/:id', 'getUpload'],
  ['GET', '/channels', 'listChannels'],
  ['PATCH', '/channels/:id/settings', 'updateChannelSettings'],
  ['POST', '/channels/:id/actions', 'channelAction'],
  ['POST', '/connect/pages', 'listConnectablePages'],
  ['POST', '/connect', 'connectPages'],
  ['GET', '/agents', 'listAgents'],
  ['GET', '/customers/:id', 'getCustomer'],
  ['PATCH', '/customers/:id', 'updateCustomer'],
  ['POST', '/customers/:id/block', 'blockCustomer'],
  ['GET', '/templates', 'listTemplates'],
  ['POST', '/templates', 'createTemplate'],
  ['PATCH', '/templates/:id', 'updateTemplate'],
  ['DELETE', '/templates/:id', 'deleteTemplate'],
  ['POST', '/conversations/:id/templates', 'sendTemplate'],
  ['GET', '/events', 'subscribe'],
  ['GET', '/health', 'health'],
];

/**
 * Creates the agent-facing REST + Server-Sent-Events API of the inbox: conversations with filters and
 * cursor paging, messages, send and retry, resolve and assign, uploads, channels and their actions,
 * and a live event stream with Last-Event-ID resume. Serve it with `.fetch` or `.node`.
 *
 * Every request is the host's `authorize` principal's: it sees the channels of its organisation (an
 * agent, those whose `agentIds` is empty or names it), and anything outside them answers 404.
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
 *     if (!session) return null; // 401
 *     return { organizationId: session.orgId, agentId: session.userId, role: session.isAdmin ? 'admin' : 'agent' };
 *   },
 * });
 * createServer((req, res) => (req.url?.startsWith('/pagedesk') ? api.node(req, res) : app(req, res))).listen(3000);
 * @param options The inbox, the channels and the host's hooks; validated (ValidationError naming the field).
 * @returns `{ fetch, node, close, liveConnections, closeLiveConnections }`.
 */
export function createInboxApi(options: InboxApiOptions): InboxApi {
  const parsed = parseOrThrow(optionsSchema, options, 'createInboxApi options');
  const basePath = parsed.basePath ?? '';
  const maxBodyBytes = parsed.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxUploadBytes = parsed.maxUploadBytes ?? 25 * MiB;
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

  // The server's clock (the inbox's, which a host or the emulator may set) rides on every answer and
  // on the live stream, so browsers show windows and dates by it rather than by their own clock.
  const clock = typeof options.inbox.now === 'function' ? options.inbox.now : Date.now;
  const stamp = (response: Response): Response => {
    response.headers.set('x-pagedesk-now', String(clock()));
    return response;
  };
  const broadcaster = createBroadcaster({
    now: clock,
    replayBuffer: parsed.replayBuffer ?? 1000,
    heartbeatMs: parsed.heartbeatMs ?? 15000,
    reauthorizeMs: parsed.reauthorizeMs ?? 60_000,
    ...(fanout.sequence === undefined ? {} : { sequence: fanout.sequence }),
  });
  const base = {
    options,
    inbox: options.inbox,
    store: options.inbox.store,
    channels: options.channels,
    report,
  };
  const live = createLiveLink(base, fanout, broadcaster);
  const deps: RouteDeps = {
    ...base,
    uploads:
      options.uploads ??
      memoryUploadStore({ maxFileBytes: maxUploadBytes, maxTotalBytes: Math.max(256 * MiB, maxUploadBytes) }),
    maxBodyBytes,
    maxUploadBytes,
    basePath,
    publicUrl: parsed.publicUrl?.replace(/\/+$/, ''),
    publish: live.publish,
  };
  const handlers: Handlers = {
    ...conversationRoutes(deps),
    ...uploadRoutes(deps),
    ...mediaRoutes(deps.options.media),
    ...channelRoutes(deps),
    ...templateRoutes(deps),
    ...customerRoutes(deps),
    ...liveRoutes(broadcaster, options.authorize),
    ...healthRoutes(deps.store, fanout, () => broadcaster.connections),
  };
  const router = createRouter(
    ROUTES.map(([method, path, name]) => ({ method, path, name, handler: handlers[name] })),
  );

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
      const context = { request, url, params: match.params };
      let response: Response;
      if (handler.access === 'public') response = await handler.run(context);
      else {
        // The principal first: every route then checks what it touches against its visible channels.
        const verdict = await options.authorize(request, {
          route,
          action: handler.access,
          params: match.params,
        });
        response = await handler.run({ ...context, access: createAccess(deps.store, toPrincipal(verdict)) });
      }
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
      live.stop();
      broadcaster.close();
    },
    get liveConnections() {
      return broadcaster.connections;
    },
    closeLiveConnections(match) {
      return broadcaster.closeWhere(match);
    },
  };
}

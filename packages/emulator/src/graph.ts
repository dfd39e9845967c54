import { blockedRoute } from './blocking.js';
import { authenticate, pageFor } from './graphAuth.js';
import { accounts, commentReply, history, me, node } from './graphNodes.js';
import { debugToken, oauth } from './graphTokens.js';
import type { Caller, GraphRequest, GraphResult } from './graphTypes.js';
import { HANDOVER_EDGES, handoverRoute } from './handover.js';
import { MetaError, unsupportedRequest } from './metaError.js';
import { moderationRoute } from './moderation.js';
import { conversations, createPersona, listPersonas, subscribedApps } from './pageEdges.js';
import { send } from './sendApi.js';
import { upload } from './uploads.js';
import type { PageState, World } from './world.js';

// The Graph API routes Pagedesk calls, answering with Meta's response and error shapes and enforcing
// Meta's rules (docs/meta-platform.md) on the emulated clock. Each route lives in the module named for
// what it answers; this one authenticates and dispatches.

type PageEdgeHandler = (
  world: World,
  page: PageState,
  req: GraphRequest,
) => GraphResult | Promise<GraphResult>;

/** `/{page}/{edge}` routes by `METHOD edge` (handover and `blocked` are routed by their own modules). */
const PAGE_EDGE_ROUTES: Readonly<Record<string, PageEdgeHandler>> = {
  'POST messages': send,
  'POST message_attachments': upload,
  'GET subscribed_apps': (world, page, req) => subscribedApps(world, page, req.method, req.params),
  'POST subscribed_apps': (world, page, req) => subscribedApps(world, page, req.method, req.params),
  'DELETE subscribed_apps': (world, page, req) => subscribedApps(world, page, req.method, req.params),
  'POST personas': (world, page, req) => createPersona(world, page, req.params),
  'GET personas': (world, page, req) => listPersonas(world, page, req.params),
  'GET conversations': (world, page, req) => conversations(world, page, req.params),
};

export class GraphApi {
  constructor(private readonly world: World) {}

  async handle(req: GraphRequest): Promise<GraphResult> {
    try {
      return await this.route(req);
    } catch (error) {
      if (error instanceof MetaError)
        return { status: error.status, body: error.body, headers: error.headers };
      throw error;
    }
  }

  private async route(req: GraphRequest): Promise<GraphResult> {
    const world = this.world;
    const { method, segments, params } = req;
    const [first, second, third] = segments;
    if (method === 'GET' && first === 'oauth' && second === 'access_token') return oauth(world, params);
    if (!first) throw unsupportedRequest(method, '');
    const caller = authenticate(world, req);
    const moderated = moderationRoute(world, req, caller.kind === 'page' ? caller.pages : []);
    if (moderated) return moderated;
    if (second !== undefined && HANDOVER_EDGES.has(second)) {
      const page = pageFor(world, first, caller, second, params) ?? undefined;
      const answer = handoverRoute(world, req, page) ?? blockedRoute(world, req, page);
      if (answer) return answer;
    }
    if (method === 'GET' && first === 'debug_token' && !second) return debugToken(world, caller, params);
    if (third !== undefined) throw unsupportedRequest(method, segments.join('/'));
    if (second === undefined) return this.nodeRoute(method, first, caller, params);
    if (first === 'me' && second === 'accounts' && method === 'GET') return accounts(world, caller, params);
    // Edges of a page (or `me` as a page).
    const edgePage = pageFor(world, first, caller, second, params);
    if (edgePage) {
      const handler = PAGE_EDGE_ROUTES[`${method} ${second}`];
      if (!handler) throw unsupportedRequest(method, segments.join('/'));
      return handler(world, edgePage, req);
    }
    if (first.startsWith('t_') && second === 'messages' && method === 'GET')
      return history(world, first, caller, params);
    if ((second === 'comments' || second === 'replies') && method === 'POST')
      return commentReply(world, first, second, caller, params);
    throw unsupportedRequest(method, segments.join('/'));
  }

  private nodeRoute(
    method: string,
    id: string,
    caller: Caller,
    params: Record<string, unknown>,
  ): GraphResult {
    if (id !== 'me') return node(this.world, method, id, caller, params);
    // `/me?fields=…` with a page token reads the page node.
    if (caller.kind === 'page' && params['fields'] !== undefined)
      return node(this.world, method, caller.pages[0]!.id, caller, params);
    return me(this.world, caller);
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isPagedeskError, NotFoundError, ValidationError } from '@pagedesk/core';
import type { Emulator } from './emulatorTypes.js';
import type { Faults } from './faults.js';
import type { GraphApi } from './graph.js';
import { HangingRequests, handleGraph } from './graphHttp.js';
import { readBody, sendJson } from './httpIO.js';
import type { LiveEvents } from './liveEvents.js';
import { type Logins, sendLogin } from './logins.js';
import { type RouteContext, router } from './routes.js';
import type { World } from './world.js';

// The emulator's Node server: the route table (routes.ts) first, then the login dialogs, then the
// Graph API for every other path. An unexpected error answers 500 (or drops a response already started).

export interface ServerParts {
  world: World;
  graph: GraphApi;
  logins: Logins;
  faults: Faults;
  live: LiveEvents;
  /** The emulator the control routes drive; set once it is assembled, before the server listens. */
  emulator: () => Emulator;
}

export interface EmulatorServer {
  server: Server;
  close(): Promise<void>;
}

export function createEmulatorServer(parts: ServerParts): EmulatorServer {
  const hanging = new HangingRequests();
  const server = createServer((req, res) => {
    handle(parts, hanging, req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, {
          error: { message: error instanceof Error ? error.message : String(error), code: 'internal' },
        });
      else res.destroy();
    });
  });
  return {
    server,
    close() {
      hanging.close();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handle(
  parts: ServerParts,
  hanging: HangingRequests,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.local');
  const method = req.method ?? 'GET';
  const match = router.match(method, url.pathname);
  if (match || url.pathname.startsWith('/_emulator/')) {
    const ctx: RouteContext = {
      emulator: parts.emulator(),
      world: parts.world,
      live: parts.live,
      req,
      res,
      params: match?.params ?? {},
      query: url.searchParams,
      json: () => readJson(req),
    };
    try {
      if (!match) throw new NotFoundError('Control route', `${method} ${url.pathname}`);
      const answer = await match.handler(ctx);
      if (answer) sendJson(res, answer.status, answer.body);
    } catch (error) {
      sendControlError(res, error);
    }
    return;
  }
  const login = await parts.logins.handle(req, url, method, () => readBody(req));
  if (login) return sendLogin(res, login);
  return handleGraph({ ...parts, hanging }, req, res, url);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    const raw = await readBody(req);
    return raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('control request', [{ path: '', message: 'body must be JSON' }]);
  }
}

function sendControlError(res: ServerResponse, error: unknown): void {
  if (!isPagedeskError(error)) throw error;
  const status = error.code === 'not_found' ? 404 : 400;
  const issues = error instanceof ValidationError ? { issues: error.issues } : {};
  sendJson(res, status, { error: { code: error.code, message: error.message, ...issues } });
}

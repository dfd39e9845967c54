import type { Inbox, Store } from '@pagedesk/core';
import type { Channels } from '@pagedesk/core/server';
import type { Access } from './access.js';
import { NotImplementedError } from './http.js';
import type { LiveEventDraft } from './liveEvents.js';
import type { InboxApiErrorContext, InboxApiOptions, InboxApiRoute } from './options.js';
import type { UploadStore } from './uploads.js';

// What every route module shares: the request context, the handler shape and the API's parts.

/** A route's request, with the principal's guards (see access.ts). */
export interface RouteContext {
  request: Request;
  url: URL;
  params: Record<string, string>;
  access: Access;
}

/** A route that Meta fetches without credentials: no principal. */
export type PublicRouteContext = Omit<RouteContext, 'access'>;

export type Handler =
  | { access: 'read' | 'write'; run(context: RouteContext): Promise<Response> }
  | { access: 'public'; run(context: PublicRouteContext): Promise<Response> };

/** The API's parts, as the route modules need them. */
export interface RouteDeps {
  options: InboxApiOptions;
  inbox: Inbox;
  store: Store;
  channels: Channels | undefined;
  uploads: UploadStore;
  maxBodyBytes: number;
  maxUploadBytes: number;
  basePath: string;
  publicUrl: string | undefined;
  report(error: unknown, context: InboxApiErrorContext): void;
  publish(event: LiveEventDraft): void;
}

/** Every route's handler; each route module gives a part of it. */
export type Handlers = Record<InboxApiRoute, Handler>;

export const json = (data: unknown, status = 200) => Response.json(data, { status });

/** The `:id` path parameter. */
export const idOf = (context: { params: Record<string, string> }) => context.params['id'] as string;

/** The channels, or 501 when the API was created without them. */
export function requireChannels(deps: RouteDeps, what: string): Channels {
  if (!deps.channels) throw new NotImplementedError(what);
  return deps.channels;
}

/** Copies only the keys whose value is defined, for `exactOptionalPropertyTypes` targets. */
export function definedOnly<T extends object>(value: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

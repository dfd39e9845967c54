import { NotFoundError, PagedeskError, ValidationError } from '@pagedesk/core';

// A tiny router over URL.pathname: method + `/segment/:param` patterns, matched segment by segment.
// The route table is small and fixed, so a linear scan is all it needs.

/** A request path that exists but not with this method. */
export class MethodNotAllowedError extends PagedeskError {
  readonly allow: string[];
  constructor(method: string, allow: string[]) {
    super('method_not_allowed', `${method} is not allowed here; use ${allow.join(', ')}`);
    this.name = 'MethodNotAllowedError';
    this.allow = allow;
  }
}

export interface RouteDefinition<TName extends string, THandler> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  name: TName;
  handler: THandler;
}

export interface Match<TName extends string, THandler> {
  route: RouteDefinition<TName, THandler>;
  params: Record<string, string>;
}

export function createRouter<TName extends string, THandler>(
  routes: ReadonlyArray<RouteDefinition<TName, THandler>>,
) {
  const compiled = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }));
  return {
    /**
     * The route for a method and a path relative to the base path. Throws NotFoundError when no
     * route has this path, MethodNotAllowedError when one has it with another method; HEAD is GET.
     */
    match(method: string, path: string): Match<TName, THandler> {
      const parts = path.split('/').filter(Boolean);
      const wanted = method === 'HEAD' ? 'GET' : method;
      const allow: string[] = [];
      for (const { route, segments } of compiled) {
        if (segments.length !== parts.length) continue;
        const params: Record<string, string> = {};
        let ok = true;
        for (let i = 0; i < segments.length; i++) {
          const segment = segments[i] as string;
          const part = parts[i] as string;
          if (segment.startsWith(':')) {
            try {
              params[segment.slice(1)] = decodeURIComponent(part);
            } catch {
              throw new ValidationError('path', [
                { path: segment.slice(1), message: 'malformed percent-encoding' },
              ]);
            }
          } else if (segment !== part) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        if (route.method === wanted) return { route, params };
        allow.push(route.method);
      }
      if (allow.length > 0) throw new MethodNotAllowedError(method, allow);
      throw new NotFoundError('Route', `${method} ${path}`);
    },
  };
}

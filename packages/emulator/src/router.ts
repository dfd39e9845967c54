// A tiny router over URL.pathname: method + `/segment/:param` patterns, matched segment by segment
// (the same shape as node-webhook's inbox API router). The table is small and fixed: a linear scan.

export interface Route<THandler> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  handler: THandler;
}

export interface RouteMatch<THandler> {
  handler: THandler;
  params: Record<string, string>;
}

export function createRouter<THandler>(routes: ReadonlyArray<Route<THandler>>) {
  const compiled = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }));
  return {
    /** The route for a method and path, or undefined (a malformed `%` escape in a parameter matches nothing). */
    match(method: string, path: string): RouteMatch<THandler> | undefined {
      const parts = path.split('/').filter(Boolean);
      for (const { route, segments } of compiled) {
        if (route.method !== method || segments.length !== parts.length) continue;
        const params: Record<string, string> = {};
        const matched = segments.every((segment, i) => {
          const part = parts[i]!;
          if (!segment.startsWith(':')) return segment === part;
          try {
            params[segment.slice(1)] = decodeURIComponent(part);
            return true;
          } catch {
            return false;
          }
        });
        if (matched) return { handler: route.handler, params };
      }
      return undefined;
    },
  };
}

import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { methodLabel, processMetrics, routeTemplate, UNMATCHED_ROUTE } from '../../server/metrics';
import type { AppEnv } from '../env';

const unmatched = new WeakSet<Context>();

/** Called by the app's notFound handler: no route took the request, whatever its path. */
export function markUnmatched(c: Context): void {
  unmatched.add(c);
}

/**
 * The route template a request is counted under: the last route that matched it (the
 * handler, even when a guard answered first; a guard's own pattern such as /api/v1/admin/*
 * when no handler matched), or UNMATCHED_ROUTE. Never the request's own path.
 */
export function routeLabel(c: Context): string {
  return unmatched.has(c) ? UNMATCHED_ROUTE : routeTemplate(routePath(c, -1) || UNMATCHED_ROUTE);
}

/**
 * darkroom_http_request_duration_seconds for every API request except `skipPath` (the
 * metrics endpoint: a scrape every few seconds would drown the traffic it reports on).
 */
export function httpMetrics(skipPath: string): MiddlewareHandler<AppEnv> {
  const histogram = processMetrics().httpRequestDuration;
  return async (c, next) => {
    if (c.req.path === skipPath) return next();
    const started = performance.now();
    try {
      await next();
    } finally {
      histogram.observe({ method: methodLabel(c.req.method), route: routeLabel(c), status: c.res.status }, (performance.now() - started) / 1000);
    }
  };
}

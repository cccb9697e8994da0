import type { Context } from 'hono';
import { routePath } from 'hono/route';
import { methodLabel, processMetrics, routeTemplate, UNMATCHED_ROUTE } from '../../server/metrics';

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
 * Records darkroom_http_request_duration_seconds for an answered API request, except for
 * `skipPath` (the metrics endpoint: a scrape every few seconds would drown the traffic it
 * reports on). Called by requestContext, which times every request.
 */
export function durationRecorder(skipPath: string): (c: Context, seconds: number) => void {
  const histogram = processMetrics().httpRequestDuration;
  return (c, seconds) => {
    if (c.req.path !== skipPath) histogram.observe({ method: methodLabel(c.req.method), route: routeLabel(c), status: c.res.status }, seconds);
  };
}

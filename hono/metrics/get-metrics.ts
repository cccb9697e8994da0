import { createRoute, type RouteHandler, z } from '@hono/zod-openapi';
import { renderMetrics } from '../../server/metrics';
import { bearerToken, METRICS_DISABLED, METRICS_REFUSED, secretMatches } from '../../server/http/secret';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

export const METRICS_PATH = '/metrics';

export const getMetricsRoute = createRoute({
  method: 'get',
  path: METRICS_PATH,
  tags: ['system'],
  summary: 'Prometheus metrics of this replica',
  description:
    'Prometheus text format. Served here only when METRICS_TOKEN is set, and then only with `Authorization: Bearer <METRICS_TOKEN>`; otherwise 404 (METRICS_PORT serves them on a separate port instead). Not rate-limited, never cached, and not counted in its own request histogram.',
  security: [{ metricsToken: [] }],
  responses: {
    200: { description: 'Metrics in the Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } },
    401: { description: 'Missing or wrong token' },
    404: { description: 'Metrics are not served on this port' },
  },
});

export const getMetricsHandler: RouteHandler<typeof getMetricsRoute, AppEnv> = async (c) => {
  const { token } = c.get('services').config.metrics;
  // Setting a token is the operator's opt-in: without one, nobody reads metrics on the public port.
  if (!token) throw new ApiError('NOT_FOUND', METRICS_DISABLED);
  if (!secretMatches(bearerToken(c.req.header('authorization')), token)) {
    c.header('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new ApiError('UNAUTHORIZED', METRICS_REFUSED);
  }
  const { contentType, body } = await renderMetrics();
  return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
};

import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, errorResponses } from '../errors';
import { createRouter } from '../router';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
const ReadySchema = z
  .object({
    status: z.literal('ready'),
    checks: z.object({ database: z.enum(['postgres', 'pglite']), redis: z.enum(['ok', 'not-required']) }),
  })
  .openapi('Ready');

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['system'],
  summary: 'Liveness: the process answers',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['system'],
  summary: 'Readiness: PostgreSQL (and Redis in strict cache mode) reachable',
  responses: {
    200: { description: 'Ready to serve', content: { 'application/json': { schema: ReadySchema } } },
    ...errorResponses('SERVICE_UNAVAILABLE'),
  },
});

export const healthRoutes = createRouter()
  .openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200))
  .openapi(readyRoute, async (c) => {
    const { database, redis, config } = c.get('services');
    try {
      await database.ping();
    } catch {
      throw new ApiError('SERVICE_UNAVAILABLE', 'Not ready: the database is unreachable');
    }
    const redisRequired = config.cacheMode === 'strict';
    if (redisRequired) {
      const ok = await redis?.ping().then(() => true, () => false);
      if (!ok) throw new ApiError('SERVICE_UNAVAILABLE', 'Not ready: Redis is unreachable (CACHE_MODE=strict)');
    }
    return c.json({ status: 'ready' as const, checks: { database: database.kind, redis: redisRequired ? ('ok' as const) : ('not-required' as const) } }, 200);
  });

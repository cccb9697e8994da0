import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { z } from 'zod';
import { systemOverview } from '../../server/system';
import type { AppEnv } from '../env';
import { ApiError, errorResponses } from '../errors';
import { json } from '../openapi';

const ready = z
  .object({
    status: z.literal('ready'),
    checks: z.object({ database: systemOverview.shape.database, redis: z.enum(['ok', 'not-required']) }),
  })
  .meta({ id: 'Ready' });

export const getReadyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['system'],
  summary: 'Readiness: PostgreSQL (and Redis in strict cache mode) reachable',
  responses: { 200: { description: 'Ready to serve', ...json(ready) }, ...errorResponses('SERVICE_UNAVAILABLE') },
});

export const getReadyHandler: RouteHandler<typeof getReadyRoute, AppEnv> = async (c) => {
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
};

import { createRoute, z } from '@hono/zod-openapi';
import { getSystemOverview } from '../../server/system';
import { errorResponses } from '../errors';
import { createRouter } from '../router';
import { UserSchema, toUserJson } from '../users/schema';

const OverviewSchema = z
  .object({
    users: z.object({ total: z.number().int(), active: z.number().int() }),
    database: z.enum(['postgres', 'pglite']),
    cacheMode: z.enum(['strict', 'degraded', 'local']),
    redis: z.enum(['connected', 'unreachable', 'not-configured']),
    version: z.string(),
  })
  .openapi('SystemOverview');

const meRoute = createRoute({
  method: 'get',
  path: '/me',
  tags: ['admin'],
  summary: 'The signed-in admin',
  responses: {
    200: { description: 'Current user', content: { 'application/json': { schema: UserSchema } } },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN'),
  },
});

const overviewRoute = createRoute({
  method: 'get',
  path: '/system',
  tags: ['admin'],
  summary: 'What this installation runs on (dashboard)',
  responses: {
    200: { description: 'Overview', content: { 'application/json': { schema: OverviewSchema } } },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN'),
  },
});

/** /admin/me and /admin/system. */
export const systemRoutes = createRouter()
  .openapi(meRoute, (c) => c.json(toUserJson(c.get('user')), 200))
  .openapi(overviewRoute, async (c) => c.json(OverviewSchema.parse(await getSystemOverview(c.get('services'), c.req.raw.headers)), 200));

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { getSystemOverview, systemOverview } from '../../server/system';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const getSystemOverviewRoute = createRoute({
  method: 'get',
  path: '/system',
  tags: ['admin'],
  summary: 'What this installation runs on (dashboard)',
  responses: { 200: { description: 'Overview', ...json(systemOverview) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});

export const getSystemOverviewHandler: RouteHandler<typeof getSystemOverviewRoute, AppEnv> = async (c) =>
  c.json(systemOverview.parse(await getSystemOverview(c.get('services'), c.req.raw.headers)), 200);

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { workerView } from '../../server/availability';
import { listOf } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const listWorkersRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: workers'],
  summary: 'The worker fleet: every replica that has registered, with live heartbeat and running jobs',
  responses: { 200: { description: 'Workers', ...json(listOf(workerView)) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});

export const listWorkersHandler: RouteHandler<typeof listWorkersRoute, AppEnv> = async (c) =>
  c.json({ items: (await c.get('services').fleet.listWorkers()).map((w) => workerView.parse(w)) }, 200);

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { availabilityStatus } from '../../server/availability';
import type { AppEnv } from '../env';
import { json } from '../openapi';

export const getStatusRoute = createRoute({
  method: 'get',
  path: '/status',
  tags: ['system'],
  summary: 'Availability beacon: workers online/available, free develop slots, queue depth',
  description: 'Served from a snapshot shared by all replicas (at most 10 s old). `source` says whether it came from the Redis mirror or, while Redis is away, from PostgreSQL.',
  responses: { 200: { description: 'Fleet and queue status', ...json(availabilityStatus) } },
});

export const getStatusHandler: RouteHandler<typeof getStatusRoute, AppEnv> = async (c) => {
  c.header('Cache-Control', 'no-store');
  return c.json(availabilityStatus.parse(await c.get('services').readStatus()), 200);
};

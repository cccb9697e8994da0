import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../router';

const StatusSchema = z
  .object({
    workersOnline: z.number().int(),
    workersAvailable: z.number().int(),
    freeSlots: z.number().int(),
    queue: z.object({ queued: z.number().int(), running: z.number().int(), failed: z.number().int() }),
    source: z.enum(['redis', 'postgres']),
    generatedAt: z.string(),
  })
  .openapi('AvailabilityStatus');

const statusRoute = createRoute({
  method: 'get',
  path: '/status',
  tags: ['system'],
  summary: 'Availability beacon: workers online/available, free develop slots, queue depth',
  description: 'Served from a snapshot shared by all replicas (at most 10 s old). `source` says whether it came from the Redis mirror or, while Redis is away, from PostgreSQL.',
  responses: { 200: { description: 'Fleet and queue status', content: { 'application/json': { schema: StatusSchema } } } },
});

export const statusRoutes = createRouter().openapi(statusRoute, async (c) => {
  c.header('Cache-Control', 'no-store');
  return c.json(StatusSchema.parse(await c.get('services').readStatus()), 200);
});

import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../errors';
import { createRouter } from '../router';

const WorkerSchema = z
  .object({
    id: z.string(),
    hostname: z.string(),
    version: z.string(),
    concurrency: z.number().int(),
    isOnline: z.boolean(),
    isDrained: z.boolean(),
    running: z.number().int(),
    startedAt: z.string(),
    lastHeartbeatAt: z.string(),
  })
  .openapi('Worker');
const tags = ['admin: workers'];
const WorkerIdParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'The worker fleet: every replica that has registered, with live heartbeat and running jobs',
  responses: { 200: { description: 'Workers', content: { 'application/json': { schema: z.object({ items: z.array(WorkerSchema) }) } } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});
const drainRoute = (action: 'drain' | 'undrain') =>
  createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    tags,
    summary: action === 'drain' ? 'Stop this worker from claiming new jobs (running ones finish)' : 'Let a drained worker claim jobs again',
    request: { params: WorkerIdParams },
    responses: { 200: { description: 'The worker', content: { 'application/json': { schema: WorkerSchema } } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
  });

/** /admin/workers */
export const workersRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json({ items: (await c.get('services').fleet.listWorkers()).map((w) => WorkerSchema.parse(w)) }, 200))
  .openapi(drainRoute('drain'), async (c) => c.json(WorkerSchema.parse(await c.get('services').fleet.setDrained(c.req.valid('param').id, true)), 200))
  .openapi(drainRoute('undrain'), async (c) => c.json(WorkerSchema.parse(await c.get('services').fleet.setDrained(c.req.valid('param').id, false)), 200));

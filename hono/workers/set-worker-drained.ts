import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { workerView } from '../../server/availability';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

const drainRoute = (action: 'drain' | 'undrain') =>
  createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    tags: ['admin: workers'],
    summary: action === 'drain' ? 'Stop this worker from claiming new jobs (running ones finish)' : 'Let a drained worker claim jobs again',
    request: { params: idParam },
    responses: { 200: { description: 'The worker', ...json(workerView) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
  });

export const drainWorkerRoute = drainRoute('drain');
export const undrainWorkerRoute = drainRoute('undrain');

const handler =
  (drained: boolean): RouteHandler<typeof drainWorkerRoute, AppEnv> =>
  async (c) =>
    c.json(workerView.parse(await c.get('services').fleet.setDrained(c.req.valid('param').id, drained)), 200);

export const drainWorkerHandler = handler(true);
export const undrainWorkerHandler = handler(false);

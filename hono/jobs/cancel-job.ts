import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { jobDto, toJobDto } from '../../server/queue';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const cancelJobRoute = createRoute({
  method: 'post',
  path: '/{id}/cancel',
  tags: ['admin: jobs'],
  summary: 'Cancel a queued or running job (stops it on any replica)',
  request: { params: idParam },
  responses: { 200: { description: 'The job', ...json(jobDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});

export const cancelJobHandler: RouteHandler<typeof cancelJobRoute, AppEnv> = async (c) =>
  c.json(toJobDto(await c.get('services').queue.cancel(c.req.valid('param').id)), 200);

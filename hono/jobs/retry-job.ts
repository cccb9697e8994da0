import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { jobDto, toJobDto } from '../../server/queue';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const retryJobRoute = createRoute({
  method: 'post',
  path: '/{id}/retry',
  tags: ['admin: jobs'],
  summary: 'Queue a failed or cancelled job again',
  request: { params: idParam },
  responses: { 200: { description: 'The job', ...json(jobDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});

export const retryJobHandler: RouteHandler<typeof retryJobRoute, AppEnv> = async (c) =>
  c.json(toJobDto(await c.get('services').queue.retry(c.req.valid('param').id)), 200);

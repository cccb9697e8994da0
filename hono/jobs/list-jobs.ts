import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { countJobsByStatus, jobPage, listJobs, listJobsInput, toJobDto } from '../../server/queue';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const listJobsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: jobs'],
  summary: 'Preprocess jobs, newest first, with counts per status',
  request: { query: listJobsInput },
  responses: { 200: { description: 'A page of jobs', ...json(jobPage) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED') },
});

export const listJobsHandler: RouteHandler<typeof listJobsRoute, AppEnv> = async (c) => {
  const { db } = c.get('services');
  const [page, counts] = await Promise.all([listJobs(db, c.req.valid('query')), countJobsByStatus(db)]);
  return c.json({ items: page.items.map(toJobDto), nextCursor: page.nextCursor, counts: counts.counts, countsApproximate: counts.approximate }, 200);
};

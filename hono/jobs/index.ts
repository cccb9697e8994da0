import { createRoute, z } from '@hono/zod-openapi';
import { jobFailureKinds, jobStatuses } from '../../drizzle/schema';
import { countJobsByStatus, type JobRow, listJobs } from '../../server/queue';
import { errorResponses } from '../errors';
import { createRouter } from '../router';

const statuses = jobStatuses;
const iso = (d: Date | null) => d?.toISOString() ?? null;

export const JobSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    subjectId: z.string(),
    status: z.enum(statuses),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    runAfter: z.string(),
    leasedBy: z.string().nullable(),
    leaseExpiresAt: z.string().nullable(),
    lastError: z.string().nullable(),
    failureKind: z.enum(jobFailureKinds).nullable().openapi({
      description: 'Why a failed job stopped: permanent (can never succeed), repeated (failed the same way twice in a row), exhausted (ran out of attempts)',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Job');

const toJob = (row: JobRow) =>
  JobSchema.parse({
    ...row,
    runAfter: row.runAfter.toISOString(),
    leaseExpiresAt: iso(row.leaseExpiresAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: iso(row.finishedAt),
  });

const JobIdParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });
const tags = ['admin: jobs'];

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Preprocess jobs, newest first, with counts per status',
  request: { query: z.object({ status: z.enum(statuses).optional(), cursor: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }) },
  responses: {
    200: {
      description: 'A page of jobs',
      content: { 'application/json': { schema: z.object({ items: z.array(JobSchema), nextCursor: z.string().nullable(), counts: z.record(z.string(), z.number()) }) } },
    },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED'),
  },
});
const action = (name: 'retry' | 'cancel') =>
  createRoute({
    method: 'post',
    path: `/{id}/${name}`,
    tags,
    summary: name === 'retry' ? 'Queue a failed or cancelled job again' : 'Cancel a queued or running job (stops it on any replica)',
    request: { params: JobIdParams },
    responses: { 200: { description: 'The job', content: { 'application/json': { schema: JobSchema } } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
  });

/** /admin/jobs */
export const jobsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { db } = c.get('services');
    const [page, counts] = await Promise.all([listJobs(db, c.req.valid('query')), countJobsByStatus(db)]);
    return c.json({ items: page.items.map(toJob), nextCursor: page.nextCursor, counts }, 200);
  })
  .openapi(action('retry'), async (c) => {
    return c.json(toJob(await c.get('services').queue.retry(c.req.valid('param').id)), 200);
  })
  .openapi(action('cancel'), async (c) => c.json(toJob(await c.get('services').queue.cancel(c.req.valid('param').id)), 200));

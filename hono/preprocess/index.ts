import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError, errorResponses } from '../errors';
import { createRouter } from '../router';

const TickSchema = z
  .object({
    claimed: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    retrying: z.number().int(),
    released: z.number().int(),
    requeued: z.number().int(),
    enqueued: z.number().int(),
    durationMs: z.number().int(),
  })
  .openapi('TickResult');

const tickRoute = createRoute({
  method: 'post',
  path: '/preprocess-tasks/tick',
  tags: ['queue'],
  summary: 'Drive the queue from an external cron: re-queue expired leases, enqueue missing work, develop jobs within the time budget',
  description: 'When PREPROCESS_TICK_SECRET is set, send it in the x-preprocess-tick-secret header.',
  request: { headers: z.object({ 'x-preprocess-tick-secret': z.string().max(512).optional() }) },
  responses: { 200: { description: 'What this tick did', content: { 'application/json': { schema: TickSchema } } }, ...errorResponses('UNAUTHORIZED') },
});

/** Constant-time comparison of fixed-length digests, so neither content nor length leaks. */
function secretMatches(given: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined;
}

export const preprocessRoutes = createRouter().openapi(tickRoute, async (c) => {
  const { config, queue } = c.get('services');
  const secret = config.preprocess.tickSecret;
  if (secret && !secretMatches(c.req.header('x-preprocess-tick-secret'), secret)) {
    throw new ApiError('UNAUTHORIZED', 'Missing or wrong x-preprocess-tick-secret header');
  }
  const result = await queue.tick({ budgetMs: config.preprocess.tickBudgetMs, develop: true });
  return c.json(TickSchema.parse(result), 200);
});

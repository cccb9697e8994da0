import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { z } from 'zod';
import { bearerToken, secretMatches } from '../../server/http/secret';
import { tickResult } from '../../server/queue';
import type { AppEnv } from '../env';
import { ApiError, errorResponses } from '../errors';
import { json } from '../openapi';

export const TICK_DISABLED =
  'The tick endpoint is disabled: set PREPROCESS_TICK_SECRET (or CRON_SECRET for Vercel Cron) to let an external cron drive the queue';
export const TICK_REFUSED = 'Missing or wrong tick secret: send x-preprocess-tick-secret: $PREPROCESS_TICK_SECRET, or Authorization: Bearer $CRON_SECRET';

const tickRoute = (method: 'get' | 'post') =>
  createRoute({
    method,
    path: '/preprocess-tasks/tick',
    tags: ['queue'],
    summary: 'Drive the queue from an external cron: re-queue expired leases, enqueue missing work, develop jobs within the time budget',
    description:
      'Disabled (404) unless PREPROCESS_TICK_SECRET or CRON_SECRET is set. Send `x-preprocess-tick-secret: $PREPROCESS_TICK_SECRET`, ' +
      "or `Authorization: Bearer $CRON_SECRET` (Vercel Cron's convention, with GET). Ticks on one replica share " +
      'PREPROCESS_TICK_CONCURRENCY; a tick that finds it full answers at once with `busy: true`.',
    request: {
      headers: z.object({
        'x-preprocess-tick-secret': z.string().max(512).optional(),
        authorization: z.string().max(1024).optional(),
      }),
    },
    responses: {
      200: { description: 'What this tick did', ...json(tickResult) },
      ...errorResponses('UNAUTHORIZED', 'NOT_FOUND', 'TOO_MANY_REQUESTS'),
    },
  });
export const getTickRoute = tickRoute('get');
export const postTickRoute = tickRoute('post');

export const tickHandler: RouteHandler<typeof postTickRoute, AppEnv> = async (c) => {
  const { config, queue } = c.get('services');
  const { tickSecret, cronSecret } = config.preprocess;
  // Setting a secret is the operator's opt-in; without one nobody may drive the queue from outside.
  if (!tickSecret && !cronSecret) throw new ApiError('NOT_FOUND', TICK_DISABLED);
  const viaHeader = secretMatches(c.req.header('x-preprocess-tick-secret'), tickSecret);
  const viaBearer = secretMatches(bearerToken(c.req.header('authorization')), cronSecret);
  if (!viaHeader && !viaBearer) throw new ApiError('UNAUTHORIZED', TICK_REFUSED);
  const result = await queue.tick({ budgetMs: config.preprocess.tickBudgetMs, develop: true });
  return c.json(tickResult.parse(result), 200);
};

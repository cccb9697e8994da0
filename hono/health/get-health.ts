import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { json } from '../openapi';

const health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const getHealthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['system'],
  summary: 'Liveness: the process answers',
  responses: { 200: { description: 'Alive', ...json(health) } },
});

export const getHealthHandler: RouteHandler<typeof getHealthRoute, AppEnv> = (c) => c.json({ status: 'ok' as const }, 200);

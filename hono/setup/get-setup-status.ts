import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { countUsers, setupStatus } from '../../server/users';
import type { AppEnv } from '../env';
import { json } from '../openapi';

export const getSetupStatusRoute = createRoute({
  method: 'get',
  path: '/setup',
  tags: ['setup'],
  summary: 'Whether the one-time owner setup is still open',
  responses: { 200: { description: 'Setup status', ...json(setupStatus) } },
});

export const getSetupStatusHandler: RouteHandler<typeof getSetupStatusRoute, AppEnv> = async (c) =>
  c.json(setupStatus.parse({ needed: (await countUsers({ db: c.get('services').db })) === 0 }), 200);

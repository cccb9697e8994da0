import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { listUsers, listUsersInput, userPage } from '../../server/users';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const listUsersRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: users'],
  summary: 'List users',
  request: { query: listUsersInput },
  responses: {
    200: { description: 'A page of users', ...json(userPage) },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED'),
  },
});

export const listUsersHandler: RouteHandler<typeof listUsersRoute, AppEnv> = async (c) =>
  c.json(userPage.parse(await listUsers({ db: c.get('services').db }, c.req.valid('query'))), 200);

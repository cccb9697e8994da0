import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { listUsers } from '../../server/users';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { ListUsersQuery, UserListSchema, toUserJson } from './schema';

export const listUsersRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: users'],
  summary: 'List users',
  request: { query: ListUsersQuery },
  responses: {
    200: { description: 'A page of users', content: { 'application/json': { schema: UserListSchema } } },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED'),
  },
});

export const listUsersHandler: RouteHandler<typeof listUsersRoute, AppEnv> = async (c) => {
  const page = await listUsers({ db: c.get('services').db }, c.req.valid('query'));
  return c.json({ items: page.items.map(toUserJson), nextCursor: page.nextCursor }, 200);
};

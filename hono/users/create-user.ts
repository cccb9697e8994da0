import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { createUser, createUserInput, userDto } from '../../server/users';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const createUserRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['admin: users'],
  summary: 'Create an admin or a viewer with a password',
  request: { body: { required: true, ...json(createUserInput) } },
  responses: {
    201: { description: 'Created', ...json(userDto) },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED', 'CONFLICT'),
  },
});

export const createUserHandler: RouteHandler<typeof createUserRoute, AppEnv> = async (c) => {
  const user = await createUser({ db: c.get('services').db }, c.req.valid('json'));
  c.get('services').log.info({ userId: user.id, role: user.role, by: c.get('user').id }, 'user created');
  return c.json(userDto.parse(user), 201);
};

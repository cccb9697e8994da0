import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { idParam } from '../../server/shapes';
import { setUserActive, userDto } from '../../server/users';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

const activeRoute = (action: 'activate' | 'deactivate') =>
  createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    tags: ['admin: users'],
    summary: action === 'deactivate' ? 'Deactivate a user and revoke all of their sessions' : 'Reactivate a user',
    request: { params: idParam },
    responses: {
      200: { description: 'The updated user', ...json(userDto) },
      ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
    },
  });

export const deactivateUserRoute = activeRoute('deactivate');
export const activateUserRoute = activeRoute('activate');

const handler =
  (active: boolean): RouteHandler<typeof deactivateUserRoute, AppEnv> =>
  async (c) => {
    const actor = c.get('user');
    const user = await setUserActive({ db: c.get('services').db }, { id: c.req.valid('param').id, active, actorId: actor.id });
    c.get('services').log.info({ userId: user.id, active, by: actor.id }, active ? 'user activated' : 'user deactivated');
    return c.json(userDto.parse(user), 200);
  };

export const deactivateUserHandler = handler(false);
export const activateUserHandler = handler(true);

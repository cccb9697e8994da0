import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { userDto } from '../../server/users';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const getMeRoute = createRoute({
  method: 'get',
  path: '/me',
  tags: ['admin'],
  summary: 'The signed-in admin',
  responses: { 200: { description: 'Current user', ...json(userDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});

export const getMeHandler: RouteHandler<typeof getMeRoute, AppEnv> = (c) => c.json(userDto.parse(c.get('user')), 200);

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ConflictError } from '../../server/errors';
import { countUsers, setupOwner, setupOwnerInput, userDto } from '../../server/users';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

/** Once any account exists, setup is refused before its body is read: a hostile POST costs one count. */
const setupStillOpen: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((await countUsers({ db: c.get('services').db })) > 0) throw new ConflictError('Setup is already complete: an owner account exists. Sign in instead.');
  await next();
};

export const setupOwnerRoute = createRoute({
  method: 'post',
  path: '/setup',
  middleware: [setupStillOpen] as const,
  tags: ['setup'],
  summary: 'Create the owner account (only while no user exists)',
  request: { body: { required: true, ...json(setupOwnerInput) } },
  responses: {
    201: { description: 'Owner created; sign in next', ...json(userDto) },
    ...errorResponses('VALIDATION_FAILED', 'CONFLICT', 'PAYLOAD_TOO_LARGE'),
  },
});

export const setupOwnerHandler: RouteHandler<typeof setupOwnerRoute, AppEnv> = async (c) => {
  const owner = await setupOwner({ db: c.get('services').db }, c.req.valid('json'));
  c.get('services').log.info({ userId: owner.id, requestId: c.get('requestId') }, 'owner account created by setup');
  return c.json(userDto.parse(owner), 201);
};

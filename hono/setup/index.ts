import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ConflictError } from '../../server/errors';
import { countUsers, setupOwner, setupOwnerInput } from '../../server/users';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { createRouter } from '../router';
import { UserSchema, toUserJson } from '../users/schema';

const SetupStatusSchema = z.object({ needed: z.boolean() }).openapi('SetupStatus');

const statusRoute = createRoute({
  method: 'get',
  path: '/setup',
  tags: ['setup'],
  summary: 'Whether the one-time owner setup is still open',
  responses: { 200: { description: 'Setup status', content: { 'application/json': { schema: SetupStatusSchema } } } },
});

/** Once any account exists, setup is refused before its body is read: a hostile POST costs one count. */
const setupStillOpen: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((await countUsers({ db: c.get('services').db })) > 0) throw new ConflictError('Setup is already complete: an owner account exists. Sign in instead.');
  await next();
};

const setupRoute = createRoute({
  method: 'post',
  path: '/setup',
  middleware: [setupStillOpen] as const,
  tags: ['setup'],
  summary: 'Create the owner account (only while no user exists)',
  request: { body: { required: true, content: { 'application/json': { schema: setupOwnerInput } } } },
  responses: {
    201: { description: 'Owner created; sign in next', content: { 'application/json': { schema: UserSchema } } },
    ...errorResponses('VALIDATION_FAILED', 'CONFLICT', 'PAYLOAD_TOO_LARGE'),
  },
});

export const setupRoutes = createRouter()
  .openapi(statusRoute, async (c) => {
    const n = await countUsers({ db: c.get('services').db });
    return c.json({ needed: n === 0 }, 200);
  })
  .openapi(setupRoute, async (c) => {
    const owner = await setupOwner({ db: c.get('services').db }, c.req.valid('json'));
    c.get('services').log.info({ userId: owner.id, requestId: c.get('requestId') }, 'owner account created by setup');
    return c.json(toUserJson(owner), 201);
  });

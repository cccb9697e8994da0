import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { createApiKey, createApiKeyInput, createdApiKeyDto } from '../../server/api-keys';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';
import { actorOf } from './actor';

export const createApiKeyRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['admin: api keys'],
  summary: 'Create an API key; its secret is shown only in this answer',
  description:
    'The scopes must be within what your role allows (the owner: everything; an admin: everything but `users.*`) and, ' +
    'when this request is made with a key, within that key’s scopes: a key never creates a wider one (403 otherwise).',
  request: { body: { required: true, ...json(createApiKeyInput) } },
  responses: { 201: { description: 'Created', ...json(createdApiKeyDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED') },
});

export const createApiKeyHandler: RouteHandler<typeof createApiKeyRoute, AppEnv> = async (c) => {
  const services = c.get('services');
  const created = await createApiKey(services, c.req.valid('json'), actorOf(c));
  // The id and scopes only: the secret is never logged.
  services.log.info({ apiKeyId: created.key.id, scopes: created.key.scopes, by: c.get('user').id }, 'api key created');
  return c.json(createdApiKeyDto.parse(created), 201);
};

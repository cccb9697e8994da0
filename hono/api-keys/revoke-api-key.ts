import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { apiKeyDto, apiKeyParams, revokeApiKey } from '../../server/api-keys';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';
import { actorOf } from './actor';

export const revokeApiKeyRoute = createRoute({
  method: 'post',
  path: '/{id}/revoke',
  tags: ['admin: api keys'],
  summary: 'Revoke an API key (your own; the owner may revoke any): it answers 401 on every replica from the next request',
  request: { params: apiKeyParams },
  responses: { 200: { description: 'Revoked', ...json(apiKeyDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

export const revokeApiKeyHandler: RouteHandler<typeof revokeApiKeyRoute, AppEnv> = async (c) => {
  const services = c.get('services');
  const key = await revokeApiKey(services, c.req.valid('param').id, actorOf(c));
  services.log.info({ apiKeyId: key.id, by: c.get('user').id }, 'api key revoked');
  return c.json(apiKeyDto.parse(key), 200);
};

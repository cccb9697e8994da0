import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { apiKeyPage, listApiKeys, listApiKeysInput } from '../../server/api-keys';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';
import { actorOf } from './actor';

export const listApiKeysRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: api keys'],
  summary: 'API keys, newest first: your own, or every key for the owner (never a secret)',
  request: { query: listApiKeysInput },
  responses: { 200: { description: 'A page of keys', ...json(apiKeyPage) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED') },
});

export const listApiKeysHandler: RouteHandler<typeof listApiKeysRoute, AppEnv> = async (c) =>
  c.json(apiKeyPage.parse(await listApiKeys(c.get('services'), c.req.valid('query'), actorOf(c))), 200);

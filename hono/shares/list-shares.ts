import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { listShares, shareList } from '../../server/shares';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const listSharesRoute = createRoute({
  method: 'get',
  path: '/{id}/shares',
  tags: ['admin: albums'],
  summary: "An album's share links with their state and open count (never a token or password)",
  request: { params: idParam },
  responses: { 200: { description: 'Share links, newest first', ...json(shareList) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

export const listSharesHandler: RouteHandler<typeof listSharesRoute, AppEnv> = async (c) =>
  c.json(shareList.parse({ items: await listShares(c.get('services'), c.req.valid('param').id) }), 200);

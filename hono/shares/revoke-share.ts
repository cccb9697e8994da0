import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { revokeShare, shareDto, shareParams } from '../../server/shares';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const revokeShareRoute = createRoute({
  method: 'post',
  path: '/{id}/shares/{shareId}/revoke',
  tags: ['admin: albums'],
  summary: 'Revoke a share link: its pages and files answer 404 on every replica from the next request',
  request: { params: shareParams },
  responses: { 200: { description: 'Revoked', ...json(shareDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

export const revokeShareHandler: RouteHandler<typeof revokeShareRoute, AppEnv> = async (c) => {
  const { id, shareId } = c.req.valid('param');
  return c.json(shareDto.parse(await revokeShare(c.get('services'), id, shareId)), 200);
};

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { deleteAlbum } from '../../server/albums';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';

export const deleteAlbumRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['admin: albums'],
  summary: 'Delete an album (its images stay in the library)',
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

export const deleteAlbumHandler: RouteHandler<typeof deleteAlbumRoute, AppEnv> = async (c) => {
  await deleteAlbum(c.get('services'), c.req.valid('param').id);
  return c.body(null, 204);
};

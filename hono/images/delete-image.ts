import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { deleteImage } from '../../server/images';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';

export const deleteImageRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['admin: images'],
  summary: 'Delete an image, its original and every variant',
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

export const deleteImageHandler: RouteHandler<typeof deleteImageRoute, AppEnv> = async (c) => {
  await deleteImage(c.get('services').images, c.req.valid('param').id);
  return c.body(null, 204);
};

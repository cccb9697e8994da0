import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { idParam } from '../../server/shapes';
import { deleteTag } from '../../server/tags';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';

export const deleteTagRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['admin: tags'],
  summary: 'Delete a tag (removes it from every image)',
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

export const deleteTagHandler: RouteHandler<typeof deleteTagRoute, AppEnv> = async (c) => {
  await deleteTag(c.get('services'), c.req.valid('param').id);
  return c.body(null, 204);
};

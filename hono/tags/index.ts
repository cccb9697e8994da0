import { createRoute, z } from '@hono/zod-openapi';
import { deleteTag, listTags } from '../../server/tags';
import { errorResponses } from '../errors';
import { createRouter } from '../router';

const TagSchema = z.object({ id: z.string(), name: z.string(), imageCount: z.number().int() }).openapi('Tag');
const tags = ['admin: tags'];

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Every tag with its number of images (tag images with PATCH /admin/images/{id})',
  responses: { 200: { description: 'Tags', content: { 'application/json': { schema: z.object({ items: z.array(TagSchema) }) } } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});
const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a tag (removes it from every image)',
  request: { params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

/** /admin/tags */
export const tagsRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json({ items: (await listTags(c.get('services'))).map((t) => TagSchema.parse(t)) }, 200))
  .openapi(deleteRoute, async (c) => {
    await deleteTag(c.get('services'), c.req.valid('param').id);
    return c.body(null, 204);
  });

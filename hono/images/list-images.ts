import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { listImages } from '../../server/images';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { AdminImageListSchema, AdminImageSchema, ListImagesQuery } from './schema';

export const listImagesRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: images'],
  summary: 'The library, newest first, filtered by status, album or tag',
  request: { query: ListImagesQuery },
  responses: {
    200: { description: 'A page of images', content: { 'application/json': { schema: AdminImageListSchema } } },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED'),
  },
});

export const listImagesHandler: RouteHandler<typeof listImagesRoute, AppEnv> = async (c) => {
  const page = await listImages(c.get('services').images, c.req.valid('query'));
  return c.json({ items: page.items.map((i) => AdminImageSchema.parse(i)), nextCursor: page.nextCursor }, 200);
};

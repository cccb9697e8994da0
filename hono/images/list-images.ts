import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { adminImagePage, listImages, listImagesInput } from '../../server/images';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const listImagesRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: images'],
  summary: 'The library, newest first, filtered by status, album or tag',
  request: { query: listImagesInput },
  responses: { 200: { description: 'A page of images', ...json(adminImagePage) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED') },
});

export const listImagesHandler: RouteHandler<typeof listImagesRoute, AppEnv> = async (c) =>
  c.json(adminImagePage.parse(await listImages(c.get('services').images, c.req.valid('query'))), 200);

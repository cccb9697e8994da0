import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { listOf } from '../../server/shapes';
import { listTags, tagDto } from '../../server/tags';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const listTagsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: tags'],
  summary: 'Every tag with its number of images (tag images with PATCH /admin/images/{id})',
  responses: { 200: { description: 'Tags', ...json(listOf(tagDto)) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});

export const listTagsHandler: RouteHandler<typeof listTagsRoute, AppEnv> = async (c) =>
  c.json({ items: (await listTags(c.get('services'))).map((t) => tagDto.parse(t)) }, 200);

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { adminImageDto, reprocessImage } from '../../server/images';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const reprocessImageRoute = createRoute({
  method: 'post',
  path: '/{id}/reprocess',
  tags: ['admin: images'],
  summary: 'Develop the image again',
  request: { params: idParam },
  responses: { 202: { description: 'Queued', ...json(adminImageDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});

export const reprocessImageHandler: RouteHandler<typeof reprocessImageRoute, AppEnv> = async (c) =>
  c.json(adminImageDto.parse(await reprocessImage(c.get('services').images, c.req.valid('param').id)), 202);

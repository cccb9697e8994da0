import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { adminImageDto, getImage } from '../../server/images';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const getImageRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['admin: images'],
  summary: 'One image with variants, EXIF, tags and develop warnings',
  request: { params: idParam },
  responses: { 200: { description: 'The image', ...json(adminImageDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

export const getImageHandler: RouteHandler<typeof getImageRoute, AppEnv> = async (c) =>
  c.json(adminImageDto.parse(await getImage(c.get('services').images, c.req.valid('param').id)), 200);

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { getPublicImage, imageDto } from '../../server/images';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';
import { cachedJson } from './cached';

export const getPublicImageRoute = createRoute({
  method: 'get',
  path: '/images/{id}',
  tags: ['public'],
  summary: 'A public image with its variants (GPS only where the album allows it)',
  request: { params: idParam },
  responses: { 200: { description: 'Image', ...json(imageDto) }, ...errorResponses('NOT_FOUND') },
});

export const getPublicImageHandler: RouteHandler<typeof getPublicImageRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  return cachedJson(c, ['image', id], imageDto, () => getPublicImage(c.get('services'), id));
};

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { albumDto, getAlbum } from '../../server/albums';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const getAlbumRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['admin: albums'],
  summary: 'One album',
  request: { params: idParam },
  responses: { 200: { description: 'Album', ...json(albumDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') },
});

export const getAlbumHandler: RouteHandler<typeof getAlbumRoute, AppEnv> = async (c) =>
  c.json(albumDto.parse(await getAlbum(c.get('services'), c.req.valid('param').id)), 200);

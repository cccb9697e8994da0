import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { albumDto, updateAlbum, updateAlbumInput } from '../../server/albums';
import { idParam } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const updateAlbumRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['admin: albums'],
  summary: 'Edit an album: title, slug, description, visibility, GPS, cover, order',
  request: { params: idParam, body: { required: true, ...json(updateAlbumInput) } },
  responses: { 200: { description: 'Updated', ...json(albumDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED', 'CONFLICT') },
});

export const updateAlbumHandler: RouteHandler<typeof updateAlbumRoute, AppEnv> = async (c) =>
  c.json(albumDto.parse(await updateAlbum(c.get('services'), c.req.valid('param').id, c.req.valid('json'))), 200);

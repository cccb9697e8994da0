import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { albumDto, createAlbum, createAlbumInput } from '../../server/albums';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const createAlbumRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['admin: albums'],
  summary: 'Create an album (private until you publish it)',
  request: { body: { required: true, ...json(createAlbumInput) } },
  responses: { 201: { description: 'Created', ...json(albumDto) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED', 'CONFLICT') },
});

export const createAlbumHandler: RouteHandler<typeof createAlbumRoute, AppEnv> = async (c) =>
  c.json(albumDto.parse(await createAlbum(c.get('services'), c.req.valid('json'))), 201);

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { albumDto, listAlbums } from '../../server/albums';
import { listOf } from '../../server/shapes';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const listAlbumsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['admin: albums'],
  summary: 'All albums in display order',
  responses: { 200: { description: 'Albums', ...json(listOf(albumDto)) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
});

export const listAlbumsHandler: RouteHandler<typeof listAlbumsRoute, AppEnv> = async (c) =>
  c.json({ items: (await listAlbums(c.get('services'))).map((a) => albumDto.parse(a)) }, 200);

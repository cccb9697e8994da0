import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { listPublicAlbums, publicAlbumList, publicPageQuery } from '../../server/images';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';
import { cachedJson } from './cached';

export const listPublicAlbumsRoute = createRoute({
  method: 'get',
  path: '/albums',
  tags: ['public'],
  summary: 'Public albums in display order, each with a cover image',
  request: { query: publicPageQuery },
  responses: { 200: { description: 'Albums', ...json(publicAlbumList) }, ...errorResponses('VALIDATION_FAILED') },
});

export const listPublicAlbumsHandler: RouteHandler<typeof listPublicAlbumsRoute, AppEnv> = async (c) => {
  const q = c.req.valid('query');
  return cachedJson(c, ['albums', q.cursor ?? '', q.limit], publicAlbumList, () => listPublicAlbums(c.get('services'), q));
};

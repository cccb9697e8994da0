import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { getPublicAlbum, publicAlbumPage, publicPageQuery, publicSlugParam } from '../../server/images';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';
import { cachedJson } from './cached';

export const getPublicAlbumRoute = createRoute({
  method: 'get',
  path: '/albums/{slug}',
  tags: ['public'],
  summary: 'A public album and a page of its images, newest first',
  request: { params: publicSlugParam, query: publicPageQuery },
  responses: { 200: { description: 'Album page', ...json(publicAlbumPage) }, ...errorResponses('NOT_FOUND', 'VALIDATION_FAILED') },
});

export const getPublicAlbumHandler: RouteHandler<typeof getPublicAlbumRoute, AppEnv> = async (c) => {
  const { slug } = c.req.valid('param');
  const q = c.req.valid('query');
  return cachedJson(c, ['album', slug, q.cursor ?? '', q.limit], publicAlbumPage, () => getPublicAlbum(c.get('services'), slug, q));
};

import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { getCookie } from 'hono/cookie';
import { assertShareAccess, getSharedAlbum, recordOpen, resolveShare, sharedAlbumPage, sharePageQuery, shareTokenParam } from '../../server/shares';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { json } from '../openapi';

export const getShareRoute = createRoute({
  method: 'get',
  path: '/shares/{token}',
  tags: ['shares'],
  summary: 'The shared album and a page of its photos (a first page counts as one open). Password links need the cookie from unlock.',
  request: { params: shareTokenParam, query: sharePageQuery },
  responses: {
    200: { description: 'Album page; variant URLs go through this link', ...json(sharedAlbumPage) },
    ...errorResponses('UNAUTHORIZED', 'NOT_FOUND', 'VALIDATION_FAILED'),
  },
});

export const getShareHandler: RouteHandler<typeof getShareRoute, AppEnv> = async (c) => {
  const services = c.get('services');
  const { token } = c.req.valid('param');
  const query = c.req.valid('query');
  const share = await resolveShare(services, token);
  assertShareAccess(services.authSecret.value, share, (name) => getCookie(c, name));
  const page = await getSharedAlbum(services, share, token, query);
  if (!query.cursor) await recordOpen(services, share.id);
  return c.json(sharedAlbumPage.parse(page), 200);
};

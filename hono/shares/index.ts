import { z } from 'zod';
import { errorResponses } from '../errors';
import { createRouter } from '../router';
import { createShareHandler, createShareRoute } from './create-share';
import { getShareHandler, getShareRoute } from './get-share';
import { listSharesHandler, listSharesRoute } from './list-shares';
import { revokeShareHandler, revokeShareRoute } from './revoke-share';
import { serveShareFile } from './share-file';
import { serveShareOriginal } from './share-original';
import { unlockShareHandler, unlockShareRoute } from './unlock-share';

/** /admin/albums/{id}/shares: an admin makes, lists and revokes an album's share links. */
export const albumSharesRoutes = createRouter()
  .openapi(listSharesRoute, listSharesHandler)
  .openapi(createShareRoute, createShareHandler)
  .openapi(revokeShareRoute, revokeShareHandler);

/** /shares/{token}: what a visitor holding a link reads. Never cached: every request checks the link in PostgreSQL. */
const visitor = createRouter();
visitor.use('/shares/*', async (c, next) => {
  await next();
  if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'private, no-store');
});
export const shareRoutes = visitor.openapi(getShareRoute, getShareHandler).openapi(unlockShareRoute, unlockShareHandler);

// Bytes, not JSON: a plain route, described in the document by hand.
shareRoutes.get('/shares/:token/files/*', serveShareFile);
shareRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/shares/{token}/files/{key}',
  tags: ['shares'],
  summary: 'Variant bytes of a photo of the shared album (use the `url` of a variant), while the link is valid and unlocked',
  request: { params: z.object({ token: z.string(), key: z.string() }) },
  responses: { 200: { description: 'image/avif or image/webp; Cache-Control: private, no-cache' }, 304: { description: 'Not modified' }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});

shareRoutes.get('/shares/:token/images/:id/original', serveShareOriginal);
shareRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/shares/{token}/images/{id}/original',
  tags: ['shares'],
  summary: 'The original of a photo of the shared album, as an attachment, only where the album allows downloads, while the link is valid and unlocked',
  request: { params: z.object({ token: z.string(), id: z.string() }) },
  responses: { 200: { description: 'The uploaded file (Content-Disposition: attachment)' }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});

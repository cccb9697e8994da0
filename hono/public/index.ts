import { z } from 'zod';
import { FILES_ROUTE } from '../../server/images';
import { errorResponses } from '../errors';
import { createRouter } from '../router';
import { serveFile } from './files';
import { ORIGINAL_ROUTE, serveOriginal } from './get-original';
import { getPublicAlbumHandler, getPublicAlbumRoute } from './get-public-album';
import { getPublicImageHandler, getPublicImageRoute } from './get-public-image';
import { listPublicAlbumsHandler, listPublicAlbumsRoute } from './list-public-albums';

/** The API consumers' read side: public albums, their images and the variant files, no sign-in. */
export const publicRoutes = createRouter()
  .openapi(listPublicAlbumsRoute, listPublicAlbumsHandler)
  .openapi(getPublicAlbumRoute, getPublicAlbumHandler)
  .openapi(getPublicImageRoute, getPublicImageHandler);

// Bytes, not JSON: a plain route, described in the document by hand.
publicRoutes.get(`${FILES_ROUTE}/*`, serveFile);
publicRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: `${FILES_ROUTE}/{key}`,
  tags: ['public'],
  summary: 'Variant bytes (use the `url` of a variant). ETag and immutable caching for public images.',
  request: { params: z.object({ key: z.string() }) },
  responses: { 200: { description: 'image/avif or image/webp' }, 304: { description: 'Not modified' }, ...errorResponses('NOT_FOUND') },
});

publicRoutes.get(ORIGINAL_ROUTE, serveOriginal);
publicRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/images/{id}/original',
  tags: ['public'],
  summary: 'The original file as an attachment, only where its public album allows downloads',
  request: { params: z.object({ id: z.string() }) },
  responses: { 200: { description: 'The uploaded file (Content-Disposition: attachment)' }, ...errorResponses('NOT_FOUND') },
});

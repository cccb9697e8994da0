import { createRoute, z } from '@hono/zod-openapi';
import { createAlbum, deleteAlbum, getAlbum, listAlbums, updateAlbum } from '../../server/albums';
import { errorResponses } from '../errors';
import { createRouter } from '../router';
import { AlbumIdParams, AlbumSchema, CreateAlbumBody, UpdateAlbumBody } from './schema';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const tags = ['admin: albums'];

const listRoute = createRoute({ method: 'get', path: '/', tags, summary: 'All albums in display order', responses: { 200: { description: 'Albums', ...json(z.object({ items: z.array(AlbumSchema) })) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') } });
const createAlbumRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create an album (private until you publish it)',
  request: { body: { required: true, ...json(CreateAlbumBody) } },
  responses: { 201: { description: 'Created', ...json(AlbumSchema) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED', 'CONFLICT') },
});
const getRoute = createRoute({ method: 'get', path: '/{id}', tags, summary: 'One album', request: { params: AlbumIdParams }, responses: { 200: { description: 'Album', ...json(AlbumSchema) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') } });
const updateRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Edit an album: title, slug, description, visibility, GPS, cover, order',
  request: { params: AlbumIdParams, body: { required: true, ...json(UpdateAlbumBody) } },
  responses: { 200: { description: 'Updated', ...json(AlbumSchema) }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED', 'CONFLICT') },
});
const deleteRoute = createRoute({ method: 'delete', path: '/{id}', tags, summary: 'Delete an album (its images stay in the library)', request: { params: AlbumIdParams }, responses: { 204: { description: 'Deleted' }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND') } });

/** /admin/albums: CRUD with cover and order. */
export const albumsRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json({ items: (await listAlbums(c.get('services'))).map((a) => AlbumSchema.parse(a)) }, 200))
  .openapi(createAlbumRoute, async (c) => c.json(AlbumSchema.parse(await createAlbum(c.get('services'), c.req.valid('json'))), 201))
  .openapi(getRoute, async (c) => c.json(AlbumSchema.parse(await getAlbum(c.get('services'), c.req.valid('param').id)), 200))
  .openapi(updateRoute, async (c) => c.json(AlbumSchema.parse(await updateAlbum(c.get('services'), c.req.valid('param').id, c.req.valid('json'))), 200))
  .openapi(deleteRoute, async (c) => {
    await deleteAlbum(c.get('services'), c.req.valid('param').id);
    return c.body(null, 204);
  });

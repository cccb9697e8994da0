import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { FILES_ROUTE, getPublicAlbum, getPublicImage, listPublicAlbums } from '../../server/images';
import type { AppEnv } from '../env';
import { errorResponses } from '../errors';
import { ImageSchema } from '../images/schema';
import { createRouter } from '../router';
import { serveFile } from './files';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const tags = ['public'];
const Page = z.object({ cursor: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(100).default(24) });

const PublicAlbumSchema = z
  .object({ id: z.string(), slug: z.string(), title: z.string(), description: z.string(), imageCount: z.number().int(), cover: ImageSchema.nullable(), createdAt: z.string() })
  .openapi('PublicAlbum');
const AlbumPageSchema = z
  .object({
    album: PublicAlbumSchema.omit({ cover: true }),
    images: z.object({ items: z.array(ImageSchema), nextCursor: z.string().nullable() }),
  })
  .openapi('PublicAlbumPage');

const albumsRoute = createRoute({
  method: 'get',
  path: '/albums',
  tags,
  summary: 'Public albums in display order, each with a cover image',
  request: { query: Page },
  responses: { 200: { description: 'Albums', ...json(z.object({ items: z.array(PublicAlbumSchema), nextCursor: z.string().nullable() })) }, ...errorResponses('VALIDATION_FAILED') },
});
const albumRoute = createRoute({
  method: 'get',
  path: '/albums/{slug}',
  tags,
  summary: 'A public album and a page of its images, newest first',
  request: { params: z.object({ slug: z.string().min(1).max(80).openapi({ param: { name: 'slug', in: 'path' } }) }), query: Page },
  responses: { 200: { description: 'Album page', ...json(AlbumPageSchema) }, ...errorResponses('NOT_FOUND', 'VALIDATION_FAILED') },
});
const imageRoute = createRoute({
  method: 'get',
  path: '/images/{id}',
  tags,
  summary: 'A public image with its variants (GPS only where the album allows it)',
  request: { params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 200: { description: 'Image', ...json(ImageSchema) }, ...errorResponses('NOT_FOUND') },
});

/**
 * Read-through the shared public cache (key = route + parameters); the response says
 * where it came from in X-Cache-Backend. Every admin write invalidates the namespace.
 */
async function cached<T>(c: Context<AppEnv>, key: (string | number)[], load: () => Promise<T>): Promise<T> {
  const { cache, config } = c.get('services');
  const result = await cache.public.getOrLoad(key, config.publicCacheTtlSeconds, load);
  c.header('X-Cache-Backend', result.backend);
  return result.value;
}

/** The API consumers' read side: only public albums and images. */
export const publicRoutes = createRouter()
  .openapi(albumsRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await cached(c, ['albums', q.cursor ?? '', q.limit], () => listPublicAlbums(c.get('services'), q));
    return c.json({ items: page.items.map((a) => PublicAlbumSchema.parse(a)), nextCursor: page.nextCursor }, 200);
  })
  .openapi(albumRoute, async (c) => {
    const { slug } = c.req.valid('param');
    const q = c.req.valid('query');
    const page = await cached(c, ['album', slug, q.cursor ?? '', q.limit], () => getPublicAlbum(c.get('services'), slug, q));
    return c.json(AlbumPageSchema.parse(page), 200);
  })
  .openapi(imageRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(ImageSchema.parse(await cached(c, ['image', id], () => getPublicImage(c.get('services'), id))), 200);
  });

publicRoutes.get(`${FILES_ROUTE}/*`, serveFile);
publicRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: `${FILES_ROUTE}/{key}`,
  tags,
  summary: 'Variant bytes (use the `url` of a variant). ETag and immutable caching for public images.',
  request: { params: z.object({ key: z.string().openapi({ param: { name: 'key', in: 'path' } }) }) },
  responses: { 200: { description: 'image/avif or image/webp' }, 304: { description: 'Not modified' }, ...errorResponses('NOT_FOUND') },
});

import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { getPublicOriginal } from '../../server/gallery';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

export const ORIGINAL_ROUTE = '/images/:id/original';

/**
 * GET /images/{id}/original: the uploaded file, as an attachment, only where the album is
 * public and allows downloads. Anything else looks missing (404), whoever asks.
 */
export async function serveOriginal(c: Context<AppEnv>) {
  const { db, storage } = c.get('services');
  const original = await getPublicOriginal({ db }, c.req.param('id') ?? '');
  const object = original && (await storage.get(original.key));
  if (!original || !object) return errorJson(c, 'NOT_FOUND', 'Original not found');
  return c.body(Readable.toWeb(object.body) as ReadableStream, 200, {
    'Content-Type': original.mime,
    'Content-Length': String(object.bytes),
    'Content-Disposition': `attachment; filename="${original.fileName}"`,
    // The owner may withdraw the permission at any time: no shared cache keeps a copy.
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
}

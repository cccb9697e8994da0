import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { getPublicOriginal, type PublicOriginal } from '../../server/gallery';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

export const ORIGINAL_ROUTE = '/images/:id/original';

/**
 * GET /images/{id}/original: the uploaded file, as an attachment, only where the album is
 * public and allows downloads. Anything else looks missing (404), whoever asks.
 */
export async function serveOriginal(c: Context<AppEnv>) {
  return sendOriginal(c, await getPublicOriginal(c.get('services'), c.req.param('id') ?? ''));
}

/** The file of an original the caller may hand out, as an attachment; 404 for none. */
export async function sendOriginal(c: Context<AppEnv>, original: PublicOriginal | undefined) {
  const object = original && (await c.get('services').storage.get(original.key));
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

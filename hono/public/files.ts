import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { FILES_PATH, resolveVariantFile } from '../../server/images';
import { assertKey } from '../../server/storage';
import { checkAccess } from '../../server/auth';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

const notFound = (c: Context<AppEnv>) => errorJson(c, 'NOT_FOUND', 'File not found');

/** An active admin's session, or an API key that may read images. */
async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  return (await checkAccess(c.get('services'), c.req.raw.headers, 'admin', 'images.read')).granted;
}

/**
 * GET /files/<key>: only keys of variants (never originals). Public images are served to
 * anyone with immutable caching; others only to admins (and keys with images.read), and look
 * missing to everyone else.
 */
export async function serveFile(c: Context<AppEnv>) {
  const key = c.req.path.slice(c.req.path.indexOf(FILES_PATH) + FILES_PATH.length);
  try {
    assertKey(key);
  } catch {
    return notFound(c);
  }
  const { db } = c.get('services');
  const file = await resolveVariantFile({ db }, key);
  if (!file || (!file.public && !(await isAdmin(c)))) return notFound(c);
  return sendVariant(c, key, file.format, file.public ? 'public, max-age=31536000, immutable' : 'private, max-age=3600');
}

/**
 * The bytes of a stored variant, with an ETag and a 304 for a revalidation. Variant keys never
 * change content (a new develop writes new keys), so the key is the version.
 */
export async function sendVariant(c: Context<AppEnv>, key: string, format: string, cacheControl: string) {
  const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 22)}"`;
  const headers = { ETag: etag, 'Cache-Control': cacheControl, 'Content-Type': `image/${format}`, 'X-Content-Type-Options': 'nosniff' };
  if (c.req.header('if-none-match')?.split(',').some((t) => t.trim() === etag)) return c.body(null, 304, headers);
  const object = await c.get('services').storage.get(key);
  if (!object) return errorJson(c, 'NOT_FOUND', 'File not found');
  return c.body(Readable.toWeb(object.body) as ReadableStream, 200, { ...headers, 'Content-Length': String(object.bytes) });
}

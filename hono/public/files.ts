import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { FILES_PATH, resolveVariantFile } from '../../server/images';
import { assertKey } from '../../server/storage';
import { checkAccess } from '../../server/auth';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

const notFound = (c: Context<AppEnv>) => errorJson(c, 'NOT_FOUND', 'File not found');

async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  return (await checkAccess(c.get('services'), c.req.raw.headers, 'admin')).granted;
}

/**
 * GET /files/<key>: only keys of variants (never originals). Public images are served to
 * anyone with immutable caching; others only to admins, and look missing to everyone else.
 */
export async function serveFile(c: Context<AppEnv>) {
  const key = c.req.path.slice(c.req.path.indexOf(FILES_PATH) + FILES_PATH.length);
  try {
    assertKey(key);
  } catch {
    return notFound(c);
  }
  const { db, storage } = c.get('services');
  const file = await resolveVariantFile({ db }, key);
  if (!file || (!file.public && !(await isAdmin(c)))) return notFound(c);
  // Variant keys never change content (a new develop writes new keys), so the key is the version.
  const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 22)}"`;
  const headers = {
    ETag: etag,
    'Cache-Control': file.public ? 'public, max-age=31536000, immutable' : 'private, max-age=3600',
    'Content-Type': `image/${file.format}`,
    'X-Content-Type-Options': 'nosniff',
  };
  if (c.req.header('if-none-match')?.split(',').some((t) => t.trim() === etag)) return c.body(null, 304, headers);
  const object = await storage.get(key);
  if (!object) return notFound(c);
  return c.body(Readable.toWeb(object.body) as ReadableStream, 200, { ...headers, 'Content-Length': String(object.bytes) });
}

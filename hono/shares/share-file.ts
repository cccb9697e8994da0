import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { assertShareAccess, resolveShare, resolveSharedFile } from '../../server/shares';
import { assertKey } from '../../server/storage';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';
import { sendVariant } from '../public/files';

const FILES = '/files/';

/**
 * GET /shares/<token>/files/<key>: a variant of a photo of the shared album, while the link
 * is valid (and unlocked). `no-cache`: a browser keeps the bytes but asks again each time,
 * so a revocation stops them at the next view.
 */
export async function serveShareFile(c: Context<AppEnv>) {
  const services = c.get('services');
  const token = c.req.param('token') ?? '';
  const share = await resolveShare(services, token);
  assertShareAccess(services.authSecret.value, share, (name) => getCookie(c, name));
  const key = c.req.path.slice(c.req.path.indexOf(FILES, c.req.path.indexOf('/shares/')) + FILES.length);
  const notFound = () => errorJson(c, 'NOT_FOUND', 'File not found');
  try {
    assertKey(key);
  } catch {
    return notFound();
  }
  const file = await resolveSharedFile(services, share, key);
  if (!file) return notFound();
  return sendVariant(c, key, file.format, 'private, no-cache');
}

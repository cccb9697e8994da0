import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { getSharedOriginal } from '../../server/gallery';
import { assertShareAccess, resolveShare } from '../../server/shares';
import type { AppEnv } from '../env';
import { sendOriginal } from '../public/get-original';

/**
 * GET /shares/<token>/images/<id>/original: the original of a photo of the shared album, as an
 * attachment, only where the album allows downloads and while the link is valid (and unlocked).
 */
export async function serveShareOriginal(c: Context<AppEnv>) {
  const services = c.get('services');
  const share = await resolveShare(services, c.req.param('token') ?? '');
  assertShareAccess(services.authSecret.value, share, (name) => getCookie(c, name));
  return sendOriginal(c, await getSharedOriginal(services, share.albumId, c.req.param('id') ?? ''));
}

import type { MiddlewareHandler } from 'hono';
import { CacheBackendUnavailableError } from '../../server/cache';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

const PUBLIC_WRITES = /^\/api\/v1\/admin\/(images|albums|tags|settings)(\/|$)/;

/**
 * After every successful admin write that can change what the public API or the gallery
 * pages show (share revokes live under albums/), drop the public cache on every replica at
 * once. One place, so a new route cannot forget it.
 */
export const invalidatePublic = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  if (c.req.method === 'GET' || c.res.status >= 400 || !PUBLIC_WRITES.test(c.req.path)) return;
  try {
    await c.get('services').invalidatePublic();
  } catch (error) {
    if (!(error instanceof CacheBackendUnavailableError)) throw error;
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'The change was saved, but the public cache could not be cleared because Redis is unreachable; public readers may see the previous version until Redis is back (at most the cache TTL).',
    );
  }
};

import type { Context, MiddlewareHandler } from 'hono';
import { CLIENT_IP_HEADER } from '../../server/auth';
import type { RateLimiter } from '../../server/cache';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

/** The production server overwrites CLIENT_IP_HEADER from the socket; behind Next, the proxy's header. */
export const clientIp = (c: Context<AppEnv>) =>
  c.req.header(CLIENT_IP_HEADER) || c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';

/**
 * 429 past the limit. In strict cache mode with Redis away the limiter throws
 * CacheBackendUnavailableError, which onError answers with 503: never unlimited.
 */
export const rateLimit =
  (pick: (c: Context<AppEnv>) => RateLimiter, key: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const result = await pick(c).consume(key(c));
    if (!result.allowed) {
      c.header('Retry-After', String(result.retryAfterSeconds ?? 60));
      return errorJson(c, 'TOO_MANY_REQUESTS', `Too many requests; try again in ${result.retryAfterSeconds ?? 60} s`);
    }
    if (result.backend === 'local-degraded') c.header('X-Cache-Backend', 'local-degraded');
    await next();
  };

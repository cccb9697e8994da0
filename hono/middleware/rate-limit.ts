import type { Context, MiddlewareHandler } from 'hono';
import { CLIENT_IP_HEADER, UNKNOWN_CLIENT } from '../../server/http/client-ip';
import type { RateLimiter } from '../../server/cache';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';

/**
 * The client address both entry points decide (socket + TRUSTED_PROXIES, or Vercel's header)
 * and set in CLIENT_IP_HEADER over whatever the client sent; X-Forwarded-For is never read here.
 */
export const clientIp = (c: Context<AppEnv>) => c.req.header(CLIENT_IP_HEADER) || UNKNOWN_CLIENT;

/**
 * Counts one request against `key`: the 429 answer past the limit, else undefined. In strict
 * cache mode with Redis away the limiter throws CacheBackendUnavailableError, which onError
 * answers with 503: never unlimited.
 */
export async function refuseOverLimit(c: Context<AppEnv>, limiter: RateLimiter, key: string): Promise<Response | undefined> {
  const result = await limiter.consume(key);
  if (!result.allowed) {
    c.header('Retry-After', String(result.retryAfterSeconds ?? 60));
    return errorJson(c, 'TOO_MANY_REQUESTS', `Too many requests; try again in ${result.retryAfterSeconds ?? 60} s`);
  }
  if (result.backend === 'local-degraded') c.header('X-Cache-Backend', 'local-degraded');
  return undefined;
}

/** 429 past the limit (see refuseOverLimit). */
export const rateLimit =
  (pick: (c: Context<AppEnv>) => RateLimiter, key: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const refused = await refuseOverLimit(c, pick(c), key(c));
    if (refused) return refused;
    await next();
  };

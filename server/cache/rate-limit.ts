import type { RateLimitStore } from '../auth/rate-limit';
import { processMetrics } from '../metrics';
import type { Cache, CacheBackend, CacheKey } from './types';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window reopens when refused; null when allowed. */
  retryAfterSeconds: number | null;
  remaining: number;
  backend: CacheBackend;
}

export interface RateLimiter {
  /** Throws CacheBackendUnavailableError in strict mode while Redis is away (answer 503). */
  consume(key: string | CacheKey): Promise<RateLimitResult>;
}

/**
 * A fixed window shared by every replica through the cache's counters. `name` labels its
 * refusals in darkroom_rate_limit_refusals_total.
 */
export function createRateLimiter(cache: Cache, rule: { name?: string; windowSeconds: number; max: number }): RateLimiter {
  if (!Number.isInteger(rule.max) || rule.max < 1) throw new TypeError('rate limit max must be a positive integer');
  const refused = processMetrics().rateLimitRefusals.labels(rule.name ?? 'unnamed');
  return {
    async consume(key) {
      const parts = typeof key === 'string' ? [key] : key;
      const { count, resetMs, backend } = await cache.increment(parts, rule.windowSeconds);
      const allowed = count <= rule.max;
      if (!allowed) refused.inc();
      return {
        allowed,
        retryAfterSeconds: allowed ? null : Math.max(1, Math.ceil(resetMs / 1000)),
        remaining: Math.max(0, rule.max - count),
        backend,
      };
    },
  };
}

/**
 * better-auth's `rateLimit.customStorage` on the cache, so sign-in limits follow the
 * cache mode (shared in Redis, per-process in local/degraded, 503 in strict outages).
 */
export function authRateLimitStore(cache: Cache): RateLimitStore {
  const refused = processMetrics().rateLimitRefusals.labels('auth');
  return {
    async consume(key, rule) {
      const { count, resetMs } = await cache.increment(['auth', key], rule.window);
      if (count <= rule.max) return { allowed: true, retryAfter: null };
      refused.inc();
      return { allowed: false, retryAfter: Math.max(1, Math.ceil(resetMs / 1000)) };
    },
  };
}

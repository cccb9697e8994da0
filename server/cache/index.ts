/**
 * The cache service (DESIGN.md "Cache (fail-closed)"): one manager per process,
 * `manager.cache(namespace)` for namespaced get/set/delete/invalidateAll/getOrLoad
 * and fixed-window counters, in `strict`, `degraded` or `local` mode; rate limiters
 * (and better-auth's storage adapter) built on those counters.
 */
export { createCacheManager } from './manager';
export { CacheBackendUnavailableError } from './errors';
export { authRateLimitStore, createRateLimiter, type RateLimiter, type RateLimitResult } from './rate-limit';
export { encodeKey, KEY_PREFIX } from './keys';
export type {
  BackendStatus,
  Cache,
  CacheBackend,
  CacheEvent,
  CacheEventName,
  CacheKey,
  CacheManager,
  CacheManagerOptions,
  CacheMode,
  CacheStats,
  Parser,
} from './types';

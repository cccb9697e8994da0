import { UnavailableError } from '../errors';
import type { CacheMode } from './types';

/**
 * The cache cannot do what was asked without Redis. It extends the domain
 * UnavailableError so the HTTP layer answers 503 without knowing about the cache.
 */
export class CacheBackendUnavailableError extends UnavailableError {
  constructor(
    readonly operation: string,
    readonly namespace: string | undefined,
    readonly mode: CacheMode,
    /** Short, credential-free cause (e.g. "connect ECONNREFUSED 10.0.0.5:6379") for logs. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(describe(operation, namespace, mode, detail));
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

function describe(operation: string, namespace: string | undefined, mode: CacheMode, detail: string): string {
  // Runtime messages can reach API clients in the 503 envelope: the cause (hosts, ports)
  // stays in `detail`; the startup message goes to the operator only, so it includes it.
  const cause = operation === 'startup check' ? ` (${detail})` : '';
  const where = `Cache backend Redis is unavailable for ${operation}${namespace ? ` in namespace "${namespace}"` : ''}${cause}.`;
  if (mode === 'strict') {
    return (
      `${where} CACHE_MODE=strict never falls back to a per-process cache. Bring Redis back (REDIS_URL), ` +
      'or set CACHE_MODE=degraded to fall back to a per-process cache, or CACHE_MODE=local for a single instance.'
    );
  }
  return `${where} Invalidation must reach Redis, or other replicas would keep serving stale values; retry once Redis is back.`;
}

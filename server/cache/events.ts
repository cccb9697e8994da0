import type { Logger } from '../log';
import { redactUrl } from '../redis';
import type { CacheEvent, CacheEventName, CacheMode } from './types';

const MAX_DETAIL = 200;

/** Short error text for logs and events: URLs lose their credentials, the password never appears. */
export function errorDetail(error: unknown, redisUrl?: string): string {
  let text = error instanceof Error ? error.message : String(error);
  text = text.replace(/rediss?:\/\/\S+/g, (url) => redactUrl(url));
  const password = redisUrl ? passwordOf(redisUrl) : '';
  if (password) text = text.split(password).join('***');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

export interface Reporter {
  down(namespace: string | null, error: unknown, atStartup: boolean): void;
  up(namespace: string | null): void;
}

/**
 * Degraded mode: one security event per transition, as a JSON log line and to onEvent.
 * Strict mode: a plain log line per transition (operations fail closed, nothing to flag).
 */
export function createReporter(options: {
  mode: CacheMode;
  log: Logger;
  redisUrl?: string;
  onEvent?: (event: CacheEvent) => void;
}): Reporter {
  const { mode, log, onEvent } = options;
  const emit = (name: CacheEventName, namespace: string | null, detail: string) => {
    const event: CacheEvent = { event: name, backend: 'redis', mode, namespace, detail, timestamp: new Date().toISOString() };
    const message =
      name === 'BACKEND_RECOVERED'
        ? 'cache backend recovered: serving from Redis again, local fallback cleared'
        : 'cache backend unavailable: serving from a per-process cache (X-Cache-Backend: local-degraded)';
    if (name === 'BACKEND_RECOVERED') log.info({ securityEvent: true, ...event }, message);
    else log.warn({ securityEvent: true, ...event }, message);
    try {
      onEvent?.(event);
    } catch (error) {
      log.error({ err: errorDetail(error) }, 'cache onEvent callback threw');
    }
  };
  return {
    down(namespace, error, atStartup) {
      const detail = errorDetail(error, options.redisUrl);
      if (mode === 'degraded') emit(atStartup ? 'BACKEND_UNAVAILABLE_AT_STARTUP' : 'BACKEND_UNAVAILABLE_AT_RUNTIME', namespace, detail);
      else log.error({ backend: 'redis', mode, namespace, detail }, 'cache backend unavailable: cache operations fail until Redis is back');
    },
    up(namespace) {
      if (mode === 'degraded') emit('BACKEND_RECOVERED', namespace, 'redis answered again');
      else log.info({ backend: 'redis', mode, namespace }, 'cache backend recovered');
    },
  };
}

import type { Redis } from 'ioredis';
import type { Logger } from '../log';

export type { Redis };

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/**
 * The fleet's Redis client. No offline queue: while Redis is away commands fail at once
 * instead of piling up, so callers fall back to PostgreSQL immediately. It keeps
 * reconnecting in the background; `onReady` runs on every (re)connect (reseed hook).
 */
export async function connectRedis(
  url: string,
  log: Logger,
  options: { required: boolean; connectTimeoutMs?: number; onReady?: () => void },
): Promise<Redis> {
  // Loaded with the first connection: a replica without REDIS_URL never loads ioredis.
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) log.warn({ err: error.message }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis connection restored');
    down = false;
    options.onReady?.();
  });
  try {
    await redis.connect();
  } catch (error) {
    if (options.required) {
      redis.disconnect();
      throw new RedisUnavailableError(`Redis at ${redactUrl(url)} is unreachable: ${(error as Error).message}`);
    }
    log.warn({ err: (error as Error).message }, 'Redis is unreachable at startup; continuing on PostgreSQL and retrying in the background');
  }
  return redis;
}

/** Drops credentials so a URL can appear in a message or a log line. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.username) u.username = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '../log';
import { TEST_REDIS_URL } from '../testing/env';
import { createCacheManager } from './manager';
import type { CacheEvent, CacheManager, CacheManagerOptions } from './types';

/** A namespace no other test (or run) uses, so tests can share the Redis on 6379. */
export function uniqueNamespace(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

/** A pino logger whose JSON lines the test can read back. */
export function captureLog() {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  return { log, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Manager plus what it reported; a fake clock lets tests step over the cooldown without sleeping. */
export function testManager(options: Partial<CacheManagerOptions> & Pick<CacheManagerOptions, 'mode'>) {
  const events: CacheEvent[] = [];
  const captured = captureLog();
  let clock = Date.now();
  const manager: CacheManager = createCacheManager({
    redisUrl: TEST_REDIS_URL,
    log: captured.log,
    now: () => clock,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { manager, events, logRecords: captured.records, advance: (ms: number) => (clock += ms) };
}

/** A plain client on the shared Redis, for writing garbage and cleaning up a test's own keys. */
export function directRedis(url = TEST_REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
}

export async function deleteNamespaceKeys(redis: Redis, namespaces: string[]): Promise<void> {
  for (const namespace of namespaces) {
    const keys = await redis.keys(`darkroom:cache:${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
}

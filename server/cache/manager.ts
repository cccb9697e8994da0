import { toMs } from './codec';
import { CacheBackendUnavailableError } from './errors';
import { createReporter, errorDetail } from './events';
import { assertNamespace, namespaceKeys } from './keys';
import { LocalStore } from './local-store';
import { NamespaceCache } from './namespace-cache';
import { RedisDownError, RedisLink } from './redis-link';
import type { Cache, CacheManager, CacheManagerOptions } from './types';

const DEFAULTS = { cooldownMs: 5000, localMaxEntries: 5000, localMaxChars: 128 * 1024 * 1024, connectTimeoutMs: 1000, commandTimeoutMs: 1000 };

/**
 * One manager per process: it owns the Redis client (strict, degraded) and the
 * process-local store (local mode, degraded fallback) that every namespace shares.
 */
export function createCacheManager(options: CacheManagerOptions): CacheManager {
  const { mode, redisUrl, log } = options;
  if (mode !== 'local' && !redisUrl) throw new TypeError(`CACHE_MODE=${mode} needs REDIS_URL; use CACHE_MODE=local without Redis`);
  const now = options.now ?? Date.now;
  const local = new LocalStore(options.localMaxEntries ?? DEFAULTS.localMaxEntries, now, options.localMaxChars ?? DEFAULTS.localMaxChars);
  const degradedTtlMs = options.degradedTtlSeconds === undefined ? undefined : toMs(options.degradedTtlSeconds, 'degradedTtlSeconds');
  const reporter = createReporter({ mode, log, redisUrl, onEvent: options.onEvent });
  let starting = false;
  const link =
    mode === 'local' || !redisUrl
      ? undefined
      : new RedisLink({
          url: redisUrl,
          log,
          now,
          cooldownMs: options.cooldownMs ?? DEFAULTS.cooldownMs,
          connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
          commandTimeoutMs: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
          onDown: (context, error) => reporter.down(context.namespace, error, starting),
          onRecover: async (client) => {
            const names = options.flushOnRecovery ?? [];
            if (names.length) await Promise.all(names.map((ns) => client.incr(namespaceKeys(ns).generation)));
          },
          onUp: (context) => {
            // Whatever the fallback kept during the outage may be stale now.
            local.clear();
            reporter.up(context.namespace);
          },
        });
  // Synchronous lookup-or-create: concurrent first uses cannot build two instances.
  const caches = new Map<string, NamespaceCache>();

  return {
    mode,
    async init() {
      if (!link) return;
      starting = true;
      try {
        await link.exec({ operation: 'startup check', namespace: null }, (client) => client.ping());
      } catch (error) {
        if (!(error instanceof RedisDownError)) throw error;
        if (mode === 'strict') {
          throw new CacheBackendUnavailableError('startup check', undefined, mode, errorDetail(error, redisUrl), { cause: error });
        }
      } finally {
        starting = false;
      }
    },
    cache(namespace: string): Cache {
      const existing = caches.get(namespace);
      if (existing) return existing;
      assertNamespace(namespace);
      const created = new NamespaceCache({ namespace, mode, keys: namespaceKeys(namespace), local, link, redisUrl, degradedTtlMs });
      caches.set(namespace, created);
      return created;
    },
    stats() {
      return [...caches.values()].map((cache) => cache.stats());
    },
    backendStatus() {
      return { mode, redisDown: link?.down ?? false, redisClientsCreated: link?.clientsCreated ?? 0 };
    },
    async close() {
      await link?.close();
      local.clear();
    },
  };
}

import type { Logger } from '../log';

export type CacheMode = 'strict' | 'degraded' | 'local';
/** Where a value came from; `local-degraded` is the fallback the HTTP layer must flag. */
export type CacheBackend = 'redis' | 'local' | 'local-degraded';
export type CacheKey = readonly (string | number)[];

export type CacheEventName = 'BACKEND_UNAVAILABLE_AT_STARTUP' | 'BACKEND_UNAVAILABLE_AT_RUNTIME' | 'BACKEND_RECOVERED';

/** A structured security event, emitted once per real transition of the backend. */
export interface CacheEvent {
  event: CacheEventName;
  backend: 'redis';
  mode: CacheMode;
  /** The namespace whose operation noticed the transition; null for the startup check. */
  namespace: string | null;
  detail: string;
  timestamp: string;
}

/** A zod schema (anything with `parse`) or a plain function that throws on bad input. */
export type Parser<T> = ((value: unknown) => T) | { parse(value: unknown): T };

export interface CacheStats {
  namespace: string;
  mode: CacheMode;
  /** What this namespace serves from right now. */
  backend: 'redis' | 'local';
  degraded: boolean;
  hits: number;
  misses: number;
  payloadErrors: number;
}

export interface Cache {
  readonly namespace: string;
  get<T>(key: CacheKey, options?: { parse?: Parser<T> }): Promise<{ value: T | undefined; backend: CacheBackend }>;
  /** Stores a JSON-serialisable value; `undefined` cannot be stored (it means "miss"). */
  set<T>(key: CacheKey, value: T, ttlSeconds: number): Promise<{ backend: CacheBackend }>;
  /** Invalidation: throws CacheBackendUnavailableError whenever Redis (and so the other replicas) cannot be reached. */
  delete(key: CacheKey): Promise<void>;
  /** Drops every value of the namespace on every replica at once (a generation counter in Redis). */
  invalidateAll(): Promise<void>;
  /** Read-through: with Redis away in strict mode, answers from load() without caching (`backend: 'none'`). */
  getOrLoad<T>(
    key: CacheKey,
    ttlSeconds: number,
    load: () => Promise<T>,
    options?: { parse?: Parser<T> },
  ): Promise<{ value: T; backend: CacheBackend | 'none'; hit: boolean }>;
  /**
   * getOrLoad for a value a response sends as JSON: a hit is the stored text as it is, never
   * parsed and re-serialised; a miss stores and returns what load() gives, serialised once.
   */
  getOrLoadJson(key: CacheKey, ttlSeconds: number, load: () => Promise<unknown>): Promise<{ json: string; backend: CacheBackend | 'none'; hit: boolean }>;
  /** Fixed-window counter: the count after this hit and the ms left in the window. Strict + Redis away throws. */
  increment(key: CacheKey, windowSeconds: number): Promise<{ count: number; resetMs: number; backend: CacheBackend }>;
  stats(): CacheStats;
}

export interface CacheManagerOptions {
  mode: CacheMode;
  /** Required unless mode is `local`. */
  redisUrl?: string;
  log: Logger;
  onEvent?: (event: CacheEvent) => void;
  /** How long a dead Redis client is left alone before one fresh attempt (default 5000). */
  cooldownMs?: number;
  /** Entries kept by the process-local store (default 5000). */
  localMaxEntries?: number;
  /** Total JSON characters of the values the process-local store keeps (default 128 Mi: ~128 MB, as V8 keeps ASCII one byte a character); least recently used go first. */
  localMaxChars?: number;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /**
   * Namespaces invalidated when Redis comes back after this process saw it down: an
   * invalidation made elsewhere during the outage may never have reached Redis.
   */
  flushOnRecovery?: readonly string[];
  /**
   * Longest a value stored by the degraded fallback lives (default: its own TTL). Invalidations
   * cannot reach other replicas while Redis is away, so this bounds how stale they can be.
   */
  degradedTtlSeconds?: number;
  /** Clock for TTLs, windows and cooldowns; tests pass a fake one. */
  now?: () => number;
}

export interface BackendStatus {
  mode: CacheMode;
  /** True while Redis is considered away (strict: operations throw; degraded: local fallback). */
  redisDown: boolean;
  /** Redis clients created so far: each one is one connection attempt. */
  redisClientsCreated: number;
}

export interface CacheManager {
  readonly mode: CacheMode;
  /** Startup check: strict rejects when Redis is away; degraded falls back and reports it. */
  init(): Promise<void>;
  /** The one Cache of a namespace (same object on every call). */
  cache(namespace: string): Cache;
  stats(): CacheStats[];
  backendStatus(): BackendStatus;
  close(): Promise<void>;
}

import { LRUCache } from 'lru-cache';

interface Counter {
  count: number;
  resetAt: number;
}

/**
 * The process-local store (local mode, and the degraded fallback). Values are kept as
 * JSON text, so every read hands out a fresh copy and a caller can never mutate the
 * cache; it also makes local and Redis return exactly the same shapes.
 */
export class LocalStore {
  private readonly values: LRUCache<string, string>;
  private readonly counters: LRUCache<string, Counter>;
  /**
   * Moves on at every invalidation, so a load that started before one is not cached.
   * One counter for all namespaces: at worst another namespace skips caching one value.
   */
  private version = 0;

  constructor(
    maxEntries: number,
    private readonly now: () => number,
    maxChars = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('localMaxEntries must be a positive integer');
    if (!(maxChars >= 1)) throw new TypeError('localMaxChars must be at least 1');
    // ttlResolution 0: read the injected clock on every access, so fake clocks work exactly.
    const options = { max: maxEntries, ttlResolution: 0, perf: { now } };
    // Whole gallery pages are values too: a size bound keeps 5000 of them from filling memory.
    const sized = Number.isFinite(maxChars) ? { maxSize: maxChars, sizeCalculation: (json: string) => Math.max(1, json.length) } : {};
    this.values = new LRUCache<string, string>({ ...options, ...sized });
    this.counters = new LRUCache<string, Counter>(options);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  set(key: string, json: string, ttlMs: number): void {
    this.values.set(key, json, { ttl: ttlMs });
  }

  delete(key: string): void {
    this.version += 1;
    this.values.delete(key);
  }

  generation(): number {
    return this.version;
  }

  /** Drops a namespace's values (never its counters) and moves its generation on. */
  clearPrefix(prefix: string): void {
    this.version += 1;
    for (const key of [...this.values.keys()]) if (key.startsWith(prefix)) this.values.delete(key);
  }

  /** Everything goes: entries kept during an outage may be stale once Redis is back. */
  clear(): void {
    this.version += 1;
    this.values.clear();
    this.counters.clear();
  }

  increment(key: string, windowMs: number): { count: number; resetMs: number } {
    const now = this.now();
    const current = this.counters.get(key);
    if (!current || current.resetAt <= now) {
      this.counters.set(key, { count: 1, resetAt: now + windowMs }, { ttl: windowMs });
      return { count: 1, resetMs: windowMs };
    }
    current.count += 1;
    return { count: current.count, resetMs: current.resetAt - now };
  }

  get size(): number {
    return this.values.size;
  }
}

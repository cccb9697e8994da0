import type { Redis } from 'ioredis';
import { processMetrics } from '../metrics';
import { applyParser, decodeValue, encodeValue, toMs } from './codec';
import { CacheBackendUnavailableError } from './errors';
import { errorDetail } from './events';
import type { NamespaceKeys } from './keys';
import type { LocalStore } from './local-store';
import { RedisDownError, type RedisLink } from './redis-link';
import { bumpGeneration, incrementCounter, readValue, writeValue } from './redis-ops';
import type { Cache, CacheBackend, CacheKey, CacheMode, CacheStats, Parser } from './types';

export interface NamespaceCacheDeps {
  namespace: string;
  mode: CacheMode;
  keys: NamespaceKeys;
  local: LocalStore;
  /** Absent in local mode. */
  link: RedisLink | undefined;
  redisUrl: string | undefined;
  /** Cap on the TTL of what the degraded fallback stores (CacheManagerOptions.degradedTtlSeconds). */
  degradedTtlMs: number | undefined;
}

/** The generation a read saw, so a slow load is not cached over a newer invalidation. */
type Token = { kind: 'redis'; generation: string } | { kind: 'local'; generation: number };
type LocalBackend = Exclude<CacheBackend, 'redis'>;
interface Found {
  json: string | undefined;
  malformed: boolean;
  backend: CacheBackend;
  token: Token;
}
interface ReadResult<T> {
  value: T | undefined;
  backend: CacheBackend;
  token: Token;
}

export class NamespaceCache implements Cache {
  readonly namespace: string;
  private hits = 0;
  private misses = 0;
  private payloadErrors = 0;
  /** Bound once per namespace: counting costs no label lookup per operation. */
  private readonly counted;

  constructor(private readonly deps: NamespaceCacheDeps) {
    this.namespace = deps.namespace;
    const m = processMetrics();
    this.counted = {
      hit: m.cacheHits.labels(deps.namespace),
      miss: m.cacheMisses.labels(deps.namespace),
      backendError: m.cacheErrors.labels(deps.namespace, 'backend'),
      payloadError: m.cacheErrors.labels(deps.namespace, 'payload'),
    };
  }

  private payloadError(): void {
    this.payloadErrors += 1;
    this.counted.payloadError.inc();
  }

  async get<T>(key: CacheKey, options?: { parse?: Parser<T> }) {
    const { value, backend } = await this.read(key, options?.parse);
    return { value, backend };
  }

  async set<T>(key: CacheKey, value: T, ttlSeconds: number) {
    return this.write(key, encodeValue(value), toMs(ttlSeconds, 'ttlSeconds'), undefined);
  }

  async delete(key: CacheKey): Promise<void> {
    const valueKey = this.deps.keys.value(key);
    this.deps.local.delete(valueKey);
    await this.route('delete', true, (c) => c.del(valueKey), () => undefined);
  }

  async invalidateAll(): Promise<void> {
    const { keys, local } = this.deps;
    local.clearPrefix(keys.base);
    await this.route('invalidateAll', true, (c) => bumpGeneration(c, keys.generation), () => undefined);
  }

  async getOrLoad<T>(key: CacheKey, ttlSeconds: number, load: () => Promise<T>, options?: { parse?: Parser<T> }) {
    return this.readThrough<T>(key, ttlSeconds, { parse: options?.parse }, async () => normalize(await load(), options?.parse));
  }

  async getOrLoadJson(key: CacheKey, ttlSeconds: number, load: () => Promise<unknown>) {
    const { value: json, backend, hit } = await this.readThrough<string>(key, ttlSeconds, { raw: true }, async () => {
      const text = encodeValue(await load());
      return { value: text, json: text };
    });
    return { json, backend, hit };
  }

  /** Read, else load and write back under the generation the read saw; `raw` reads the stored text as it is. */
  private async readThrough<T>(
    key: CacheKey,
    ttlSeconds: number,
    reading: { parse?: Parser<T>; raw?: boolean },
    load: () => Promise<{ value: T; json: string | undefined }>,
  ) {
    const ttlMs = toMs(ttlSeconds, 'ttlSeconds');
    let read: ReadResult<T>;
    try {
      read = await this.read(key, reading.parse, reading.raw);
    } catch (error) {
      if (!(error instanceof CacheBackendUnavailableError)) throw error;
      return { value: (await load()).value, backend: 'none' as const, hit: false };
    }
    if (read.value !== undefined) return { value: read.value, backend: read.backend, hit: true };
    const loaded = await load();
    if (loaded.json === undefined) return { value: loaded.value, backend: read.backend, hit: false };
    try {
      const { backend } = await this.write(key, loaded.json, ttlMs, read.token);
      return { value: loaded.value, backend, hit: false };
    } catch (error) {
      // Strict mode lost Redis between read and write: the caller still gets its answer.
      if (!(error instanceof CacheBackendUnavailableError)) throw error;
      return { value: loaded.value, backend: 'none' as const, hit: false };
    }
  }

  async increment(key: CacheKey, windowSeconds: number) {
    const counterKey = this.deps.keys.counter(key);
    const windowMs = toMs(windowSeconds, 'windowSeconds');
    return this.route<{ count: number; resetMs: number; backend: CacheBackend }>(
      'increment',
      false,
      async (c) => {
        const { count, resetMs, repaired } = await incrementCounter(c, counterKey, windowMs);
        if (repaired) this.payloadError();
        return { count, resetMs, backend: 'redis' };
      },
      (backend) => ({ ...this.deps.local.increment(counterKey, windowMs), backend }),
    );
  }

  stats(): CacheStats {
    const { namespace, mode, link } = this.deps;
    const degraded = mode === 'degraded' && (link?.down ?? false);
    const backend = mode === 'local' || degraded ? 'local' : 'redis';
    return { namespace, mode, backend, degraded, hits: this.hits, misses: this.misses, payloadErrors: this.payloadErrors };
  }

  private async read<T>(key: CacheKey, parse: Parser<T> | undefined, raw = false): Promise<ReadResult<T>> {
    const { keys, local } = this.deps;
    const valueKey = keys.value(key);
    const found = await this.route(
      'get',
      false,
      async (c): Promise<Found> => {
        const { generation, json, malformed } = await readValue(c, keys.generation, valueKey);
        return { json, malformed, backend: 'redis', token: { kind: 'redis', generation } };
      },
      (backend): Found => ({ json: local.get(valueKey), malformed: false, backend, token: { kind: 'local', generation: local.generation() } }),
    );
    // Raw: only ever written by encodeValue, so the text goes out as it is, not parsed and re-serialised.
    const decoded = found.json === undefined ? undefined : raw ? { ok: true as const, value: found.json as T } : decodeValue(found.json, parse);
    if (found.malformed || decoded?.ok === false) {
      this.payloadError();
      await this.dropBadValue(valueKey, found.backend);
    }
    if (decoded?.ok) {
      this.hits += 1;
      this.counted.hit.inc();
      return { value: decoded.value, backend: found.backend, token: found.token };
    }
    this.misses += 1;
    this.counted.miss.inc();
    return { value: undefined, backend: found.backend, token: found.token };
  }

  private async write(key: CacheKey, json: string, ttlMs: number, token: Token | undefined): Promise<{ backend: CacheBackend }> {
    const { keys, local } = this.deps;
    const valueKey = keys.value(key);
    return this.route<{ backend: CacheBackend }>(
      'set',
      false,
      async (c) => {
        const expected = token?.kind === 'redis' ? token.generation : undefined;
        await writeValue(c, { generation: keys.generation, value: valueKey }, json, ttlMs, expected);
        return { backend: 'redis' };
      },
      (backend) => {
        const cap = backend === 'local-degraded' ? this.deps.degradedTtlMs : undefined;
        if (token?.kind !== 'local' || token.generation === local.generation()) local.set(valueKey, json, cap === undefined ? ttlMs : Math.min(ttlMs, cap));
        return { backend };
      },
    );
  }

  /** Removed so it is not parsed again; if Redis fails right now, the next read finds out. */
  private async dropBadValue(valueKey: string, backend: CacheBackend): Promise<void> {
    if (backend !== 'redis') return this.deps.local.delete(valueKey);
    await this.route('delete', false, (c) => c.del(valueKey), () => undefined).catch(() => undefined);
  }

  /**
   * Runs an operation on Redis, or on the local store: always in local mode, and in
   * degraded mode while Redis is away, except for invalidations, which must reach
   * every replica. Strict mode never falls back.
   */
  private async route<R>(
    operation: string,
    invalidation: boolean,
    viaRedis: (client: Redis) => Promise<R>,
    viaLocal: (backend: LocalBackend) => R,
  ): Promise<R> {
    const { mode, link, namespace } = this.deps;
    if (mode === 'local' || !link) return viaLocal('local');
    try {
      return await link.exec({ operation, namespace }, viaRedis);
    } catch (error) {
      if (!(error instanceof RedisDownError)) throw error;
      this.counted.backendError.inc();
      if (mode === 'strict' || invalidation) {
        throw new CacheBackendUnavailableError(operation, namespace, mode, errorDetail(error, this.deps.redisUrl), { cause: error });
      }
      return viaLocal('local-degraded');
    }
  }
}

/** What a caller gets back on a miss has the same shape as a later hit. */
function normalize<T>(loaded: T, parse: Parser<T> | undefined): { value: T; json: string | undefined } {
  if (loaded === undefined) return { value: loaded, json: undefined };
  const json = encodeValue(loaded);
  return { value: applyParser(JSON.parse(json), parse), json };
}

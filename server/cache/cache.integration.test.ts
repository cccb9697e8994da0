import { afterEach, describe, expect, it } from 'vitest';
import { freePort, type PrivateRedis, startPrivateRedis } from '../testing/redis';
import { authRateLimitStore, CacheBackendUnavailableError, createRateLimiter } from '.';
import type { CacheManager } from './types';
import { testManager } from './test-support';

// The mode matrix against a redis-server of each test's own, killed to make outages.
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
async function privateRedis(): Promise<PrivateRedis> {
  const redis = await startPrivateRedis();
  cleanup.push(() => redis.kill());
  return redis;
}
function track<T extends { manager: CacheManager }>(made: T): T {
  cleanup.push(() => made.manager.close());
  return made;
}
async function deadUrl(): Promise<string> {
  return `redis://:hunter2-secret@127.0.0.1:${await freePort()}`;
}

describe('strict mode', () => {
  it('refuses to start without Redis, naming the operation and the other modes', async () => {
    const { manager, events } = track(testManager({ mode: 'strict', redisUrl: await deadUrl() }));
    const error = await manager.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheBackendUnavailableError);
    const { message, operation, mode } = error as CacheBackendUnavailableError;
    expect({ operation, mode }).toEqual({ operation: 'startup check', mode: 'strict' });
    expect(message).toContain('startup check');
    expect(message).toContain('CACHE_MODE=degraded to fall back to a per-process cache');
    expect(message).toContain('CACHE_MODE=local for a single instance');
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain('hunter2');
    expect(events).toEqual([]);
  });

  it('throws on every operation when Redis goes away, except read-through which loads uncached', async () => {
    const redis = await privateRedis();
    const { manager, events } = track(testManager({ mode: 'strict', redisUrl: redis.url }));
    await manager.init();
    const cache = manager.cache('public');
    await cache.set(['album', 1], { title: 'x' }, 60);
    expect(await cache.get(['album', 1])).toEqual({ value: { title: 'x' }, backend: 'redis' });
    await redis.kill();

    const error = await cache.get(['album', 1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheBackendUnavailableError);
    expect(error).toMatchObject({ operation: 'get', namespace: 'public', mode: 'strict' });
    expect((error as Error).message).toMatch(/get in namespace "public".*CACHE_MODE=degraded.*CACHE_MODE=local/);
    expect((error as Error).message).not.toContain('127.0.0.1'); // may reach API clients; the cause stays in .detail
    expect((error as CacheBackendUnavailableError).detail).toMatch(/ECONNREFUSED|Connection is closed|write/);
    await expect(cache.set(['album', 1], 1, 60)).rejects.toThrow(CacheBackendUnavailableError);
    await expect(cache.delete(['album', 1])).rejects.toThrow(CacheBackendUnavailableError);
    await expect(cache.invalidateAll()).rejects.toThrow(CacheBackendUnavailableError);
    await expect(cache.increment(['ip', '1'], 60)).rejects.toThrow(CacheBackendUnavailableError);
    await expect(createRateLimiter(cache, { windowSeconds: 60, max: 5 }).consume('ip')).rejects.toThrow(CacheBackendUnavailableError);
    await expect(authRateLimitStore(cache).consume('ip', { window: 60, max: 5 })).rejects.toThrow(CacheBackendUnavailableError);

    let loads = 0;
    const load = async () => ({ title: `from db ${++loads}` });
    expect(await cache.getOrLoad(['album', 1], 60, load)).toEqual({ value: { title: 'from db 1' }, backend: 'none', hit: false });
    expect(await cache.getOrLoad(['album', 1], 60, load)).toEqual({ value: { title: 'from db 2' }, backend: 'none', hit: false });
    expect(cache.stats()).toMatchObject({ mode: 'strict', backend: 'redis', degraded: false });
    expect(manager.backendStatus().redisDown).toBe(true);
    expect(events).toEqual([]); // strict mode fails closed; there is nothing degraded to report
  });

  it('leaves Redis alone during the cooldown, then tries one fresh client and serves again', async () => {
    const redis = await privateRedis();
    const { manager, advance } = track(testManager({ mode: 'strict', redisUrl: redis.url, cooldownMs: 5000 }));
    await manager.init();
    const cache = manager.cache('public');
    await redis.kill();
    await expect(cache.get(['k'])).rejects.toThrow(CacheBackendUnavailableError);
    const created = manager.backendStatus().redisClientsCreated;
    for (let i = 0; i < 20; i++) await expect(cache.get(['k'])).rejects.toMatchObject({ detail: expect.stringMatching(/^in cooldown after/) });
    expect(manager.backendStatus().redisClientsCreated).toBe(created);

    await redis.restart();
    advance(4999);
    await expect(cache.get(['k'])).rejects.toMatchObject({ detail: expect.stringMatching(/^in cooldown after/) });
    advance(1);
    expect(await cache.get(['k'])).toEqual({ value: undefined, backend: 'redis' });
    expect(manager.backendStatus()).toMatchObject({ redisDown: false, redisClientsCreated: created + 1 });
  });
});

describe('degraded mode', () => {
  it('starts without Redis: one AT_STARTUP event, then serves local-degraded', async () => {
    const { manager, events, logRecords } = track(testManager({ mode: 'degraded', redisUrl: await deadUrl() }));
    await manager.init();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ event: 'BACKEND_UNAVAILABLE_AT_STARTUP', backend: 'redis', mode: 'degraded', namespace: null });
    expect(new Date(event?.timestamp ?? '').toISOString()).toBe(event?.timestamp);
    expect(event?.detail).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(logRecords())).not.toContain('hunter2');
    const logged = logRecords().filter((r) => r.event === 'BACKEND_UNAVAILABLE_AT_STARTUP');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 40, backend: 'redis', mode: 'degraded', detail: event?.detail });

    const cache = manager.cache('public');
    expect(await cache.set(['k'], 'v', 60)).toEqual({ backend: 'local-degraded' });
    expect(await cache.get(['k'])).toEqual({ value: 'v', backend: 'local-degraded' });
    expect(await cache.increment(['ip'], 60)).toMatchObject({ count: 1, backend: 'local-degraded' });
    expect(cache.stats()).toMatchObject({ backend: 'local', degraded: true });
    expect(events).toHaveLength(1);
  });

  it('degradedTtlSeconds: a value the fallback stores lives at most that long; without it, its own TTL', async () => {
    for (const degradedTtlSeconds of [1, undefined]) {
      const { manager, advance } = track(testManager({ mode: 'degraded', redisUrl: await deadUrl(), cooldownMs: 60_000, degradedTtlSeconds }));
      await manager.init();
      const cache = manager.cache('public');
      let loads = 0;
      const load = async () => ++loads;
      expect(await cache.getOrLoad(['page'], 60, load)).toEqual({ value: 1, backend: 'local-degraded', hit: false });
      await cache.set(['set'], 'x', 60);
      advance(900);
      expect(await cache.getOrLoad(['page'], 60, load)).toEqual({ value: 1, backend: 'local-degraded', hit: true });
      advance(200);
      const later = await cache.getOrLoad(['page'], 60, load);
      const setLater = await cache.get(['set']);
      if (degradedTtlSeconds === 1) {
        expect(later).toEqual({ value: 2, backend: 'local-degraded', hit: false });
        expect(setLater.value).toBeUndefined();
      } else {
        expect(later).toEqual({ value: 1, backend: 'local-degraded', hit: true });
        expect(setLater.value).toBe('x');
      }
    }
  });

  it('loses Redis at runtime: exactly one event, values tagged local-degraded, invalidation throws', async () => {
    const redis = await privateRedis();
    const { manager, events } = track(testManager({ mode: 'degraded', redisUrl: redis.url }));
    await manager.init();
    const [a, b] = [manager.cache('public'), manager.cache('admin')];
    expect(await a.set(['k'], 'in redis', 60)).toEqual({ backend: 'redis' });
    await redis.kill();

    const results = await Promise.all(Array.from({ length: 10 }, () => a.get(['k'])));
    expect(results.every((r) => r.backend === 'local-degraded' && r.value === undefined)).toBe(true);
    for (let i = 0; i < 10; i++) {
      expect(await b.set(['n', i], i, 60)).toEqual({ backend: 'local-degraded' });
      expect(await b.getOrLoad(['m', i], 60, async () => i)).toEqual({ value: i, backend: 'local-degraded', hit: false });
      expect((await a.increment(['ip'], 60)).backend).toBe('local-degraded');
    }
    expect(await b.get(['n', 3])).toEqual({ value: 3, backend: 'local-degraded' });
    await expect(a.invalidateAll()).rejects.toThrow(/Invalidation must reach Redis/);
    await expect(a.delete(['k'])).rejects.toThrow(CacheBackendUnavailableError);

    expect(events.map((e) => e.event)).toEqual(['BACKEND_UNAVAILABLE_AT_RUNTIME']);
    expect(events[0]).toMatchObject({ backend: 'redis', mode: 'degraded', namespace: 'public' });
    expect(manager.stats().every((s) => s.degraded && s.backend === 'local')).toBe(true);
  });

  it('recovers after the cooldown: one BACKEND_RECOVERED, values from Redis again, fallback cleared', async () => {
    const redis = await privateRedis();
    const { manager, events, advance } = track(testManager({ mode: 'degraded', redisUrl: redis.url, cooldownMs: 5000 }));
    await manager.init();
    const cache = manager.cache('public');
    await redis.kill();
    expect(await cache.set(['k'], 'kept during outage', 60)).toEqual({ backend: 'local-degraded' });
    const created = manager.backendStatus().redisClientsCreated;
    for (let i = 0; i < 10; i++) expect((await cache.get(['k'])).backend).toBe('local-degraded');
    expect(manager.backendStatus().redisClientsCreated).toBe(created); // nothing touched Redis in the cooldown

    await redis.restart();
    advance(5000);
    expect(await cache.get(['k'])).toEqual({ value: undefined, backend: 'redis' }); // local copy is gone
    expect(await cache.set(['k'], 'fresh', 60)).toEqual({ backend: 'redis' });
    for (let i = 0; i < 5; i++) expect(await cache.get(['k'])).toEqual({ value: 'fresh', backend: 'redis' });
    expect(events.map((e) => e.event)).toEqual(['BACKEND_UNAVAILABLE_AT_RUNTIME', 'BACKEND_RECOVERED']);
    expect(events[1]).toMatchObject({ backend: 'redis', mode: 'degraded', namespace: 'public' });
    expect(manager.backendStatus()).toMatchObject({ redisDown: false, redisClientsCreated: created + 1 });
    expect(cache.stats()).toMatchObject({ backend: 'redis', degraded: false });

    // The next outage starts from an empty fallback, not from what the last one kept.
    await redis.kill();
    expect(await cache.get(['k'])).toEqual({ value: undefined, backend: 'local-degraded' });
    expect(events.map((e) => e.event)).toEqual(['BACKEND_UNAVAILABLE_AT_RUNTIME', 'BACKEND_RECOVERED', 'BACKEND_UNAVAILABLE_AT_RUNTIME']);
  });

  it('stays down without a new event when the retry after the cooldown fails too', async () => {
    const redis = await privateRedis();
    const { manager, events, advance } = track(testManager({ mode: 'degraded', redisUrl: redis.url, cooldownMs: 5000 }));
    await manager.init();
    const cache = manager.cache('public');
    await redis.kill();
    await cache.get(['k']);
    const created = manager.backendStatus().redisClientsCreated;
    advance(5000);
    expect((await cache.get(['k'])).backend).toBe('local-degraded');
    expect(manager.backendStatus().redisClientsCreated).toBe(created + 1);
    expect(events.map((e) => e.event)).toEqual(['BACKEND_UNAVAILABLE_AT_RUNTIME']);
  });
});

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRateLimiter } from '.';
import { namespaceKeys } from './keys';
import type { CacheManager } from './types';
import { deleteNamespaceKeys, directRedis, testManager, uniqueNamespace } from './test-support';

// Behaviour on a healthy shared Redis (6379): each test uses namespaces of its own.
const redis = directRedis();
const used: string[] = [];
const managers: CacheManager[] = [];
function ns(label: string): string {
  const namespace = uniqueNamespace(label);
  used.push(namespace);
  return namespace;
}
function replica(mode: 'strict' | 'degraded' = 'strict') {
  const made = testManager({ mode });
  managers.push(made.manager);
  return made;
}
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  await deleteNamespaceKeys(redis, used.splice(0));
});
afterAll(() => redis.quit());

describe('payload errors are not outages', () => {
  it('treats a value that is not JSON as a miss, deletes it, and keeps Redis healthy', async () => {
    const { manager, events } = replica('degraded');
    await manager.init();
    const namespace = ns('payload');
    const cache = manager.cache(namespace);
    const keys = namespaceKeys(namespace);
    await redis.set(keys.value(['a']), '0|{not json');
    await redis.set(keys.value(['b']), 'untagged garbage');
    expect(await cache.get(['a'])).toEqual({ value: undefined, backend: 'redis' });
    expect(await cache.get(['b'])).toEqual({ value: undefined, backend: 'redis' });
    expect(await redis.exists(keys.value(['a']), keys.value(['b']))).toBe(0);
    expect(cache.stats()).toMatchObject({ payloadErrors: 2, misses: 2, degraded: false, backend: 'redis' });
    expect(events).toEqual([]);
    expect(manager.backendStatus()).toEqual({ mode: 'degraded', redisDown: false, redisClientsCreated: 1 });
    expect(await cache.getOrLoad(['a'], 60, async () => 'reloaded')).toEqual({ value: 'reloaded', backend: 'redis', hit: false });
    expect(await cache.get(['a'])).toEqual({ value: 'reloaded', backend: 'redis' });
  });

  it('treats a value the caller parser rejects as a miss', async () => {
    const { manager, events } = replica('degraded');
    const cache = manager.cache(ns('parse'));
    const album = z.object({ title: z.string() });
    await cache.set(['x'], { title: 42 }, 60);
    expect((await cache.get(['x'], { parse: album })).value).toBeUndefined();
    expect((await cache.get(['x'])).value).toBeUndefined();
    await cache.set(['x'], { title: 'ok' }, 60);
    expect((await cache.get(['x'], { parse: album })).value).toEqual({ title: 'ok' });
    expect(cache.stats().payloadErrors).toBe(1);
    expect(events).toEqual([]);
  });

  it('repairs a counter that is not a number', async () => {
    const { manager } = replica();
    const namespace = ns('counter');
    await redis.set(namespaceKeys(namespace).counter(['ip']), 'garbage');
    expect(await manager.cache(namespace).increment(['ip'], 60)).toMatchObject({ count: 1, backend: 'redis' });
    expect(manager.backendStatus().redisDown).toBe(false);
  });
});

describe('across replicas', () => {
  it('invalidateAll on one replica is seen by another at once', async () => {
    const [one, two] = [replica().manager, replica().manager];
    const namespace = ns('inv');
    const [a, b] = [one.cache(namespace), two.cache(namespace)];
    await a.set(['album', 1], 'v1', 600);
    await a.set(['album', 2], 'v2', 600);
    expect(await b.get(['album', 1])).toEqual({ value: 'v1', backend: 'redis' });
    await a.invalidateAll();
    expect((await b.get(['album', 1])).value).toBeUndefined();
    expect((await b.get(['album', 2])).value).toBeUndefined();
    await b.set(['album', 1], 'v1b', 600);
    expect((await a.get(['album', 1])).value).toBe('v1b');
    await b.delete(['album', 1]);
    expect((await a.get(['album', 1])).value).toBeUndefined();
  });

  it('does not cache a load that another replica invalidation overtook', async () => {
    const [one, two] = [replica().manager, replica().manager];
    const namespace = ns('race');
    const result = await one.cache(namespace).getOrLoad(['k'], 600, async () => {
      await two.cache(namespace).invalidateAll();
      return 'stale';
    });
    expect(result).toEqual({ value: 'stale', backend: 'redis', hit: false });
    expect((await two.cache(namespace).get(['k'])).value).toBeUndefined();
    expect(await one.cache(namespace).getOrLoad(['k'], 600, async () => 'fresh')).toMatchObject({ value: 'fresh', hit: false });
    expect(await two.cache(namespace).getOrLoad(['k'], 600, async () => 'unused')).toEqual({ value: 'fresh', backend: 'redis', hit: true });
  });

  it('shares rate-limit counters', async () => {
    const [one, two] = [replica().manager, replica().manager];
    const namespace = ns('limits');
    const limiters = [one, two].map((m) => createRateLimiter(m.cache(namespace), { windowSeconds: 60, max: 3 }));
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await (limiters[i % 2] ?? limiters[0])?.consume(['ip', '10.0.0.1']));
    expect(results.map((r) => r?.allowed)).toEqual([true, true, true, false]);
    expect(results[3]).toMatchObject({ backend: 'redis', remaining: 0 });
    expect(results[3]?.retryAfterSeconds).toBeGreaterThan(58);
    const counted = await two.cache(namespace).increment(['ip', '10.0.0.1'], 60);
    expect(counted.count).toBe(5);
    expect(counted.resetMs).toBeLessThanOrEqual(60_000);
  });
});

describe('on Redis', () => {
  it('copies values in and out', async () => {
    const { manager } = replica();
    const cache = manager.cache(ns('copy'));
    const value = { tags: ['a'] };
    await cache.set(['k'], value, 60);
    value.tags.push('in');
    const got = await cache.get<typeof value>(['k']);
    got.value?.tags.push('out');
    expect((await cache.get(['k'])).value).toEqual({ tags: ['a'] });
  });

  it('keeps namespaces apart for the same key, and sets the TTL', async () => {
    const { manager } = replica();
    const [x, y] = [ns('x'), ns('y')];
    await manager.cache(x).set(['album', 'a:b'], 'x', 5);
    await manager.cache(y).set(['album', 'a:b'], 'y', 5);
    await manager.cache(x).set(['album:a', 'b'], 'x2', 5);
    expect((await manager.cache(x).get(['album', 'a:b'])).value).toBe('x');
    expect((await manager.cache(y).get(['album', 'a:b'])).value).toBe('y');
    expect((await manager.cache(x).get(['album:a', 'b'])).value).toBe('x2');
    const ttl = await redis.pttl(namespaceKeys(x).value(['album', 'a:b']));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it('builds one instance and one client under concurrent first use', async () => {
    const { manager } = replica();
    const namespace = ns('concurrent');
    const caches = await Promise.all(Array.from({ length: 50 }, async () => manager.cache(namespace)));
    expect(new Set(caches).size).toBe(1);
    const reads = await Promise.all(caches.map((c, i) => c.get(['k', i])));
    expect(reads.every((r) => r.backend === 'redis')).toBe(true);
    expect(manager.backendStatus().redisClientsCreated).toBe(1);
    expect(manager.stats()).toEqual([expect.objectContaining({ namespace, misses: 50, hits: 0 })]);
  });
});

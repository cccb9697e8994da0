import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { createCacheManager, encodeKey } from '.';
import { assertNamespace, namespaceKeys } from './keys';

const log = createLogger({ level: 'silent' });

function localManager(options: { localMaxEntries?: number; localMaxChars?: number } = {}) {
  let clock = 1_000_000;
  const manager = createCacheManager({ mode: 'local', log, now: () => clock, ...options });
  return { manager, advance: (ms: number) => (clock += ms) };
}

describe('keys', () => {
  it('encodes parts unambiguously', () => {
    expect(encodeKey(['album', 'a:b'])).not.toBe(encodeKey(['album:a', 'b']));
    expect(encodeKey(['a', ''])).not.toBe(encodeKey(['a']));
    expect(encodeKey(['a', '', 'b'])).not.toBe(encodeKey(['a:', 'b']));
    expect(encodeKey(['img', 5])).not.toBe(encodeKey(['img', '5']));
    expect(encodeKey(['x', '#5'])).not.toBe(encodeKey(['x', 5]));
    expect(encodeKey(['a%3Ab'])).not.toBe(encodeKey(['a:b']));
  });

  it('rejects empty keys and non-finite numbers', () => {
    expect(() => encodeKey([])).toThrow(/at least one part/);
    expect(() => encodeKey(['a', Number.NaN])).toThrow(/finite/);
    expect(() => encodeKey([Number.POSITIVE_INFINITY])).toThrow(/finite/);
  });

  it('prefixes every key with darkroom:cache:<namespace>:', () => {
    const keys = namespaceKeys('public');
    expect(keys.value(['album', 1])).toBe('darkroom:cache:public:v:album:#1');
    expect(keys.generation).toBe('darkroom:cache:public:gen');
    expect(keys.counter(['ip', '::1'])).toBe('darkroom:cache:public:c:ip:%3A%3A1');
  });

  it('accepts only strict namespace names', () => {
    for (const ok of ['public', 'admin-2', 'tenant_7', '0abc']) expect(() => assertNamespace(ok)).not.toThrow();
    for (const bad of ['', 'a:b', 'Public', 'a b', '../x', '-a', 'a*', 'x'.repeat(65), 'public:v']) {
      expect(() => assertNamespace(bad), bad).toThrow(/invalid cache namespace/);
    }
    const { manager } = localManager();
    expect(() => manager.cache('public:v')).toThrow(/invalid cache namespace/);
  });
});

describe('local mode', () => {
  it('gets, sets and expires values after their TTL', async () => {
    const { manager, advance } = localManager();
    const cache = manager.cache('public');
    expect(await cache.get(['a'])).toEqual({ value: undefined, backend: 'local' });
    expect(await cache.set(['a'], { n: 1 }, 2)).toEqual({ backend: 'local' });
    expect(await cache.get(['a'])).toEqual({ value: { n: 1 }, backend: 'local' });
    advance(1999);
    expect((await cache.get(['a'])).value).toEqual({ n: 1 });
    advance(2);
    expect((await cache.get(['a'])).value).toBeUndefined();
  });

  it('copies values in and out, so callers cannot mutate the cache', async () => {
    const { manager } = localManager();
    const cache = manager.cache('public');
    const original = { tags: ['a'], nested: { n: 1 } };
    await cache.set(['k'], original, 60);
    original.tags.push('mutated-in');
    const first = await cache.get<typeof original>(['k']);
    first.value?.tags.push('mutated-out');
    if (first.value) first.value.nested.n = 99;
    expect((await cache.get(['k'])).value).toEqual({ tags: ['a'], nested: { n: 1 } });
  });

  it('returns the same JSON shape on hit and miss (a Date becomes a string, as from Redis)', async () => {
    const { manager } = localManager();
    const cache = manager.cache('public');
    const at = new Date('2024-01-02T03:04:05.000Z');
    const miss = await cache.getOrLoad(['d'], 60, async () => ({ at }));
    const hit = await cache.getOrLoad(['d'], 60, async () => ({ at }));
    expect(miss).toEqual({ value: { at: at.toISOString() }, backend: 'local', hit: false });
    expect(hit).toEqual({ value: { at: at.toISOString() }, backend: 'local', hit: true });
    await expect(cache.set(['u'], undefined, 60)).rejects.toThrow(/undefined cannot be cached/);
  });

  it('getOrLoadJson: the text is serialised once on a miss and comes back as the same text on a hit, after invalidation loaded again', async () => {
    const { manager } = localManager();
    const cache = manager.cache('public');
    let loads = 0;
    const load = async () => ({ n: ++loads, at: new Date('2024-01-02T03:04:05.000Z') });
    const miss = await cache.getOrLoadJson(['j'], 60, load);
    expect(miss).toEqual({ json: '{"n":1,"at":"2024-01-02T03:04:05.000Z"}', backend: 'local', hit: false });
    expect(await cache.getOrLoadJson(['j'], 60, load)).toEqual({ ...miss, hit: true });
    // The same entry seen through getOrLoad: one store, two views of it.
    expect((await cache.getOrLoad(['j'], 60, load)).value).toEqual({ n: 1, at: '2024-01-02T03:04:05.000Z' });
    await cache.invalidateAll();
    expect(await cache.getOrLoadJson(['j'], 60, load)).toEqual({ json: '{"n":2,"at":"2024-01-02T03:04:05.000Z"}', backend: 'local', hit: false });
    await expect(cache.getOrLoadJson(['u'], 60, async () => undefined)).rejects.toThrow(/undefined cannot be cached/);
  });

  it('evicts the least recently used entry at max entries', async () => {
    const { manager } = localManager({ localMaxEntries: 3 });
    const cache = manager.cache('public');
    for (const k of ['a', 'b', 'c']) await cache.set([k], k, 60);
    await cache.get(['a']); // a is now the most recently used
    await cache.set(['d'], 'd', 60);
    expect((await cache.get(['b'])).value).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect((await cache.get([k])).value).toBe(k);
  });

  it('evicts the least recently used values past localMaxChars, and never keeps one bigger than that', async () => {
    const { manager } = localManager({ localMaxChars: 100 });
    const cache = manager.cache('public');
    const value = (c: string) => c.repeat(38); // 40 characters of JSON
    for (const k of ['a', 'b']) await cache.set([k], value(k), 60);
    await cache.get(['a']);
    await cache.set(['c'], value('c'), 60);
    expect((await cache.get(['b'])).value).toBeUndefined();
    for (const k of ['a', 'c']) expect((await cache.get([k])).value).toBe(value(k));
    await cache.set(['huge'], 'x'.repeat(200), 60);
    expect((await cache.get(['huge'])).value).toBeUndefined();
    expect((await cache.get(['a'])).value).toBe(value('a'));
  });

  it('gives one instance per namespace, even under concurrent first use', async () => {
    const { manager } = localManager();
    const many = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i % 3));
      return manager.cache('public');
    }));
    expect(new Set(many).size).toBe(1);
    expect(manager.cache('admin')).not.toBe(many[0]);
    expect(manager.stats().map((s) => s.namespace).sort()).toEqual(['admin', 'public']);
  });

  it('counts hits, misses and payload errors in stats', async () => {
    const { manager } = localManager();
    const cache = manager.cache('public');
    await cache.get(['x']);
    await cache.set(['x'], 1, 60);
    await cache.get(['x']);
    await cache.get(['x']);
    const rejectAll = (): number => {
      throw new Error('schema says no');
    };
    expect((await cache.get(['x'], { parse: rejectAll })).value).toBeUndefined();
    expect((await cache.get(['x'])).value).toBeUndefined(); // the bad entry was dropped
    expect(cache.stats()).toEqual({ namespace: 'public', mode: 'local', backend: 'local', degraded: false, hits: 2, misses: 3, payloadErrors: 1 });
    expect(manager.backendStatus()).toEqual({ mode: 'local', redisDown: false, redisClientsCreated: 0 });
  });

  it('keeps namespaces apart and invalidates one namespace only', async () => {
    const { manager } = localManager();
    const [a, b] = [manager.cache('a'), manager.cache('b')];
    await a.set(['k'], 'from a', 60);
    await b.set(['k'], 'from b', 60);
    expect((await b.get(['k'])).value).toBe('from b');
    await a.invalidateAll();
    expect((await a.get(['k'])).value).toBeUndefined();
    expect((await b.get(['k'])).value).toBe('from b');
    await b.delete(['k']);
    expect((await b.get(['k'])).value).toBeUndefined();
  });

  it('does not cache a load that an invalidation overtook', async () => {
    const { manager } = localManager();
    const cache = manager.cache('public');
    const result = await cache.getOrLoad(['k'], 60, async () => {
      await cache.invalidateAll();
      return 'stale';
    });
    expect(result).toEqual({ value: 'stale', backend: 'local', hit: false });
    expect((await cache.get(['k'])).value).toBeUndefined();
  });

  it('counts fixed windows', async () => {
    const { manager, advance } = localManager();
    const cache = manager.cache('limits');
    expect(await cache.increment(['ip', '1.2.3.4'], 10)).toEqual({ count: 1, resetMs: 10_000, backend: 'local' });
    advance(4000);
    expect(await cache.increment(['ip', '1.2.3.4'], 10)).toEqual({ count: 2, resetMs: 6000, backend: 'local' });
    await cache.invalidateAll(); // never resets a rate limit
    advance(5999);
    expect((await cache.increment(['ip', '1.2.3.4'], 10)).count).toBe(3);
    advance(1);
    expect(await cache.increment(['ip', '1.2.3.4'], 10)).toEqual({ count: 1, resetMs: 10_000, backend: 'local' });
  });

  it('refuses Redis modes without a URL and bad TTLs', async () => {
    expect(() => createCacheManager({ mode: 'strict', log })).toThrow(/needs REDIS_URL/);
    const { manager } = localManager();
    await expect(manager.cache('public').set(['k'], 1, 0)).rejects.toThrow(/positive number of seconds/);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { createCacheManager, createRateLimiter } from '../cache';
import { createLogger } from '../log';
import { captureLogs } from '../testing/processes';
import { Scrape } from '../testing/metrics';
import { freePort } from '../testing/redis';
import { renderMetrics, setMetricSources } from '.';

const scrape = async () => new Scrape((await renderMetrics()).body);

describe('cache and rate-limit counters, and the gauges read at scrape time', () => {
  const managers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const manager of managers) await manager.close();
  });

  it('a degraded cache whose Redis is away counts backend errors, misses and hits, and reports the backend down', async () => {
    // Nothing listens on this port: every Redis operation is refused at once.
    const manager = createCacheManager({ mode: 'degraded', redisUrl: `redis://127.0.0.1:${await freePort()}`, log: createLogger({ level: 'silent' }) });
    managers.push(manager);
    await manager.init();
    setMetricSources({
      queue: async () => ({ byStatus: { queued: 2, running: 1 }, oldestQueuedSeconds: 42.5 }),
      fleet: async () => ({ online: 3, drained: 1, freeSlots: 4 }),
      cacheBackend: () => manager.backendStatus(),
      log: createLogger({ level: 'silent' }),
    });
    const before = await scrape();
    const cache = manager.cache('metrics-test');
    expect((await cache.get(['k'])).value).toBeUndefined();
    await cache.set(['k'], 'v', 60);
    expect((await cache.get(['k'])).value).toBe('v');
    const limiter = createRateLimiter(manager.cache('metrics-limits'), { name: 'test_limiter', windowSeconds: 60, max: 1 });
    expect((await limiter.consume('me')).allowed).toBe(true);
    expect((await limiter.consume('me')).allowed).toBe(false);
    expect((await limiter.consume('me')).allowed).toBe(false);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('darkroom_cache_misses_total', { namespace: 'metrics-test' })).toBe(1);
    expect(delta('darkroom_cache_hits_total', { namespace: 'metrics-test' })).toBe(1);
    // get, set, get: each found Redis away and fell back to the local store.
    expect(delta('darkroom_cache_errors_total', { namespace: 'metrics-test', kind: 'backend' })).toBe(3);
    expect(delta('darkroom_rate_limit_refusals_total', { limiter: 'test_limiter' })).toBe(2);
    expect(after.value('darkroom_cache_backend_up', { mode: 'degraded' })).toBe(0);
    expect(after.value('darkroom_queue_jobs', { status: 'queued' })).toBe(2);
    expect(after.value('darkroom_queue_jobs', { status: 'succeeded' })).toBe(0);
    expect(after.value('darkroom_queue_oldest_queued_age_seconds')).toBe(42.5);
    expect([after.value('darkroom_workers_online'), after.value('darkroom_workers_drained'), after.value('darkroom_worker_free_slots')]).toEqual([3, 1, 4]);
  });

  it('a source that fails shows no stale value (labelled gauges left out, others NaN), says why in the log, and the rest is served', async () => {
    const captured = captureLogs('warn');
    setMetricSources({
      queue: async () => {
        throw new Error('database unreachable');
      },
      fleet: async () => ({ online: 1, drained: 0, freeSlots: 2 }),
      cacheBackend: () => ({ mode: 'local', redisDown: false }),
      log: captured.log,
    });
    const s = await scrape();
    expect(s.samples('darkroom_queue_jobs')).toEqual([]);
    // prom-client writes NaN as "Nan"; Prometheus reads NaN case-insensitively.
    expect(s.samples('darkroom_queue_oldest_queued_age_seconds').map((m) => m.value?.toLowerCase())).toEqual(['nan']);
    expect(s.value('darkroom_worker_free_slots')).toBe(2);
    expect(s.samples('darkroom_cache_backend_up')).toEqual([]);
    expect(captured.text()).toContain('metrics: could not read the queue');
  });
});

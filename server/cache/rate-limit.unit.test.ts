import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { authRateLimitStore, createCacheManager, createRateLimiter } from '.';
import { errorDetail } from './events';

const log = createLogger({ level: 'silent' });

describe('rate limiter on the local cache', () => {
  it('allows max hits per window, then tells when to retry', async () => {
    let clock = 0;
    const cache = createCacheManager({ mode: 'local', log, now: () => clock }).cache('limits');
    const limiter = createRateLimiter(cache, { windowSeconds: 60, max: 2 });
    expect(await limiter.consume('ip:1')).toEqual({ allowed: true, retryAfterSeconds: null, remaining: 1, backend: 'local' });
    expect((await limiter.consume('ip:1')).allowed).toBe(true);
    clock += 30_500;
    expect(await limiter.consume('ip:1')).toEqual({ allowed: false, retryAfterSeconds: 30, remaining: 0, backend: 'local' });
    expect((await limiter.consume('ip:2')).allowed).toBe(true);
    clock += 29_500;
    expect((await limiter.consume('ip:1')).allowed).toBe(true);
  });

  it('implements better-auth custom storage', async () => {
    const cache = createCacheManager({ mode: 'local', log, now: () => 0 }).cache('limits');
    const store = authRateLimitStore(cache);
    const rule = { window: 60, max: 1 };
    expect(await store.consume('1.2.3.4|/sign-in/email', rule)).toEqual({ allowed: true, retryAfter: null });
    expect(await store.consume('1.2.3.4|/sign-in/email', rule)).toEqual({ allowed: false, retryAfter: 60 });
  });
});

describe('event detail', () => {
  it('never carries credentials', () => {
    const url = 'redis://user:s3cr%40t@redis.internal:6379/0';
    const detail = errorDetail(new Error(`cannot reach ${url}; auth s3cr@t failed`), url);
    expect(detail).not.toContain('s3cr');
    expect(detail).toContain('redis.internal');
    expect(errorDetail(new Error('x'.repeat(500))).length).toBeLessThanOrEqual(201);
  });
});

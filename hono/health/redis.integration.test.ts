import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../server/testing/redis';
import { createTestServices } from '../../server/testing/services';
import { TEST_REDIS_URL } from '../../server/testing/env';
import { createTestClient } from '../testing/client';

describe('Redis in strict cache mode (private redis-server)', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(() => redis.kill());

  it('ready follows Redis: 200 while up, 503 once it is killed', async () => {
    const t = await createTestClient('postgres', { REDIS_URL: redis.url, CACHE_MODE: 'strict' });
    try {
      expect(await (await t.api('/ready')).json()).toMatchObject({ checks: { database: 'postgres', redis: 'ok' } });
      await redis.kill();
      const res = await t.api('/ready');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Redis');
    } finally {
      await t.close();
      await redis.restart();
    }
  });

  it('refuses to start when Redis is unreachable at startup', async () => {
    await redis.kill();
    try {
      await expect(createTestServices('pglite', { REDIS_URL: redis.url, CACHE_MODE: 'strict' })).rejects.toThrow(/Redis is unavailable for startup check .*CACHE_MODE=degraded .*CACHE_MODE=local/);
    } finally {
      await redis.restart();
    }
  });
});

describe('sign-in rate limit shared through Redis', () => {
  it('counts attempts made on two replicas against one limit', async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, AUTH_SIGN_IN_LIMIT_PER_MINUTE: '3' };
    const [a, b] = await Promise.all([createTestClient('postgres', env), createTestClient('pglite', env)]);
    // A fresh address per run, so counters left by an earlier run cannot interfere.
    const ip = `198.18.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
    const attempt = (t: typeof a) => t.auth('/sign-in/email', { ip, json: { email: 'x@example.com', password: 'wrong-password' } });
    try {
      const statuses = [(await attempt(a)).status, (await attempt(b)).status, (await attempt(a)).status, (await attempt(b)).status];
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

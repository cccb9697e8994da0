import { Redis as RedisClient } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../server/availability';
import { until } from '../../server/testing/processes';
import { type PrivateRedis, startPrivateRedis } from '../../server/testing/redis';
import { createTestClient, type TestClient } from '../testing/client';

interface WorkerJson {
  id: string;
  isOnline: boolean;
  isDrained: boolean;
  running: number;
}

describe('admin workers API on PostgreSQL + the Redis mirror (private redis-server)', () => {
  let redisServer: PrivateRedis;
  let direct: RedisClient;
  let t: TestClient;
  let cookie: string;
  let workerId: string;

  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    direct = new RedisClient(redisServer.url);
    direct.on('error', () => {}); // refused while the test's own outage lasts
    t = await createTestClient('postgres', { REDIS_URL: redisServer.url, CACHE_MODE: 'degraded', PREPROCESS_CONCURRENCY: '2', PREPROCESS_TICKER_ENABLED: 'false' });
    ({ cookie } = await t.owner());
    await t.services.fleet.seed();
    await t.services.fleet.register();
    workerId = t.services.workerId;
  });
  afterAll(async () => {
    await t.close();
    direct.disconnect();
    await redisServer.kill();
  });

  const post = (action: 'drain' | 'undrain') => t.api(`/admin/workers/${workerId}/${action}`, { method: 'POST', cookie });
  const available = async () => ((await (await t.api('/status')).json()) as { workersAvailable: number }).workersAvailable;
  const list = async () => ((await (await t.api('/admin/workers', { cookie })).json()) as { items: WorkerJson[] }).items;

  it('drain reaches the drained set and the /status snapshot at once; undrain takes it back', async () => {
    expect(await available()).toBe(1);
    expect(await direct.exists(keys.SNAPSHOT)).toBe(1);

    expect((await post('drain')).status).toBe(200);
    expect(await direct.sismember(keys.DRAINED, workerId)).toBe(1);
    // The shared snapshot was dropped by the drain, so no replica serves the old answer for 10 s.
    expect(await available()).toBe(0);

    expect((await post('undrain')).status).toBe(200);
    expect(await direct.sismember(keys.DRAINED, workerId)).toBe(0);
    expect(await available()).toBe(1);
  });

  it('shows running from the mirror, and the PostgreSQL truth with Redis killed', async () => {
    const { queue, db } = t.services;
    await queue.enqueue(db, { kind: 'workers-test', subjectId: 'photo-1' });
    expect(await queue.claim(1)).toHaveLength(1);
    await until('the capacity mirror', async () => (await direct.get(keys.capacityKey(workerId))) === '1');
    expect((await list()).find((w) => w.id === workerId)).toMatchObject({ running: 1, isDrained: false });

    await redisServer.kill();
    await until('the fleet client to notice the outage', () => t.services.redis?.status !== 'ready');
    // Drain is a PostgreSQL write first: it succeeds with the mirror away.
    const res = await post('drain');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: workerId, isDrained: true, running: 1 });
    expect((await list()).find((w) => w.id === workerId)).toMatchObject({ isOnline: true, isDrained: true, running: 1 });
    expect(await t.services.fleet.isDrained()).toBe(true);
  });
});

import { Redis as RedisClient } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AvailabilityStatus, Fleet, keys } from '../../server/availability';
import { createLogger } from '../../server/log';
import { until } from '../../server/testing/processes';
import { type PrivateRedis, startPrivateRedis } from '../../server/testing/redis';
import { createTestClient, type TestClient } from '../testing/client';

const KIND = 'status-test';
const CONCURRENCY = 3;

type Status = AvailabilityStatus;

async function status(t: TestClient): Promise<Status> {
  const res = await t.api('/status');
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as Status;
}

describe('GET /status with Redis (two replicas on one database, a private redis-server)', () => {
  let redisServer: PrivateRedis;
  let direct: RedisClient;
  let a: TestClient;
  let b: TestClient;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    direct = new RedisClient(redisServer.url);
    direct.on('error', () => {}); // refused while the test's own outage lasts
    const env = { REDIS_URL: redisServer.url, CACHE_MODE: 'degraded', PREPROCESS_CONCURRENCY: String(CONCURRENCY), PREPROCESS_TICKER_ENABLED: 'false' };
    a = await createTestClient('postgres', env);
    clients.unshift(a);
    // Both replicas are created before either registers: the replica guard would rightly count
    // the first one as another live worker against this test config (no DATABASE_URL, local storage).
    b = await createTestClient('postgres', env, { databaseUrl: a.services.databaseUrl });
    clients.unshift(b);

    // The fleet: replica a (running 2 of 3), replica b (idle), and a drained peer with 5 slots.
    // Startup seeds the mirror before registering (server/boot/background.ts); so does this test.
    await a.services.fleet.seed();
    await a.services.fleet.register();
    await b.services.fleet.register();
    const { db, redis, config } = a.services;
    const peer = new Fleet({ db, redis, log: createLogger({ level: 'silent' }), self: { id: 'peer-drained', hostname: 'peer', version: 'test', concurrency: 5 }, timing: config.fleet });
    await peer.register();
    await peer.setDrained('peer-drained', true);

    const { queue } = a.services;
    for (let i = 0; i < 6; i++) await queue.enqueue(db, { kind: KIND, subjectId: `photo-${i}` });
    const [doomed] = await queue.claim(1);
    if (!doomed) throw new Error('nothing claimed');
    // No handler for this kind: a permanent failure.
    expect(await queue.run(doomed)).toBe('failed');
    expect(await queue.claim(2)).toHaveLength(2);
    await until('replica a to mirror its capacity', async () => (await direct.get(keys.capacityKey(a.services.workerId))) === '2');
    await direct.del(keys.SNAPSHOT);
  });

  afterAll(async () => {
    // The replica that joined first, then the one that owns (and drops) the database.
    for (const t of clients) await t.close();
    direct.disconnect();
    await redisServer.kill();
  });

  const expected = {
    workersOnline: 3,
    workersAvailable: 2,
    freeSlots: CONCURRENCY - 2 + CONCURRENCY,
    queue: { queued: 3, running: 2, failed: 1 },
  };

  it('answers the documented shape from the shared snapshot; both replicas read the same one', async () => {
    const fromA = await status(a);
    expect(fromA).toEqual({ ...expected, source: 'redis', generatedAt: expect.any(String) });
    expect(Number.isNaN(Date.parse(fromA.generatedAt))).toBe(false);
    const ttl = await direct.ttl(keys.SNAPSHOT);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(keys.SNAPSHOT_TTL_SECONDS);

    // The other replica serves that very snapshot, even after the truth moved on (within the TTL).
    await b.services.queue.enqueue(b.services.db, { kind: KIND, subjectId: 'photo-late' });
    expect(await status(b)).toEqual(fromA);
    expect(await status(a)).toEqual(fromA);

    // Expired (or invalidated): the next reader builds a new one.
    await direct.del(keys.SNAPSHOT);
    const rebuilt = await status(b);
    expect(rebuilt).toEqual({ ...expected, queue: { ...expected.queue, queued: 4 }, source: 'redis', generatedAt: expect.any(String) });
    expect(rebuilt.generatedAt).not.toBe(fromA.generatedAt);
    expect(await status(a)).toEqual(rebuilt);
  });

  it('an emptied Redis (restarted, flushed) is not read as "no workers": PostgreSQL answers until the reseed', async () => {
    await direct.flushall();
    const truth = { ...expected, queue: { ...expected.queue, queued: 4 }, generatedAt: expect.any(String) };
    expect(await status(a)).toEqual({ ...truth, source: 'postgres' });
    expect(await direct.exists(keys.SNAPSHOT)).toBe(0);

    await b.services.fleet.seed();
    expect(await status(a)).toEqual({ ...truth, source: 'redis' });
    expect(await status(b)).toEqual({ ...truth, source: 'redis' });
  });

  it('with Redis killed: source postgres, with truthful counts', async () => {
    const fleetClients = [a, b].map((t) => t.services.redis);
    await redisServer.kill();
    await until('the replicas to notice the outage', () => fleetClients.every((r) => r?.status !== 'ready'));

    const truth = { ...expected, queue: { ...expected.queue, queued: 4 }, source: 'postgres', generatedAt: expect.any(String) };
    expect(await status(a)).toEqual(truth);
    expect(await status(b)).toEqual(truth);
  });
});

describe('GET /status without Redis', () => {
  let t: TestClient;
  beforeAll(async () => {
    t = await createTestClient('pglite', { PREPROCESS_CONCURRENCY: '2' });
  });
  afterAll(() => t.close());

  it('runs on PostgreSQL alone', async () => {
    expect(await status(t)).toEqual({ workersOnline: 0, workersAvailable: 0, freeSlots: 0, queue: { queued: 0, running: 0, failed: 0 }, source: 'postgres', generatedAt: expect.any(String) });
  });

  it('counts this worker once it has registered', async () => {
    await t.services.fleet.register();
    await t.services.queue.enqueue(t.services.db, { kind: KIND, subjectId: 'photo-1' });
    // The PostgreSQL answer is memoised for a moment per process; poll rather than sleep.
    const seen = await until('the registered worker in /status', async () => {
      const s = await status(t);
      return s.workersOnline === 1 ? s : undefined;
    });
    expect(seen).toMatchObject({ workersOnline: 1, workersAvailable: 1, freeSlots: 2, queue: { queued: 1, running: 0, failed: 0 }, source: 'postgres' });
  });
});

import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { countRunning } from '../queue';
import { startBackground } from '../boot';
import { captureLogs, until } from '../testing/processes';
import { createTestServices } from '../testing/services';
import { createStatusReader, keys } from '.';
import { ago, bringRedisBack, db, direct, fleetRedis, insertJob, insertWorker, jobRow, killRedis, KIND, makeFleet, makeQueue, members, probeBeforeMulti, redisServer, restartRedis, setUpFleetHarness, silent, workerRow, workers } from './fleet.harness';

// The mirror itself: seed, write-through, reads with their PostgreSQL fallback, capacity, reseed.
setUpFleetHarness();

describe('seed: the mirror rebuilt from PostgreSQL', () => {
  it('sets online, drained and capacity from the truth, drops what PostgreSQL does not know, keeps live heartbeats (NX)', async () => {
    await insertWorker({ id: 'w-online', concurrency: 4 });
    await insertWorker({ id: 'w-online-drained', drained: true });
    await insertWorker({ id: 'w-offline', online: false });
    await insertWorker({ id: 'w-offline-drained', online: false, drained: true });
    await insertJob('running', 'w-online');
    await insertJob('running', 'w-online');
    await insertJob('succeeded', 'w-online');
    await insertJob('running', 'w-online-drained');
    await insertJob('queued');
    // What an earlier life of the mirror left behind: a live heartbeat, and wrong or unknown entries.
    const liveBeat = ago(3_000).toISOString();
    await direct
      .multi()
      .set(keys.heartbeatKey('w-online'), liveBeat)
      .set(keys.capacityKey('w-online'), 99)
      .sadd(keys.ONLINE, 'ghost', 'w-offline')
      .sadd(keys.DRAINED, 'w-online')
      .set(keys.SNAPSHOT, '{"stale":true}')
      .exec();

    const before = Date.now();
    expect(await makeFleet('w-online', await fleetRedis()).seed()).toBe(true);

    expect(await members(keys.ONLINE)).toEqual(['w-online', 'w-online-drained']);
    expect(await members(keys.DRAINED)).toEqual(['w-offline-drained', 'w-online-drained']);
    expect(await direct.get(keys.capacityKey('w-online'))).toBe('2');
    expect(await direct.get(keys.capacityKey('w-online-drained'))).toBe('1');
    expect(await direct.get(keys.heartbeatKey('w-online'))).toBe(liveBeat);
    const setBeat = await direct.get(keys.heartbeatKey('w-online-drained'));
    expect(Date.parse(setBeat ?? '')).toBeGreaterThanOrEqual(before - 1);
    expect(await direct.exists(keys.heartbeatKey('w-offline'), keys.capacityKey('w-offline'), keys.SNAPSHOT)).toBe(0);
  });

  it('a replica that registers while a seed is between its PostgreSQL read and its Redis write is not lost', async () => {
    await insertWorker({ id: 'w-old' });
    const late = makeFleet('w-late', await fleetRedis());
    // The seed's first MULTI reaches Redis only after w-late has registered in both places.
    let raced = false;
    const seeding = probeBeforeMulti(await fleetRedis(), async () => {
      if (raced) return;
      raced = true;
      await late.register();
      expect(await direct.sismember(keys.ONLINE, 'w-late')).toBe(1);
    });

    expect(await makeFleet('w-old', seeding).seed()).toBe(true);
    expect(raced).toBe(true);
    expect(await members(keys.ONLINE)).toEqual(['w-late', 'w-old']);
  });

  it('a /status rebuild that raced a mirror write does not share its stale view', async () => {
    await insertWorker({ id: 'w-old' });
    const redis = await fleetRedis();
    await makeFleet('w-old', redis).seed();
    const late = makeFleet('w-late', await fleetRedis());
    // The rebuild reads the online set, then w-late registers before the snapshot is stored.
    const smembers = redis.smembers.bind(redis);
    let raced = false;
    redis.smembers = (async (...args: Parameters<typeof smembers>) => {
      const result = await smembers(...args);
      if (!raced) {
        raced = true;
        await late.register();
      }
      return result;
    }) as typeof redis.smembers;
    const read = createStatusReader(makeFleet('w-old', redis));

    expect(await read()).toMatchObject({ workersOnline: 1, source: 'redis' });
    expect(raced).toBe(true);
    expect(await direct.exists(keys.SNAPSHOT)).toBe(0);
    expect(await read()).toMatchObject({ workersOnline: 2, source: 'redis' });
    expect(await direct.exists(keys.SNAPSHOT)).toBe(1);
  });

  it('on PostgreSQL alone there is nothing to seed', async () => {
    await insertWorker({ id: 'w-1' });
    expect(await makeFleet('w-1', undefined).seed()).toBe(false);
    expect(await direct.exists(keys.ONLINE)).toBe(0);
  });
});

describe('write-through: PostgreSQL first, Redis best effort', () => {
  it('register and setDrained have written PostgreSQL by the time their MULTI reaches Redis', async () => {
    const seen: ({ isOnline: boolean; isDrained: boolean } | 'no row yet')[] = [];
    const redis = probeBeforeMulti(await fleetRedis(), async () => {
      const [row] = await db.select({ isOnline: workers.isOnline, isDrained: workers.isDrained }).from(workers).where(eq(workers.id, 'w-1'));
      seen.push(row ?? 'no row yet');
    });
    const fleet = makeFleet('w-1', redis, { concurrency: 3 });

    await fleet.register();
    expect(seen).toEqual([{ isOnline: true, isDrained: false }]);
    expect(await direct.sismember(keys.ONLINE, 'w-1')).toBe(1);
    expect(await direct.get(keys.capacityKey('w-1'))).toBe('0');

    const view = await fleet.setDrained('w-1', true);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual({ isOnline: true, isDrained: true });
    expect(view).toMatchObject({ id: 'w-1', isDrained: true, isOnline: true, concurrency: 3 });
    expect(await direct.sismember(keys.DRAINED, 'w-1')).toBe(1);

    await fleet.setDrained('w-1', false);
    expect(seen).toHaveLength(3);
    expect(seen[2]).toEqual({ isOnline: true, isDrained: false });
    expect(await direct.sismember(keys.DRAINED, 'w-1')).toBe(0);
  });

  it('a drained worker that registers again stays drained, in both places', async () => {
    await insertWorker({ id: 'w-1', online: false, drained: true });
    await makeFleet('w-1', await fleetRedis()).register();
    expect(await workerRow('w-1')).toMatchObject({ isOnline: true, isDrained: true });
    expect(await direct.sismember(keys.DRAINED, 'w-1')).toBe(1);
  });

  it('with Redis killed, setDrained still succeeds in PostgreSQL (logged), and the next seed heals Redis', async () => {
    const logs = captureLogs('warn');
    const redis = await fleetRedis();
    const fleet = makeFleet('w-1', redis, { log: logs.log });
    await fleet.seed();
    await fleet.register();
    await killRedis(redis);

    const view = await fleet.setDrained('w-1', true);
    expect(view).toMatchObject({ id: 'w-1', isDrained: true });
    expect((await workerRow('w-1')).isDrained).toBe(true);
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: 40, what: 'drain', msg: expect.stringContaining('redis mirror write failed') }));

    await restartRedis();
    // Back, but empty: the mirror does not list this worker online, so PostgreSQL answers.
    expect(await direct.sismember(keys.DRAINED, 'w-1')).toBe(0);
    expect(await fleet.isDrained()).toBe(true);

    expect(await fleet.seed()).toBe(true);
    expect(await direct.sismember(keys.DRAINED, 'w-1')).toBe(1);
    expect(await direct.sismember(keys.ONLINE, 'w-1')).toBe(1);
    expect(await fleet.isDrained()).toBe(true);
  });

  it('setDrained on an unknown worker is NotFound and writes nothing', async () => {
    const fleet = makeFleet('w-1', await fleetRedis());
    await expect(fleet.setDrained('nobody', true)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(await direct.exists(keys.DRAINED)).toBe(0);
  });
});

describe('reads: Redis first, PostgreSQL when Redis is away', () => {
  it('a mirror that lost its data (FLUSHALL) never lets a drained worker claim', async () => {
    await insertWorker({ id: 'w-1', drained: true });
    const fleet = makeFleet('w-1', await fleetRedis());
    await fleet.seed();
    await direct.flushall();
    expect(await fleet.isDrained()).toBe(true);
  });

  it('isDrained answers from Redis while it is up', async () => {
    await insertWorker({ id: 'w-1', drained: false });
    const fleet = makeFleet('w-1', await fleetRedis());
    // Deliberately disagreeing with PostgreSQL, to see who answers (a live mirror lists it online).
    await direct.sadd(keys.ONLINE, 'w-1');
    await direct.sadd(keys.DRAINED, 'w-1');
    expect(await fleet.isDrained()).toBe(true);
  });

  it('isDrained answers from PostgreSQL with Redis killed: a drained worker never claims, an undrained one does', async () => {
    const redis = await fleetRedis();
    const fleet = makeFleet('w-1', redis);
    const queue = makeQueue(fleet);
    await fleet.register();
    await fleet.setDrained('w-1', true);
    const job = await queue.enqueue(db, { kind: KIND, subjectId: 'photo-1' });
    await killRedis(redis);

    expect(await fleet.isDrained()).toBe(true);
    expect(await queue.claim(5)).toEqual([]);
    expect((await jobRow(job ?? '')).status).toBe('queued');

    await fleet.setDrained('w-1', false);
    expect(await fleet.isDrained()).toBe(false);
    expect((await queue.claim(5)).map((j) => j.id)).toEqual([job]);
  });

  it('listWorkers lists from PostgreSQL with Redis killed, running counted from the leases', async () => {
    const redis = await fleetRedis();
    const a = makeFleet('w-a', redis, { concurrency: 4 });
    const b = makeFleet('w-b', redis);
    await a.register();
    await b.register();
    await b.setDrained('w-b', true);
    await insertJob('running', 'w-a');
    await insertJob('running', 'w-a');
    await killRedis(redis);

    const list = await a.listWorkers();
    expect(list.map((w) => [w.id, w.isOnline, w.isDrained, w.running, w.concurrency])).toEqual([
      ['w-a', true, false, 2, 4],
      ['w-b', true, true, 0, 2],
    ]);
  });
});

describe('capacity: derived from PostgreSQL after every lease change', () => {
  it('follows claims and finished jobs, and recovers from a wrong value (never INCR/DECR)', async () => {
    const fleet = makeFleet('w-1', await fleetRedis(), { concurrency: 4 });
    const queue = makeQueue(fleet);
    await fleet.register();
    for (const subject of ['p1', 'p2', 'p3']) await queue.enqueue(db, { kind: KIND, subjectId: subject });
    const capacity = () => direct.get(keys.capacityKey('w-1'));
    const capacityIs = (n: number) => until(`worker:capacity:w-1 to be ${n}`, async () => (await capacity()) === String(n) && (await countRunning(db, 'w-1')) === n);

    const claimed = await queue.claim(2);
    expect(claimed).toHaveLength(2);
    await capacityIs(2);

    // A wrong mirror value: a counter would carry the error forward (17 − 1 = 16); a derived one cannot.
    await direct.set(keys.capacityKey('w-1'), 17);
    const [first] = claimed;
    if (!first) throw new Error('nothing claimed');
    expect(await queue.run(first)).toBe('succeeded');
    await capacityIs(1);

    await direct.set(keys.capacityKey('w-1'), -5);
    expect(await queue.claim(1)).toHaveLength(1);
    await capacityIs(2);
  });

  it('refreshCapacity alone restores the running count', async () => {
    const fleet = makeFleet('w-1', await fleetRedis());
    await fleet.register();
    await insertJob('running', 'w-1');
    await insertJob('running', 'other');
    await direct.set(keys.capacityKey('w-1'), 40);
    await fleet.refreshCapacity();
    expect(await direct.get(keys.capacityKey('w-1'))).toBe('1');
  });
});

describe('reseed after a Redis restart (the runtime onReady hook)', () => {
  it('rebuilds the mirror from PostgreSQL once Redis comes back empty', async () => {
    const services = await createTestServices(
      'postgres',
      { REDIS_URL: redisServer.url, CACHE_MODE: 'degraded', PREPROCESS_CONCURRENCY: '2', PREPROCESS_TICKER_ENABLED: 'false' },
      { log: silent },
    );
    const stop = await startBackground(services);
    try {
      const self = services.workerId;
      expect(await direct.sismember(keys.ONLINE, self)).toBe(1);
      // A peer PostgreSQL knows about and this Redis never did: only a seed from PostgreSQL can add it.
      await services.db.insert(workers).values({ id: 'peer-drained', hostname: 'peer', version: 'test', concurrency: 2, isDrained: true });
      const redis = services.redis;
      if (!redis) throw new Error('services without Redis');

      await killRedis(redis);
      await bringRedisBack();
      await until(
        'the reseed hook to rebuild the mirror',
        async () =>
          (await direct.sismember(keys.ONLINE, self)) === 1 &&
          (await direct.sismember(keys.ONLINE, 'peer-drained')) === 1 &&
          (await direct.sismember(keys.DRAINED, 'peer-drained')) === 1 &&
          (await direct.get(keys.capacityKey(self))) === '0' &&
          (await direct.exists(keys.heartbeatKey(self))) === 1,
        { timeoutMs: 20_000 },
      );
      expect(await services.fleet.isDrained()).toBe(false);
      expect((await services.readStatus()).source).toBe('redis');
    } finally {
      await stop();
      await services.close();
    }
  });
});

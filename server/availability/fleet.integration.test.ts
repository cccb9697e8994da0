import { eq, sql } from 'drizzle-orm';
import { Redis as RedisClient } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { type Database, type DatabaseHandle, openDatabase, rowsOf, schema } from '../db';
import { createLogger, type Logger } from '../log';
import { countRunning, Queue } from '../queue';
import { connectRedis, type Redis } from '../redis';
import { startBackground } from '../runtime';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { captureLogs, until } from '../testing/processes';
import { type PrivateRedis, startPrivateRedis } from '../testing/redis';
import { createTestServices } from '../testing/services';
import { autoOffline, createStatusReader, Fleet, fleetSweeps, keys, mirrorHeartbeats } from '.';

const { workers, preprocessJobs, settings } = schema;
const KIND = 'fleet-test';
const silent = createLogger({ level: 'silent' });
/** The documented defaults: heartbeat 5 s, stale 20 s, auto-offline every 30 s, mirror 60 s, reseed 300 s. */
const timing = loadConfig({}).fleet;
const ago = (ms: number) => new Date(Date.now() - ms);

// ---------------------------------------------------------------------------------------------
// One PostgreSQL database and one private redis-server for the file (never the shared 6379:
// the fleet keys are global). Every test starts from empty tables and an empty Redis.
// ---------------------------------------------------------------------------------------------
let database: TestDatabase;
let db: Database;
let redisServer: PrivateRedis;
/** Plain client for the assertions (reconnects by itself after a restart). */
let direct: RedisClient;
/** Clients made like the runtime makes them (connectRedis: no offline queue), closed after each test. */
const clients: Redis[] = [];
let redisDown = false;

beforeAll(async () => {
  [database, redisServer] = await Promise.all([createTestDatabase('postgres'), startPrivateRedis()]);
  db = database.handle.db;
  direct = new RedisClient(redisServer.url);
  direct.on('error', () => {}); // refused while a test's own outage lasts
});
afterAll(async () => {
  direct.disconnect();
  await redisServer.kill();
  await database.drop();
});
beforeEach(async () => {
  await db.execute(sql`delete from preprocess_jobs`);
  await db.execute(sql`delete from workers`);
  await db.execute(sql`delete from settings where key like 'sweep:%'`);
  await direct.flushall();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  if (redisDown) await restartRedis();
});

async function fleetRedis(): Promise<Redis> {
  const client = await connectRedis(redisServer.url, silent, { required: true });
  clients.push(client);
  return client;
}

function makeFleet(id: string, redis: Redis | undefined, options: { concurrency?: number; log?: Logger; on?: Database } = {}): Fleet {
  return new Fleet({
    db: options.on ?? db,
    redis,
    log: options.log ?? silent,
    self: { id, hostname: `host-${id}`, version: 'test', concurrency: options.concurrency ?? 2 },
    timing,
  });
}

/** The queue of a replica, wired to its fleet exactly like runtime.ts wires it. */
function makeQueue(fleet: Fleet, options: { on?: Database } = {}): Queue {
  const queue = new Queue({ db: options.on ?? db, log: silent, workerId: fleet.options.self.id, leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 10 });
  queue.register(KIND, { run: async () => {} });
  queue.useFleet({
    canClaim: async () => !(await fleet.isDrained()),
    onLeaseChange: () => void fleet.refreshCapacity().catch(() => {}),
  });
  return queue;
}

/** An outage: SIGKILL the private redis-server and wait until the fleet's clients have noticed. */
async function killRedis(...watching: Redis[]): Promise<void> {
  redisDown = true;
  await redisServer.kill();
  await until('the fleet clients to notice the outage', () => watching.every((c) => c.status !== 'ready'));
}

/** Back on the same port, empty (no persistence), and every client reconnected. */
async function restartRedis(): Promise<void> {
  await redisServer.restart();
  redisDown = false;
  await until('the clients to reconnect', () => [direct, ...clients].every((c) => c.status === 'ready' || c.status === 'end'), { timeoutMs: 15_000 });
}

async function insertWorker(row: { id: string; online?: boolean; drained?: boolean; concurrency?: number; heartbeat?: Date }) {
  await db.insert(workers).values({
    id: row.id,
    hostname: `host-${row.id}`,
    version: 'test',
    concurrency: row.concurrency ?? 2,
    isOnline: row.online ?? true,
    isDrained: row.drained ?? false,
    lastHeartbeatAt: row.heartbeat ?? new Date(),
  });
}

async function insertJob(status: 'queued' | 'running' | 'succeeded' | 'failed', leasedBy?: string): Promise<string> {
  const id = crypto.randomUUID();
  await db.insert(preprocessJobs).values({
    id,
    kind: KIND,
    subjectId: id,
    status,
    attempts: status === 'queued' ? 0 : 1,
    leasedBy,
    leaseToken: status === 'running' ? crypto.randomUUID() : undefined,
    leaseExpiresAt: status === 'running' ? new Date(Date.now() + 60_000) : undefined,
  });
  return id;
}

async function workerRow(id: string) {
  const [row] = await db.select().from(workers).where(eq(workers.id, id));
  if (!row) throw new Error(`no workers row ${id}`);
  return row;
}

async function jobRow(id: string) {
  const [row] = await db.select().from(preprocessJobs).where(eq(preprocessJobs.id, id));
  if (!row) throw new Error(`no job ${id}`);
  return row;
}

const members = async (key: string) => (await direct.smembers(key)).sort();

/** Runs the fleet's side of one Redis MULTI only after `probe` has looked at PostgreSQL. */
function probeBeforeMulti(redis: Redis, probe: () => Promise<void>): Redis {
  return new Proxy(redis, {
    get(target, property) {
      if (property === 'multi') {
        return () => {
          const tx = target.multi();
          const exec = tx.exec.bind(tx);
          tx.exec = async () => {
            await probe();
            return exec();
          };
          return tx;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

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
    const seeding = await fleetRedis();
    const late = makeFleet('w-late', await fleetRedis());
    // The seed's first MULTI reaches Redis only after w-late has registered in both places.
    const multi = seeding.multi.bind(seeding);
    let raced = false;
    seeding.multi = ((...args: Parameters<typeof multi>) => {
      const tx = multi(...args);
      const exec = tx.exec.bind(tx);
      tx.exec = (async () => {
        if (!raced) {
          raced = true;
          await late.register();
          expect(await direct.sismember(keys.ONLINE, 'w-late')).toBe(1);
        }
        return exec();
      }) as typeof tx.exec;
      return tx;
    }) as typeof seeding.multi;

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

describe('auto-offline sweep', () => {
  it('offlines stale and missing heartbeats, releases their leases, leaves a fresh worker alone', async () => {
    const redis = await fleetRedis();
    const logs = captureLogs('warn');
    const fleet = makeFleet('w-fresh', redis, { log: logs.log });
    const queue = makeQueue(fleet);
    for (const id of ['w-stale', 'w-missing', 'w-fresh']) await makeFleet(id, redis).register();
    await direct.set(keys.heartbeatKey('w-stale'), ago(timing.staleMs + 5_000).toISOString());
    await direct.del(keys.heartbeatKey('w-missing'));
    const staleJobs = [await insertJob('running', 'w-stale'), await insertJob('running', 'w-stale'), await insertJob('running', 'w-missing')];
    const freshJob = await insertJob('running', 'w-fresh');

    const then = await db.transaction((tx) => autoOffline(tx, fleet, queue));
    await then?.();

    expect(await workerRow('w-stale')).toMatchObject({ isOnline: false });
    expect(await workerRow('w-missing')).toMatchObject({ isOnline: false });
    expect(await workerRow('w-fresh')).toMatchObject({ isOnline: true });
    for (const id of staleJobs) expect(await jobRow(id)).toMatchObject({ status: 'queued', leaseToken: null });
    expect((await jobRow(freshJob)).status).toBe('running');
    expect(await members(keys.ONLINE)).toEqual(['w-fresh']);
    expect(await direct.exists(keys.capacityKey('w-stale'), keys.capacityKey('w-missing'))).toBe(0);
    expect(logs.lines()).toContainEqual(expect.objectContaining({ msg: 'workers with a stale heartbeat marked offline', releasedJobs: 3 }));
  });

  it('a worker swept offline while alive registers again on its next heartbeat', async () => {
    const fleet = makeFleet('w-1', await fleetRedis());
    await fleet.register();
    await direct.set(keys.heartbeatKey('w-1'), ago(timing.staleMs + 1_000).toISOString());
    const then = await db.transaction((tx) => autoOffline(tx, fleet, makeQueue(fleet)));
    await then?.();
    expect((await workerRow('w-1')).isOnline).toBe(false);

    await fleet.heartbeat();
    expect((await workerRow('w-1')).isOnline).toBe(true);
    expect(await direct.sismember(keys.ONLINE, 'w-1')).toBe(1);
  });

  it('with Redis killed it aborts entirely: nothing goes offline, however old the PostgreSQL heartbeats', async () => {
    const redis = await fleetRedis();
    const logs = captureLogs('warn');
    const fleet = makeFleet('w-1', redis, { log: logs.log });
    const queue = makeQueue(fleet);
    queue.addClusterDuty(fleetSweeps(fleet, queue));
    for (const id of ['w-1', 'w-2', 'w-3']) await makeFleet(id, redis).register();
    const job = await insertJob('running', 'w-2');
    await db.update(workers).set({ lastHeartbeatAt: ago(3_600_000) });
    await killRedis(redis);

    expect(await queue.runClusterDuties()).toMatchObject({ ran: true });

    const rows = await db.select({ id: workers.id, isOnline: workers.isOnline }).from(workers).orderBy(workers.id);
    expect(rows).toEqual([
      { id: 'w-1', isOnline: true },
      { id: 'w-2', isOnline: true },
      { id: 'w-3', isOnline: true },
    ]);
    expect((await jobRow(job)).status).toBe('running');
    expect(logs.lines()).toContainEqual(expect.objectContaining({ msg: 'auto-offline sweep aborted: Redis did not answer' }));
  });
});

describe('heartbeat mirror', () => {
  it('writes every Redis heartbeat to PostgreSQL in ONE statement', async () => {
    const redis = await fleetRedis();
    const ids = ['w-1', 'w-2', 'w-3', 'w-4', 'w-5'];
    for (const id of ids) await insertWorker({ id, heartbeat: ago(600_000) });
    await insertWorker({ id: 'w-newer-in-pg', heartbeat: new Date() });
    const beats = new Map(ids.map((id, i) => [id, ago(1_000 * (i + 1)).toISOString()]));
    for (const [id, beat] of beats) await direct.set(keys.heartbeatKey(id), beat);
    await direct.set(keys.heartbeatKey('w-newer-in-pg'), ago(120_000).toISOString());
    await direct.sadd(keys.ONLINE, ...ids, 'w-newer-in-pg');
    const pgBeatBefore = (await workerRow('w-newer-in-pg')).lastHeartbeatAt;

    // Counted by PostgreSQL itself: a statement-level trigger fires once per UPDATE statement,
    // whichever connection or code path sends it. A per-worker loop would fire it five times.
    await db.execute(sql`create table fleet_test_updates (n int)`);
    await db.execute(sql.raw(`create function fleet_test_count() returns trigger language plpgsql as $$
      begin insert into fleet_test_updates values (1); return null; end $$`));
    await db.execute(sql`create trigger fleet_test_count after update on workers for each statement execute function fleet_test_count()`);
    try {
      const updated = await db.transaction((tx) => mirrorHeartbeats(tx, makeFleet('w-1', redis)));
      expect(updated).toBe(5);
      const [count] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from fleet_test_updates`));
      expect(count?.n).toBe(1);
    } finally {
      await db.execute(sql`drop trigger fleet_test_count on workers`);
      await db.execute(sql`drop function fleet_test_count()`);
      await db.execute(sql`drop table fleet_test_updates`);
    }
    for (const [id, beat] of beats) expect((await workerRow(id)).lastHeartbeatAt.toISOString()).toBe(beat);
    // Never moves a heartbeat backwards.
    expect((await workerRow('w-newer-in-pg')).lastHeartbeatAt).toEqual(pgBeatBefore);
  });

  it('skips (returns 0) with Redis killed, and does nothing on PostgreSQL alone', async () => {
    const redis = await fleetRedis();
    await insertWorker({ id: 'w-1' });
    expect(await db.transaction((tx) => mirrorHeartbeats(tx, makeFleet('w-1', undefined)))).toBe(0);
    await killRedis(redis);
    expect(await db.transaction((tx) => mirrorHeartbeats(tx, makeFleet('w-1', redis)))).toBe(0);
  });
});

describe('sweeps: under the cluster lock, at their cadence', () => {
  let replica: DatabaseHandle;
  beforeAll(async () => {
    replica = await openDatabase({ url: database.url, poolMax: 3 });
  });
  afterAll(() => replica.close());

  const sweepRows = async () =>
    Object.fromEntries((await db.select({ key: settings.key, at: settings.updatedAt }).from(settings).where(sql`${settings.key} like 'sweep:%'`)).map((r) => [r.key, r.at.toISOString()]));

  async function staleWorker(id: string, redis: Redis) {
    await makeFleet(id, redis).register();
    await direct.set(keys.heartbeatKey(id), ago(timing.staleMs + 5_000).toISOString());
  }

  it('a second immediate run does not sweep again; once the interval has passed it does', async () => {
    const redis = await fleetRedis();
    const fleet = makeFleet('w-self', redis);
    const queue = makeQueue(fleet);
    queue.addClusterDuty(fleetSweeps(fleet, queue));
    await fleet.register();
    await staleWorker('w-dead-1', redis);

    expect(await queue.runClusterDuties()).toMatchObject({ ran: true });
    expect((await workerRow('w-dead-1')).isOnline).toBe(false);
    const afterFirst = await sweepRows();
    expect(Object.keys(afterFirst).sort()).toEqual(['sweep:auto-offline', 'sweep:heartbeat-mirror', 'sweep:reseed']);

    await staleWorker('w-dead-2', redis);
    expect(await queue.runClusterDuties()).toMatchObject({ ran: true });
    expect((await workerRow('w-dead-2')).isOnline).toBe(true);
    expect(await direct.sismember(keys.ONLINE, 'w-dead-2')).toBe(1);
    expect(await sweepRows()).toEqual(afterFirst);

    // The interval passes (for the auto-offline sweep only).
    await db.execute(sql`update settings set updated_at = now() - ${timing.autoOfflineSweepMs + 1_000} * interval '1 millisecond' where key = 'sweep:auto-offline'`);
    expect(await queue.runClusterDuties()).toMatchObject({ ran: true });
    expect((await workerRow('w-dead-2')).isOnline).toBe(false);
    expect(await direct.sismember(keys.ONLINE, 'w-dead-2')).toBe(0);
    const afterThird = await sweepRows();
    expect(afterThird['sweep:heartbeat-mirror']).toBe(afterFirst['sweep:heartbeat-mirror']);
    expect(afterThird['sweep:reseed']).toBe(afterFirst['sweep:reseed']);
    expect(afterThird['sweep:auto-offline']).not.toBe(afterFirst['sweep:auto-offline']);
  });

  it('only the replica holding the cluster lock sweeps', async () => {
    const redis = await fleetRedis();
    const fleetA = makeFleet('w-a', redis);
    const queueA = makeQueue(fleetA);
    let holding = false;
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    queueA.addClusterDuty(async () => {
      holding = true;
      await released;
    });
    queueA.addClusterDuty(fleetSweeps(fleetA, queueA));
    const fleetB = makeFleet('w-b', redis, { on: replica.db });
    const queueB = makeQueue(fleetB, { on: replica.db });
    queueB.addClusterDuty(fleetSweeps(fleetB, queueB));
    await fleetA.register();
    await fleetB.register();
    await staleWorker('w-dead', redis);

    const first = queueA.runClusterDuties();
    try {
      await until('replica A to hold the cluster lock', () => holding);
      expect(await queueB.runClusterDuties()).toEqual({ ran: false, requeued: 0, enqueued: 0 });
      expect((await workerRow('w-dead')).isOnline).toBe(true);
    } finally {
      release();
    }
    expect(await first).toMatchObject({ ran: true });
    expect((await workerRow('w-dead')).isOnline).toBe(false);
  });
});

describe('drain flow', () => {
  it('drain: in the drained set, isDrained, no claims; undrain: claims again', async () => {
    const fleet = makeFleet('w-1', await fleetRedis());
    const queue = makeQueue(fleet);
    await fleet.register();
    const job = await queue.enqueue(db, { kind: KIND, subjectId: 'photo-1' });

    await fleet.setDrained('w-1', true);
    expect(await direct.sismember(keys.DRAINED, 'w-1')).toBe(1);
    expect(await fleet.isDrained()).toBe(true);
    expect(await queue.claim(3)).toEqual([]);
    expect((await jobRow(job ?? '')).status).toBe('queued');
    expect((await fleet.listWorkers()).find((w) => w.id === 'w-1')).toMatchObject({ isDrained: true });

    await fleet.setDrained('w-1', false);
    expect(await direct.sismember(keys.DRAINED, 'w-1')).toBe(0);
    expect(await fleet.isDrained()).toBe(false);
    expect((await queue.claim(3)).map((j) => j.id)).toEqual([job]);
  });

  it('draining one worker does not stop another', async () => {
    const redis = await fleetRedis();
    const a = makeFleet('w-a', redis);
    const b = makeFleet('w-b', redis);
    await a.register();
    await b.register();
    await a.setDrained('w-a', true);
    await makeQueue(a).enqueue(db, { kind: KIND, subjectId: 'photo-1' });
    expect(await makeQueue(a).claim(1)).toEqual([]);
    expect(await makeQueue(b).claim(1)).toHaveLength(1);
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
      await redisServer.restart();
      redisDown = false;
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

describe.each(['pglite', 'postgres'] as const)('on PostgreSQL alone (no Redis), %s', (kind) => {
  let local: TestDatabase;
  let ldb: Database;
  beforeAll(async () => {
    local = await createTestDatabase(kind);
    ldb = local.handle.db;
  });
  afterAll(() => local.drop());
  beforeEach(async () => {
    await ldb.execute(sql`delete from preprocess_jobs`);
    await ldb.execute(sql`delete from workers`);
    await ldb.execute(sql`delete from settings`);
  });

  const pgFleet = (id: string, concurrency = 2) => makeFleet(id, undefined, { on: ldb, concurrency });
  const stale = () => ago(timing.staleMs + 10_000);
  async function job(status: 'running' | 'queued' | 'failed', leasedBy?: string) {
    const id = crypto.randomUUID();
    const lease = status === 'running' ? { leasedBy, leaseToken: crypto.randomUUID(), leaseExpiresAt: new Date(Date.now() + 60_000) } : {};
    await ldb.insert(preprocessJobs).values({ id, kind: KIND, subjectId: id, status, ...lease });
    return id;
  }

  it('heartbeat writes PostgreSQL directly', async () => {
    const fleet = pgFleet('w-1');
    await fleet.register();
    await ldb.update(workers).set({ lastHeartbeatAt: ago(3_600_000), isOnline: false });
    await fleet.heartbeat();
    const [row] = await ldb
      .select({ isOnline: workers.isOnline, fresh: sql<boolean>`${workers.lastHeartbeatAt} > now() - interval '10 minutes'` })
      .from(workers)
      .where(eq(workers.id, 'w-1'));
    expect(row).toEqual({ isOnline: true, fresh: true });
  });

  it('status comes from PostgreSQL, counting live heartbeats only', async () => {
    await pgFleet('w-a', 4).register();
    await pgFleet('w-drained', 3).register();
    await pgFleet('w-stale', 5).register();
    await pgFleet('w-gone', 6).register();
    await pgFleet('w-a').setDrained('w-drained', true);
    await ldb.update(workers).set({ lastHeartbeatAt: stale() }).where(eq(workers.id, 'w-stale'));
    await ldb.update(workers).set({ isOnline: false }).where(eq(workers.id, 'w-gone'));
    await job('running', 'w-a');
    await job('running', 'w-stale');
    await job('queued');
    await job('queued');
    await job('failed');

    const status = await createStatusReader(pgFleet('w-a'))();
    expect(status).toEqual({
      workersOnline: 2,
      workersAvailable: 1,
      freeSlots: 3,
      queue: { queued: 2, running: 2, failed: 1 },
      source: 'postgres',
      generatedAt: expect.any(String),
    });
  });

  it('auto-offline goes by PostgreSQL heartbeat age', async () => {
    const fleet = pgFleet('w-fresh');
    await fleet.register();
    await pgFleet('w-stale').register();
    await ldb.update(workers).set({ lastHeartbeatAt: stale() }).where(eq(workers.id, 'w-stale'));
    const staleJob = await job('running', 'w-stale');
    const freshJob = await job('running', 'w-fresh');
    const queue = makeQueue(fleet, { on: ldb });
    queue.addClusterDuty(fleetSweeps(fleet, queue));

    expect(await queue.runClusterDuties()).toMatchObject({ ran: true });

    const rows = await ldb.select({ id: workers.id, isOnline: workers.isOnline }).from(workers).orderBy(workers.id);
    expect(rows).toEqual([
      { id: 'w-fresh', isOnline: true },
      { id: 'w-stale', isOnline: false },
    ]);
    const [s] = await ldb.select().from(preprocessJobs).where(eq(preprocessJobs.id, staleJob));
    const [f] = await ldb.select().from(preprocessJobs).where(eq(preprocessJobs.id, freshJob));
    expect(s?.status).toBe('queued');
    expect(f?.status).toBe('running');
    // Only the auto-offline cadence row: the Redis sweeps have nothing to do here.
    expect((await ldb.select({ key: settings.key }).from(settings)).map((r) => r.key)).toEqual(['sweep:auto-offline']);
  });

  it('drain is read from PostgreSQL and stops claims', async () => {
    const fleet = pgFleet('w-1');
    const queue = makeQueue(fleet, { on: ldb });
    await fleet.register();
    await queue.enqueue(ldb, { kind: KIND, subjectId: 'photo-1' });
    await fleet.setDrained('w-1', true);
    expect(await fleet.isDrained()).toBe(true);
    expect(await queue.claim(1)).toEqual([]);
    await fleet.setDrained('w-1', false);
    expect(await queue.claim(1)).toHaveLength(1);
    expect((await fleet.listWorkers())[0]).toMatchObject({ id: 'w-1', running: 1 });
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase, rowsOf } from '../db';
import { type Redis } from '../redis';
import { captureLogs, until } from '../testing/processes';
import { autoOffline, fleetSweeps, keys, mirrorHeartbeats } from '.';
import { ago, database, db, direct, fleetRedis, insertJob, insertWorker, jobRow, killRedis, KIND, makeFleet, makeQueue, members, settings, setUpFleetHarness, timing, workerRow, workers } from './fleet.harness';

// The sweeps (auto-offline, heartbeat mirror, their cadence under the cluster lock) and the drain flow.
setUpFleetHarness();

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

import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Database } from '../db';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { createStatusReader, fleetSweeps } from '.';
import { ago, KIND, makeFleet, makeQueue, preprocessJobs, settings, timing, workers } from './fleet.harness';

// The same module without Redis, on both drivers.
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

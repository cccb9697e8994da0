import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../db';
import { until } from '../testing/processes';
import { type JobHandler } from '.';
import { gate, useDatabase } from './queue.harness';

// Row locks and the cluster lock under real concurrency (PostgreSQL only).
describe('the lease-fenced queue on PostgreSQL, with real concurrency', () => {
  const h = useDatabase('postgres');

  it('a claim skips rows another transaction holds locked instead of waiting for them (SKIP LOCKED)', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.enqueue(`locked-${i}`)));
    const b = h.queue('worker-b', () => Promise.resolve(), { db: await h.replica() });
    const holding = gate();
    const locked = gate();
    let lockedIds: string[] = [];
    const holder = h.db.transaction(async (tx) => {
      lockedIds = rowsOf<{ id: string }>(await tx.execute(sql`select id from preprocess_jobs order by id limit 5 for update`)).map((r) => r.id);
      locked.open();
      await holding.promise;
    });
    try {
      await Promise.race([locked.promise, holder]);
      const claim = b.claim(20);
      const blocked = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('claim waited on the locked rows: not SKIP LOCKED')), 10_000).unref());
      const claimed = await Promise.race([claim, blocked]);
      expect(claimed).toHaveLength(15);
      expect(claimed.map((j) => j.id).filter((id) => lockedIds.includes(id))).toEqual([]);
    } finally {
      holding.open();
      await holder;
    }
    expect((await b.claim(20)).map((j) => j.id).sort()).toEqual([...lockedIds].sort());
  });

  it('the cluster lock: while one replica runs the duties, the others skip them', async () => {
    const id = await h.enqueue('expired');
    const release = gate();
    let inside = 0;
    let maxInside = 0;
    const duty = async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await release.promise; // hold the lock until the others have tried
      inside--;
    };
    const noop: JobHandler['run'] = () => Promise.resolve();
    const queues = [h.queue('worker-a', noop), h.queue('worker-b', noop, { db: await h.replica() }), h.queue('worker-c', noop, { db: await h.replica() })];
    for (const q of queues) q.addClusterDuty(duty);
    await queues[0]?.claim(1);
    await h.expireLease(id);

    const settled: { ran: boolean; requeued: number }[] = [];
    const runs = queues.map((q) => q.runClusterDuties().then((r) => (settled.push(r), r)));
    try {
      await until('two of the three callers to return without the lock', () => settled.length === 2, { timeoutMs: 15_000 });
      expect(settled).toEqual([
        { ran: false, requeued: 0, enqueued: 0 },
        { ran: false, requeued: 0, enqueued: 0 },
      ]);
      expect(inside).toBe(1);
    } finally {
      release.open();
    }
    const results = await Promise.all(runs);
    expect(results.filter((r) => r.ran)).toEqual([{ ran: true, requeued: 1, enqueued: 0 }]);
    expect(maxInside).toBe(1);
    expect(await h.row(id)).toMatchObject({ status: 'queued', attempts: 1 });
  });
});

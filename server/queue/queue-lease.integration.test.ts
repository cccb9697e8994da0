import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { until } from '../testing/processes';
import { type JobHandler, LeaseLostError, type LeasedJob, type Queue } from '.';
import { gate, untilAborted, useDatabase, writeResult } from './queue.harness';

// Claims, lease fencing, lease renewal and expiry, and the cluster duty that re-queues expired leases.
describe.each(['postgres', 'pglite'] as const)('the lease-fenced queue on %s', (kind) => {
  const h = useDatabase(kind);

  it('two replicas claiming concurrently never get the same job, and together get all 20', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => h.enqueue(`subject-${i}`)));
    const never: JobHandler['run'] = () => Promise.reject(new Error('not run in this test'));
    const a = h.queue('worker-a', never);
    const b = h.queue('worker-b', never, { db: await h.replica() });
    const drain = async (queue: Queue) => {
      const got: LeasedJob[] = [];
      for (let batch = await queue.claim(2); batch.length; batch = await queue.claim(2)) got.push(...batch);
      return got;
    };
    const [fromA, fromB] = await Promise.all([drain(a), drain(b)]);
    const claimed = [...fromA, ...fromB].map((j) => j.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort()).toEqual([...ids].sort());
    for (const job of [...fromA, ...fromB]) {
      const row = await h.row(job.id);
      expect(row).toMatchObject({ status: 'running', attempts: 1, leasedBy: fromA.includes(job) ? 'worker-a' : 'worker-b', leaseToken: job.leaseToken });
    }
  });

  it('lease fencing: after its lease expired and another worker finished the job, the old worker cannot write its result', async () => {
    const id = await h.enqueue('fenced');
    const release = gate();
    const started = gate();
    let staleWriteRan = false;
    let staleCompleteError: unknown;
    const a = h.queue('worker-a', async (job, ctx) => {
      started.open();
      await release.promise; // a slow develop, past its lease
      try {
        await ctx.complete(async (tx) => {
          staleWriteRan = true;
          await tx.execute(sql`insert into queue_test_results (job_id, worker) values (${job.id}, 'worker-a')`);
        });
      } catch (error) {
        staleCompleteError = error;
        throw error;
      }
    });
    const b = h.queue('worker-b', writeResult('worker-b'), { db: await h.replica() });

    const [jobA] = await a.claim(1);
    expect(jobA?.id).toBe(id);
    if (!jobA) return;
    const runA = a.run(jobA);
    try {
      await until('the handler to start', started.isOpen);
      // The expiry comes from SQL (worker A is still alive: a long GC pause, a partition).
      await h.expireAndSweep(b, id);
      expect(await h.row(id)).toMatchObject({ status: 'queued', attempts: 1, leaseToken: null });

      const jobB = await until('worker B to claim the re-queued job (after its backoff)', async () => (await b.claim(1))[0]);
      expect(jobB).toMatchObject({ id, attempts: 2, leasedBy: 'worker-b' });
      expect(jobB.leaseToken).not.toBe(jobA.leaseToken);
      expect(await b.run(jobB)).toBe('succeeded');
    } finally {
      release.open();
    }
    expect(await runA).toBe('lost');
    expect(staleCompleteError).toBeInstanceOf(LeaseLostError);
    expect(staleWriteRan).toBe(false);
    expect(await h.row(id)).toMatchObject({ status: 'succeeded', attempts: 2, leasedBy: 'worker-b', lastError: null });
    expect(await h.results()).toEqual([{ job_id: id, worker: 'worker-b' }]);
  });

  it('a checkpoint publishes part of the result while the job keeps running; once the lease is lost it writes nothing', async () => {
    const id = await h.enqueue('checkpointed');
    const release = gate();
    const published = gate();
    let lateCheckpointError: unknown;
    const a = h.queue('worker-a', async (job, ctx) => {
      await ctx.checkpoint((tx) => tx.execute(sql`insert into queue_test_results (job_id, worker) values (${job.id}, 'first part')`));
      published.open();
      await release.promise;
      try {
        await ctx.checkpoint((tx) => tx.execute(sql`insert into queue_test_results (job_id, worker) values (${job.id}, 'stale part')`));
      } catch (error) {
        lateCheckpointError = error;
        throw error;
      }
    });
    const [jobA] = await a.claim(1);
    if (!jobA) throw new Error('nothing claimed');
    const runA = a.run(jobA);
    try {
      await until('the first part to be published', published.isOpen);
      expect(await h.row(id)).toMatchObject({ status: 'running', leaseToken: jobA.leaseToken });
      expect(await h.results()).toEqual([{ job_id: id, worker: 'first part' }]);
      await h.expireAndSweep(a, id);
    } finally {
      release.open();
    }
    expect(await runA).toBe('lost');
    expect(lateCheckpointError).toBeInstanceOf(LeaseLostError);
    expect(await h.results()).toEqual([{ job_id: id, worker: 'first part' }]);
  });

  it('lease fencing holds while the new holder is still running: only the lease token tells them apart', async () => {
    const id = await h.enqueue('fenced-while-running');
    const release = gate();
    const started = gate();
    const a = h.queue('worker-a', async (job, ctx) => {
      started.open();
      await release.promise;
      await writeResult('worker-a')(job, ctx);
    });
    const b = h.queue('worker-b', writeResult('worker-b'), { db: await h.replica() });
    const [jobA] = await a.claim(1);
    if (!jobA) throw new Error('nothing claimed');
    const runA = a.run(jobA);
    let jobB: LeasedJob;
    try {
      await until('the handler to start', started.isOpen);
      await h.expireAndSweep(a, id);
      jobB = await until('worker B to claim the re-queued job', async () => (await b.claim(1))[0]);
      expect(await h.row(id)).toMatchObject({ status: 'running', leasedBy: 'worker-b' });
    } finally {
      release.open();
    }
    expect(await runA).toBe('lost');
    expect(await h.row(id)).toMatchObject({ status: 'running', leasedBy: 'worker-b', leaseToken: jobB.leaseToken });
    expect(await h.results()).toEqual([]);
    expect(await b.run(jobB)).toBe('succeeded');
    expect(await h.results()).toEqual([{ job_id: id, worker: 'worker-b' }]);
  });

  it('the lease keeper renews a running lease, and aborts the handler once the lease is taken over', async () => {
    const id = await h.enqueue('kept');
    let signal: AbortSignal | undefined;
    const started = gate();
    // A 900 ms lease is renewed every 300 ms.
    const a = h.queue('worker-a', (_job, ctx) => {
      signal = ctx.signal;
      started.open();
      return untilAborted(ctx);
    }, { leaseMs: 900 });
    const b = h.queue('worker-b', writeResult('worker-b'), { db: await h.replica() });
    const [jobA] = await a.claim(1);
    if (!jobA) throw new Error('nothing claimed');
    const firstExpiry = (await h.row(id)).leaseExpiresAt?.getTime() ?? 0;
    const runA = a.run(jobA);
    try {
      await until('the handler to start', started.isOpen);
      await until('the keeper to extend the lease', async () => ((await h.row(id)).leaseExpiresAt?.getTime() ?? 0) > firstExpiry, { timeoutMs: 5_000 });
      await h.expireAndSweep(b, id);
      await until('worker B to claim the re-queued job', async () => (await b.claim(1))[0]);
      await until('the keeper of worker A to notice and abort its handler', () => signal?.aborted, { timeoutMs: 5_000 });
      expect(signal?.reason).toBeInstanceOf(LeaseLostError);
      expect(await runA).toBe('lost');
      expect(await h.row(id)).toMatchObject({ status: 'running', leasedBy: 'worker-b', attempts: 2 });
    } finally {
      a.abortLocal(id);
      await runA;
    }
  });

  it('an expired lease on the last attempt fails the job with the reason', async () => {
    const a = h.queue('worker-a', () => Promise.resolve(), { maxAttempts: 1 });
    const id = await h.enqueue('last-attempt', a);
    await a.claim(1);
    await h.expireLease(id);
    expect(await a.runClusterDuties()).toMatchObject({ ran: true, requeued: 1 });
    const row = await h.row(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'lease expired: worker worker-a stopped renewing it' });
    expect(row.finishedAt).toBeInstanceOf(Date);
  });

  it('several replicas running the cluster duties at once re-queue an expired lease exactly once', async () => {
    const id = await h.enqueue('expired');
    const noop: JobHandler['run'] = () => Promise.resolve();
    const queues = [h.queue('worker-a', noop), h.queue('worker-b', noop, { db: await h.replica() }), h.queue('worker-c', noop, { db: await h.replica() })];
    await queues[0]?.claim(1);
    await h.expireLease(id);
    const results = await Promise.all(queues.map((q) => q.runClusterDuties()));
    expect(results.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
    expect(results.reduce((n, r) => n + r.requeued, 0)).toBe(1);
    expect(await h.row(id)).toMatchObject({ status: 'queued', attempts: 1, lastError: 'lease expired: worker worker-a stopped renewing it' });
  });
});

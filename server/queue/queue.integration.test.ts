import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Database, type DatabaseHandle, openDatabase, rowsOf, schema } from '../db';
import { ConflictError, NotFoundError } from '../errors';
import { createLogger } from '../log';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { until } from '../testing/processes';
import { type JobHandler, type JobRunContext, LeaseLostError, type LeasedJob, PermanentJobError, Queue, type QueueOptions, startWorker } from '.';

const KIND = 'test-job';
const jobs = schema.preprocessJobs;
const silent = createLogger({ level: 'silent' });

/** A promise the test opens when it wants the handler to go on (or the handler, to say it started). */
function gate() {
  let open = () => {};
  let opened = false;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    promise,
    open: () => {
      opened = true;
      open();
    },
    /** Poll this rather than awaiting `promise`, so a handler that never starts fails the test with a message. */
    isOpen: () => opened,
  };
}

/** Settles when the job's signal aborts, with its reason (what a well-behaved handler does). */
const untilAborted = (ctx: JobRunContext) =>
  new Promise<never>((_, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
  });

interface Harness {
  handle: DatabaseHandle;
  db: Database;
  /** Another replica's connection pool on the same database (PGlite has only one). */
  replica(): Promise<Database>;
  queue(workerId: string, run: JobHandler['run'], options?: Partial<QueueOptions> & { db?: Database }): Queue;
  /** Enqueued through `via` (its maxAttempts is the job's max_attempts), or a default queue. */
  enqueue(subjectId: string, via?: Queue): Promise<string>;
  row(id: string): Promise<typeof jobs.$inferSelect>;
  /** What handlers wrote through complete(tx => …): the "result" the fence protects. */
  results(): Promise<{ job_id: string; worker: string }[]>;
  expireLease(id: string): Promise<void>;
  /** Expires a running job's lease and has `queue` re-queue it; retried if its keeper renewed in between. */
  expireAndSweep(queue: Queue, id: string): Promise<void>;
}

function harness(database: () => TestDatabase, replicas: DatabaseHandle[]): Harness {
  const h: Harness = {
    get handle() {
      return database().handle;
    },
    get db() {
      return database().handle.db;
    },
    async replica() {
      const { url } = database();
      if (!url) return h.db;
      const handle = await openDatabase({ url, poolMax: 3 });
      replicas.push(handle);
      return handle.db;
    },
    queue(workerId, run, options = {}) {
      const queue = new Queue({ db: h.db, log: silent, workerId, leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 10, ...options });
      queue.register(KIND, { run });
      return queue;
    },
    async enqueue(subjectId, via) {
      const queue = via ?? new Queue({ db: h.db, log: silent, workerId: 'enqueuer', leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 10 });
      const id = await queue.enqueue(h.db, { kind: KIND, subjectId });
      if (!id) throw new Error(`no job enqueued for ${subjectId}`);
      return id;
    },
    async row(id) {
      const [row] = await h.db.select().from(jobs).where(eq(jobs.id, id));
      if (!row) throw new Error(`job ${id} not found`);
      return row;
    },
    async results() {
      return rowsOf<{ job_id: string; worker: string }>(await h.db.execute(sql`select job_id, worker from queue_test_results order by worker`));
    },
    async expireLease(id) {
      await h.db.execute(sql`update preprocess_jobs set lease_expires_at = now() - interval '1 second' where id = ${id}`);
    },
    async expireAndSweep(queue, id) {
      await until(`the expired lease of ${id} to be re-queued`, async () => {
        await h.expireLease(id);
        const result = await queue.runClusterDuties();
        expect(result.requeued).toBeLessThanOrEqual(1);
        return result.requeued === 1;
      });
    },
  };
  return h;
}

/** A handler writing its worker's name as the job's result. */
const writeResult = (worker: string) => (job: LeasedJob, ctx: JobRunContext) =>
  ctx.complete(async (tx) => {
    await tx.execute(sql`insert into queue_test_results (job_id, worker) values (${job.id}, ${worker})`);
  });

function useDatabase(kind: 'postgres' | 'pglite') {
  let database: TestDatabase | undefined;
  const replicas: DatabaseHandle[] = [];
  const current = () => {
    if (!database) throw new Error('database not ready');
    return database;
  };
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.handle.db.execute(sql`create table queue_test_results (job_id text not null, worker text not null)`);
  });
  afterAll(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.close()));
    await database?.drop();
  });
  beforeEach(async () => {
    await current().handle.db.execute(sql`delete from preprocess_jobs`);
    await current().handle.db.execute(sql`delete from queue_test_results`);
  });
  return harness(current, replicas);
}

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

  it('a failing handler is retried with exponential backoff, then failed with its last error after max_attempts', async () => {
    let calls = 0;
    const a = h.queue(
      'worker-a',
      () => {
        calls++;
        return Promise.reject(new Error(`boom ${calls}`));
      },
      { maxAttempts: 3, retryBaseMs: 150 },
    );
    const id = await h.enqueue('always-fails', a);
    let previousRunAfter = 0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const job = await until(`attempt ${attempt} to be due`, async () => (await a.claim(1))[0], { timeoutMs: 15_000 });
      expect(job).toMatchObject({ id, attempts: attempt });
      expect(await a.run(job)).toBe(attempt < 3 ? 'retrying' : 'failed');
      const row = await h.row(id);
      expect(row).toMatchObject({ attempts: attempt, lastError: `boom ${attempt}`, leaseToken: null });
      if (attempt < 3) {
        expect(row.status).toBe('queued');
        // run_after and updated_at come from the same now(): their gap is the backoff itself.
        const [gap] = rowsOf<{ ms: string | number }>(await h.db.execute(sql`select extract(epoch from run_after - updated_at) * 1000 as ms from preprocess_jobs where id = ${id}`));
        expect(Math.round(Number(gap?.ms))).toBe(150 * 2 ** (attempt - 1));
        expect(row.runAfter.getTime()).toBeGreaterThan(previousRunAfter);
        previousRunAfter = row.runAfter.getTime();
      }
    }
    const row = await h.row(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: 'boom 3' });
    expect(row.finishedAt).toBeInstanceOf(Date);
    expect(calls).toBe(3);
    expect(await a.claim(1)).toEqual([]);
  });

  it('a PermanentJobError fails the job at once', async () => {
    const a = h.queue('worker-a', () => Promise.reject(new PermanentJobError('not a photo')), { maxAttempts: 5 });
    const id = await h.enqueue('permanent', a);
    const [job] = await a.claim(1);
    if (!job) throw new Error('nothing claimed');
    expect(await a.run(job)).toBe('failed');
    expect(await h.row(id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'not a photo' });
  });

  it('cancel aborts the running job in-process, marks it cancelled, and rejects its late result', async () => {
    const id = await h.enqueue('cancel-local');
    const started = gate();
    const release = gate();
    let signal: AbortSignal | undefined;
    let lateCompleteError: unknown;
    const a = h.queue('worker-a', async (job, ctx) => {
      signal = ctx.signal;
      started.open();
      await release.promise; // ignores the signal: its write must still be refused
      try {
        await writeResult('worker-a')(job, ctx);
      } catch (error) {
        lateCompleteError = error;
        throw error;
      }
    });
    const [job] = await a.claim(1);
    if (!job) throw new Error('nothing claimed');
    const run = a.run(job);
    await until('the handler to start', started.isOpen);
    const cancelled = await a.cancel(id).finally(() => release.open());
    expect(cancelled.status).toBe('cancelled');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(LeaseLostError);
    expect(await run).toBe('lost');
    expect(lateCompleteError).toBeInstanceOf(LeaseLostError);
    expect(await h.row(id)).toMatchObject({ status: 'cancelled', lastError: 'cancelled by an admin', leaseToken: null });
    expect(await h.results()).toEqual([]);
    await expect(a.cancel(id)).rejects.toThrow(ConflictError);
    await expect(a.cancel(crypto.randomUUID())).rejects.toThrow(NotFoundError);
  });

  it('cancel from another replica reaches the job running in a worker loop within a second (LISTEN/NOTIFY)', async () => {
    const started = gate();
    let signal: AbortSignal | undefined;
    const a = h.queue('worker-a', (_job, ctx) => {
      signal = ctx.signal;
      started.open();
      return untilAborted(ctx);
    });
    const other = h.queue('worker-b', () => Promise.reject(new Error('not run in this test')), { db: await h.replica() });
    // Polling every minute: only the notifications can wake it or abort its job in this test.
    const worker = await startWorker({ queue: a, database: h.handle, log: silent, concurrency: 1, pollMs: 60_000 });
    try {
      const id = await h.enqueue('cancel-remote');
      await until('the worker loop to start the job (woken by NOTIFY)', started.isOpen, { timeoutMs: 5_000 });
      expect(await h.row(id)).toMatchObject({ status: 'running', leasedBy: 'worker-a' });
      await other.cancel(id);
      // The lease keeper of a 60 s lease runs every 20 s, so within a second only the notification can have done it.
      await until('the cancel to abort the running job', () => signal?.aborted, { timeoutMs: 1_000, intervalMs: 10 });
      expect(signal?.reason).toBeInstanceOf(LeaseLostError);
      await until('the worker to finish the aborted job', () => a.runningCount === 0);
      expect(await h.row(id)).toMatchObject({ status: 'cancelled', leaseToken: null });
    } finally {
      await worker.stop(1_000);
    }
  });

  it('retry requeues a failed job; retrying a running or succeeded job is a conflict', async () => {
    let calls = 0;
    const a = h.queue('worker-a', async (job, ctx) => {
      calls++;
      if (calls === 1) throw new PermanentJobError('first try fails');
      await writeResult('worker-a')(job, ctx);
    });
    const id = await h.enqueue('retry-me');
    const [first] = await a.claim(1);
    if (!first) throw new Error('nothing claimed');
    expect(await a.run(first)).toBe('failed');

    const retried = await a.retry(id);
    expect(retried).toMatchObject({ status: 'queued', attempts: 0, lastError: null, finishedAt: null });
    const [again] = await a.claim(1);
    expect(again).toMatchObject({ id, attempts: 1 });
    if (!again) return;
    await expect(a.retry(id)).rejects.toThrow(ConflictError); // running
    expect(await a.run(again)).toBe('succeeded');
    await expect(a.retry(id)).rejects.toThrow(ConflictError); // succeeded
    await expect(a.retry(crypto.randomUUID())).rejects.toThrow(NotFoundError);
    expect(await h.row(id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await h.results()).toEqual([{ job_id: id, worker: 'worker-a' }]);
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

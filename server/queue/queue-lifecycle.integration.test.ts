import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../db';
import { ConflictError, NotFoundError } from '../errors';
import { until } from '../testing/processes';
import { LeaseLostError, PermanentJobError, startWorker } from '.';
import { gate, KIND, silent, untilAborted, useDatabase, writeResult } from './queue.harness';

// Retries with backoff, permanent failures, cancel and retry.
describe.each(['postgres', 'pglite'] as const)('the job lifecycle in the queue on %s', (kind) => {
  const h = useDatabase(kind);

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

  /**
   * A job of `subjectId` running in worker-a's loop, which polls once a minute: only the
   * notifications can wake it or abort the job. `other` is another replica's queue.
   */
  async function runningInWorkerLoop(subjectId: string) {
    const started = gate();
    let signal: AbortSignal | undefined;
    const a = h.queue('worker-a', (_job, ctx) => {
      signal = ctx.signal;
      started.open();
      return untilAborted(ctx);
    });
    const other = h.queue('worker-b', () => Promise.reject(new Error('not run in this test')), { db: await h.replica() });
    const worker = await startWorker({ queue: a, database: h.handle, log: silent, concurrency: 1, pollMs: 60_000 });
    const stop = () => worker.stop(1_000);
    try {
      const id = await h.enqueue(subjectId);
      await until('the worker loop to start the job (woken by NOTIFY)', started.isOpen, { timeoutMs: 5_000 });
      expect(await h.row(id)).toMatchObject({ status: 'running', leasedBy: 'worker-a' });
      /** The abort reason. A 60 s lease is renewed every 20 s, so within a second only the notification can have aborted it. */
      const abortedByNotification = async () => {
        await until('the cancel to abort the running job', () => signal?.aborted, { timeoutMs: 1_000, intervalMs: 10 });
        await until('the worker to finish the aborted job', () => a.runningCount === 0);
        return signal?.reason;
      };
      return { id, a, other, abortedByNotification, stop };
    } catch (error) {
      await stop();
      throw error;
    }
  }

  it('cancel from another replica reaches the job running in a worker loop within a second (LISTEN/NOTIFY)', async () => {
    const { id, other, abortedByNotification, stop } = await runningInWorkerLoop('cancel-remote');
    try {
      await other.cancel(id);
      expect(await abortedByNotification()).toBeInstanceOf(LeaseLostError);
      expect(await h.row(id)).toMatchObject({ status: 'cancelled', leaseToken: null });
    } finally {
      await stop();
    }
  });

  it("cancelling a subject's jobs (its subject is gone) aborts the running one at once and leaves finished ones alone", async () => {
    const finished = await h.enqueue('gone-subject');
    await h.db.execute(sql`update preprocess_jobs set status = 'succeeded', finished_at = now() where id = ${finished}`);
    const { id, a, other, abortedByNotification, stop } = await runningInWorkerLoop('gone-subject');
    try {
      await other.options.db.transaction((tx) => other.cancelForSubject(tx, { kind: KIND, subjectId: 'gone-subject' }, 'subject deleted'));
      expect(await abortedByNotification()).toBeInstanceOf(LeaseLostError);
      expect(await h.row(id)).toMatchObject({ status: 'cancelled', lastError: 'subject deleted', leaseToken: null, leaseExpiresAt: null });
      expect((await h.row(id)).finishedAt).toBeInstanceOf(Date);
      expect(await h.row(finished)).toMatchObject({ status: 'succeeded', lastError: null });
      expect(await a.claim(1)).toEqual([]);
    } finally {
      await stop();
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
});

import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { until } from '../testing/processes';
import { PermanentJobError, type Queue } from '.';
import { useDatabase } from './queue.harness';

// Why a job stopped (failure_kind), and the early stop of a job that fails the same way every time.
describe.each(['postgres', 'pglite'] as const)('job failures in the queue on %s', (kind) => {
  const h = useDatabase(kind);

  /** Claims the job (waiting out its backoff) and runs one attempt. */
  async function attempt(queue: Queue, id: string) {
    const job = await until(`job ${id} to be due`, async () => (await queue.claim(1))[0], { timeoutMs: 15_000 });
    expect(job.id).toBe(id);
    return queue.run(job);
  }

  it('the same error on two attempts in a row fails the job at once as "repeated", with the real cause', async () => {
    let calls = 0;
    const a = h.queue(
      'worker-a',
      () => {
        calls++;
        return Promise.reject(new Error('VipsJpeg: Unsupported marker type 0x19'));
      },
      { maxAttempts: 5 },
    );
    const id = await h.enqueue('deterministic', a);
    expect(await attempt(a, id)).toBe('retrying');
    expect(await h.row(id)).toMatchObject({ status: 'queued', failureKind: null });
    expect(await attempt(a, id)).toBe('failed');
    expect(await h.row(id)).toMatchObject({ status: 'failed', attempts: 2, failureKind: 'repeated', lastError: 'VipsJpeg: Unsupported marker type 0x19' });
    expect(calls).toBe(2);
    expect(await a.claim(1)).toEqual([]);
  });

  it('different errors keep retrying until max_attempts: "exhausted"', async () => {
    let calls = 0;
    const a = h.queue('worker-a', () => Promise.reject(new Error(`timeout after ${++calls} s`)), { maxAttempts: 3 });
    const id = await h.enqueue('flaky', a);
    expect([await attempt(a, id), await attempt(a, id), await attempt(a, id)]).toEqual(['retrying', 'retrying', 'failed']);
    expect(await h.row(id)).toMatchObject({ status: 'failed', attempts: 3, failureKind: 'exhausted', lastError: 'timeout after 3 s' });
  });

  it('a PermanentJobError is "permanent"', async () => {
    const a = h.queue('worker-a', () => Promise.reject(new PermanentJobError('not a photo')), { maxAttempts: 5 });
    const id = await h.enqueue('permanent', a);
    expect(await attempt(a, id)).toBe('failed');
    expect(await h.row(id)).toMatchObject({ status: 'failed', attempts: 1, failureKind: 'permanent' });
  });

  it('an expired lease between two identical errors is not a repetition (a crash is not deterministic)', async () => {
    const a = h.queue('worker-a', () => Promise.reject(new Error('same error')), { maxAttempts: 5 });
    const id = await h.enqueue('crash-between', a);
    expect(await attempt(a, id)).toBe('retrying');
    // Attempt 2: the worker "crashes" (never settles); the sweep re-queues the expired lease.
    const crashed = await until('attempt 2 to be due', async () => (await a.claim(1))[0], { timeoutMs: 15_000 });
    await h.expireAndSweep(a, crashed.id);
    expect(await h.row(id)).toMatchObject({ status: 'queued', failureKind: null, lastError: expect.stringMatching(/^lease expired/) });
    expect(await attempt(a, id)).toBe('retrying');
    expect(await attempt(a, id)).toBe('failed');
    expect(await h.row(id)).toMatchObject({ attempts: 4, failureKind: 'repeated', lastError: 'same error' });
  });

  it('an expired lease on the last attempt is "exhausted"', async () => {
    const a = h.queue('worker-a', () => new Promise(() => {}), { maxAttempts: 1 });
    const id = await h.enqueue('expires', a);
    const [job] = await a.claim(1);
    if (!job) throw new Error('nothing claimed');
    await h.expireAndSweep(a, job.id);
    expect(await h.row(id)).toMatchObject({ status: 'failed', failureKind: 'exhausted' });
  });

  it('a database error is recorded as the database said it, not as the query with its parameters', async () => {
    const a = h.queue('worker-a', (_job, ctx) =>
      ctx.complete(async (tx) => {
        await tx.execute(sql`select ${JSON.stringify({ make: 'Nokia\u00002' })}::jsonb`);
      }),
    );
    const id = await h.enqueue('db-error', a);
    await attempt(a, id);
    const row = await h.row(id);
    expect(row.lastError).toMatch(/unsupported Unicode escape sequence/);
    expect(row.lastError).not.toMatch(/Failed query|select|params/);
    expect(row.lastError).not.toContain('\u0000');
  });

  it('retry clears the failure kind', async () => {
    const a = h.queue('worker-a', () => Promise.reject(new PermanentJobError('nope')));
    const id = await h.enqueue('retry-clears', a);
    await attempt(a, id);
    expect(await a.retry(id)).toMatchObject({ status: 'queued', failureKind: null, lastError: null });
  });
});

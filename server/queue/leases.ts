/** The preprocess_jobs rows and their leases: every statement the queue runs on its table, fenced by lease token where a result is written. */
import { type AnyColumn, and, asc, desc, eq, exists, inArray, lte, sql } from 'drizzle-orm';
import { type JobFailureKind, jobStatuses } from '../../drizzle/schema';
import { type Database, rowsOf, schema, type Transaction } from '../db';
import { countByStatus, type StatusCounts } from '../db/counts';
import { ConflictError, NotFoundError } from '../errors';
import { paginate } from '../shapes';
import { LeaseLostError, type LeasedJob } from './types';

const jobs = schema.preprocessJobs;
export const JOBS_CHANNEL = 'darkroom_jobs';
export const CANCEL_CHANNEL = 'darkroom_jobs_cancel';

type Db = Database | Transaction;
type JobRow = typeof jobs.$inferSelect;

const toLeased = (row: JobRow): LeasedJob => ({
  id: row.id,
  kind: row.kind,
  subjectId: row.subjectId,
  payload: row.payload,
  attempts: row.attempts,
  maxAttempts: row.maxAttempts,
  leasedBy: row.leasedBy ?? '',
  leaseToken: row.leaseToken ?? '',
});

const msInterval = (ms: number) => sql`(${Math.round(ms)} * interval '1 millisecond')`;
/** Exponential backoff in SQL: base·2^(attempts−1), at most five minutes. */
const backoff = (baseMs: number) => sql`(least(${Math.round(baseMs)} * power(2, greatest(${jobs.attempts} - 1, 0)), 300000) * interval '1 millisecond')`;

/** Inserts a queued job unless one is already live for (kind, subject); wakes the workers on commit. */
export async function insertJob(
  db: Db,
  input: { kind: string; subjectId: string; payload?: Record<string, unknown>; maxAttempts: number },
): Promise<string | undefined> {
  const [row] = await db
    .insert(jobs)
    .values({ id: crypto.randomUUID(), kind: input.kind, subjectId: input.subjectId, payload: input.payload ?? {}, maxAttempts: input.maxAttempts })
    .onConflictDoNothing()
    .returning({ id: jobs.id });
  if (row) await db.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${input.kind})`);
  return row?.id;
}

/** For another module's query: true where `subjectId` (a column of its own) has a queued or running job of `kind`. */
export const hasLiveJob = (db: Db, kind: string, subjectId: AnyColumn) =>
  exists(
    db
      .select({ one: sql`1` })
      .from(jobs)
      .where(and(eq(jobs.kind, kind), eq(jobs.subjectId, subjectId), inArray(jobs.status, ['queued', 'running']))),
  );

/** FOR UPDATE SKIP LOCKED: concurrent claimers never block on, or share, a job. */
export async function claimJobs(tx: Transaction, input: { workerId: string; limit: number; leaseMs: number }): Promise<LeasedJob[]> {
  const due = tx
    .select({ id: jobs.id })
    .from(jobs)
    // A literal status: a prepared statement's generic plan matches the partial claim index only then.
    .where(and(sql`${jobs.status} = 'queued'`, lte(jobs.runAfter, sql`now()`)))
    .orderBy(asc(jobs.runAfter), asc(jobs.createdAt))
    .limit(input.limit)
    .for('update', { skipLocked: true });
  const rows = await tx
    .update(jobs)
    .set({
      status: 'running',
      attempts: sql`${jobs.attempts} + 1`,
      leasedBy: input.workerId,
      leaseToken: sql`gen_random_uuid()`,
      leaseExpiresAt: sql`now() + ${msInterval(input.leaseMs)}`,
      updatedAt: sql`now()`,
    })
    .where(inArray(jobs.id, due))
    .returning();
  return rows.map(toLeased);
}

/** Extends a held lease; false when it is no longer ours (expired and re-taken, or cancelled). */
export async function extendLease(db: Db, job: LeasedJob, leaseMs: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ leaseExpiresAt: sql`now() + ${msInterval(leaseMs)}`, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, job.id), eq(jobs.leaseToken, job.leaseToken), eq(jobs.status, 'running')))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Locks the job row if and only if our lease still holds; every result write starts here. */
export async function assertLease(tx: Transaction, job: LeasedJob): Promise<void> {
  const rows = await tx
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.id, job.id), eq(jobs.leaseToken, job.leaseToken), eq(jobs.status, 'running')))
    .for('update');
  if (rows.length === 0) throw new LeaseLostError(job.id);
}

export async function markSucceeded(tx: Transaction, job: LeasedJob): Promise<void> {
  await tx
    .update(jobs)
    .set({ status: 'succeeded', leaseToken: null, leaseExpiresAt: null, lastError: null, failureKind: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(jobs.id, job.id));
}

/**
 * After a failed attempt: back to the queue with backoff, or failed for good — at once for a
 * permanent error, after two attempts in a row with the same error (a deterministic failure
 * will not fix itself; lease expiries and shutdowns record other errors, so they never count),
 * or at max_attempts. Fenced by the caller, which holds the row lock.
 */
export async function markAttemptFailed(
  tx: Transaction,
  job: LeasedJob,
  input: { error: string; permanent: boolean; retryBaseMs: number },
): Promise<{ outcome: 'retrying' | 'failed'; failureKind: JobFailureKind | null }> {
  const [previous] = await tx.select({ lastError: jobs.lastError }).from(jobs).where(eq(jobs.id, job.id));
  const failureKind: JobFailureKind | null = input.permanent
    ? 'permanent'
    : job.attempts > 1 && previous?.lastError === input.error
      ? 'repeated'
      : job.attempts >= job.maxAttempts
        ? 'exhausted'
        : null;
  await tx
    .update(jobs)
    .set(
      failureKind
        ? { status: 'failed', lastError: input.error, failureKind, leaseToken: null, leaseExpiresAt: null, finishedAt: sql`now()`, updatedAt: sql`now()` }
        : { status: 'queued', lastError: input.error, leaseToken: null, leaseExpiresAt: null, runAfter: sql`now() + ${backoff(input.retryBaseMs)}`, updatedAt: sql`now()` },
    )
    .where(eq(jobs.id, job.id));
  return { outcome: failureKind ? 'failed' : 'retrying', failureKind };
}

/** Graceful shutdown: hands the job back without counting the attempt. Fenced by the caller. */
export async function markReleased(tx: Transaction, job: LeasedJob): Promise<void> {
  await tx
    .update(jobs)
    .set({ status: 'queued', attempts: sql`greatest(${jobs.attempts} - 1, 0)`, leaseToken: null, leaseExpiresAt: null, runAfter: sql`now()`, updatedAt: sql`now()` })
    .where(eq(jobs.id, job.id));
}

/** Cluster duty: expired leases go back to the queue with backoff, or fail at max_attempts. */
export async function requeueExpired(tx: Transaction, retryBaseMs: number) {
  const rows = await tx.execute(sql`
    update ${jobs} set
      status = case when ${jobs.attempts} >= ${jobs.maxAttempts} then 'failed' else 'queued' end,
      run_after = case when ${jobs.attempts} >= ${jobs.maxAttempts} then ${jobs.runAfter} else now() + ${backoff(retryBaseMs)} end,
      finished_at = case when ${jobs.attempts} >= ${jobs.maxAttempts} then now() else null end,
      failure_kind = case when ${jobs.attempts} >= ${jobs.maxAttempts} then 'exhausted' else null end,
      last_error = 'lease expired: worker ' || coalesce(${jobs.leasedBy}, '?') || ' stopped renewing it',
      lease_token = null, lease_expires_at = null, updated_at = now()
    where ${jobs.status} = 'running' and ${jobs.leaseExpiresAt} < now()
    returning id, kind, subject_id, status, last_error`);
  return rowsOf<{ id: string; kind: string; subject_id: string; status: 'queued' | 'failed'; last_error: string }>(rows);
}

/** Running jobs of workers declared offline go back to the queue at once (the attempt counts). */
export async function releaseLeasesOf(tx: Transaction, workerIds: string[]) {
  if (!workerIds.length) return [];
  return tx
    .update(jobs)
    .set({ status: 'queued', leaseToken: null, leaseExpiresAt: null, runAfter: sql`now()`, lastError: sql`'worker ' || ${jobs.leasedBy} || ' went offline'`, updatedAt: sql`now()` })
    .where(and(eq(jobs.status, 'running'), inArray(jobs.leasedBy, workerIds)))
    .returning({ id: jobs.id, kind: jobs.kind, subjectId: jobs.subjectId });
}

export async function cancelJob(tx: Transaction, id: string) {
  const [row] = await tx
    .update(jobs)
    .set({ status: 'cancelled', lastError: 'cancelled by an admin', leaseToken: null, leaseExpiresAt: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, id), inArray(jobs.status, ['queued', 'running'])))
    .returning();
  if (!row) {
    const [existing] = await tx.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, id));
    if (!existing) throw new NotFoundError('Job not found');
    throw new ConflictError(`The job is already ${existing.status}`);
  }
  await tx.execute(sql`select pg_notify(${CANCEL_CHANNEL}, ${id})`);
  return row;
}

/** Every live job of a subject that no longer exists ends as cancelled; a running one hears it at once. */
export async function cancelJobsOfSubject(tx: Transaction, input: { kind: string; subjectId: string; reason: string }): Promise<void> {
  const rows = await tx
    .update(jobs)
    .set({ status: 'cancelled', lastError: input.reason, leaseToken: null, leaseExpiresAt: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(jobs.kind, input.kind), eq(jobs.subjectId, input.subjectId), inArray(jobs.status, ['queued', 'running'])))
    .returning({ id: jobs.id });
  for (const row of rows) await tx.execute(sql`select pg_notify(${CANCEL_CHANNEL}, ${row.id})`);
}

export async function retryJob(tx: Transaction, id: string) {
  const [existing] = await tx.select().from(jobs).where(eq(jobs.id, id)).for('update');
  if (!existing) throw new NotFoundError('Job not found');
  if (existing.status !== 'failed' && existing.status !== 'cancelled') throw new ConflictError(`Only failed or cancelled jobs can be retried; this one is ${existing.status}`);
  const [live] = await tx
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.kind, existing.kind), eq(jobs.subjectId, existing.subjectId), inArray(jobs.status, ['queued', 'running'])));
  if (live) throw new ConflictError('Another job for the same item is already queued or running');
  const [row] = await tx
    .update(jobs)
    .set({ status: 'queued', attempts: 0, runAfter: sql`now()`, lastError: null, failureKind: null, finishedAt: null, leasedBy: null, updatedAt: sql`now()` })
    .where(eq(jobs.id, id))
    .returning();
  if (!row) throw new NotFoundError('Job not found');
  await tx.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${existing.kind})`);
  return row;
}

export const jobStatusFilter = (status?: JobRow['status']) => (status ? eq(jobs.status, status) : undefined);

export async function listJobs(db: Db, input: { status?: JobRow['status']; cursor?: string; limit: number }) {
  const conditions = [jobStatusFilter(input.status)];
  if (input.cursor) conditions.push(sql`(${jobs.createdAt}, ${jobs.id}) < (select created_at, id from preprocess_jobs where id = ${input.cursor})`);
  const rows = await db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(input.limit + 1);
  return paginate(rows, input.limit, (row) => row.id);
}

/** Jobs per status; a status with more than EXACT_COUNT_CAP jobs (years of succeeded ones) is PostgreSQL's estimate. */
export async function countJobsByStatus(db: Db): Promise<StatusCounts<JobRow['status']>> {
  return countByStatus(db, 'preprocess_jobs', jobStatuses);
}

/**
 * For the metrics scrape, in one query: jobs by status, and how long the oldest queued job
 * that is due has waited (0 when none waits). Jobs backing off until later are not late.
 */
export async function readQueueDepth(db: Db): Promise<{ byStatus: Partial<Record<JobRow['status'], number>>; oldestQueuedSeconds: number }> {
  const rows = rowsOf<{ status: JobRow['status']; n: number | string; oldest: number | string | null }>(
    await db.execute(sql`
      select status, count(*)::int as n,
        extract(epoch from now() - min(run_after) filter (where status = 'queued' and run_after <= now()))::float8 as oldest
      from ${jobs} group by status`),
  );
  const oldest = Math.max(0, ...rows.map((r) => Number(r.oldest ?? 0)));
  return { byStatus: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])), oldestQueuedSeconds: oldest };
}

export async function getJob(db: Db, id: string) {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!row) throw new NotFoundError('Job not found');
  return row;
}

/** Running leases held by one worker (capacity is derived from this, never counted by hand). */
export async function countRunning(db: Db, workerId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(jobs).where(and(eq(jobs.status, 'running'), eq(jobs.leasedBy, workerId)));
  return Number(row?.n ?? 0);
}

/** Running leases per worker, for the whole fleet at once. */
export async function countRunningByWorker(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ workerId: jobs.leasedBy, n: sql<number>`count(*)::int` })
    .from(jobs)
    .where(eq(jobs.status, 'running'))
    .groupBy(jobs.leasedBy);
  return new Map(rows.flatMap((r) => (r.workerId ? [[r.workerId, Number(r.n)] as const] : [])));
}

export type { JobRow };

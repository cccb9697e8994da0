import { sql } from 'drizzle-orm';
import { type Database, rowsOf, type Transaction } from '../db';
import type { Logger } from '../log';
import { processMetrics } from '../metrics';
import { describeFailure } from './failure';
import * as leases from './leases';
import { type JobHandler, type JobOutcome, LeaseLostError, type LeasedJob, PermanentJobError, type TickResult } from './types';

export interface QueueOptions {
  db: Database;
  log: Logger;
  workerId: string;
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** Ticks of this process that may develop at once (PREPROCESS_TICK_CONCURRENCY); default 1. */
  tickConcurrency?: number;
}

// Any constant; the same in every replica so exactly one runs the cluster duties per tick.
const CLUSTER_LOCK_KEY = 0x7175657565;
const MISSING_BATCH = 200;

/**
 * The generic lease-fenced queue. It knows leases, not photos: each job kind's handler
 * is registered at startup by the module that owns the kind.
 */
export class Queue {
  private readonly handlers = new Map<string, JobHandler>();
  /** Running jobs of this process, so a cancel notification can abort them. */
  private readonly running = new Map<string, AbortController>();
  private readonly clusterDuties: ClusterDuty[] = [];
  /** Ticks of this process developing right now; every driver (endpoint, ticker) shares the budget. */
  private developingTicks = 0;

  private fleet: FleetHooks = {};

  constructor(readonly options: QueueOptions) {}

  /** The availability mirror plugs in here: no claim while drained; capacity after each lease change. */
  useFleet(hooks: FleetHooks): void {
    this.fleet = hooks;
  }

  private leaseChanged(): void {
    this.fleet.onLeaseChange?.();
  }

  get workerId() {
    return this.options.workerId;
  }

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for "${kind}" is already registered`);
    this.handlers.set(kind, handler);
  }

  /** Another module's duty to run under the cluster lock on every tick (e.g. fleet sweeps). */
  addClusterDuty(duty: ClusterDuty): void {
    this.clusterDuties.push(duty);
  }

  enqueue(db: Database | Transaction, input: { kind: string; subjectId: string; payload?: Record<string, unknown> }) {
    return leases.insertJob(db, { ...input, maxAttempts: this.options.maxAttempts });
  }

  /** Claims up to `limit` due jobs for this worker and mirrors "running" onto their subjects. */
  async claim(limit: number): Promise<LeasedJob[]> {
    if (limit <= 0) return [];
    if (this.fleet.canClaim && !(await this.fleet.canClaim())) return [];
    const claimed = await this.options.db.transaction(async (tx) => {
      const jobs = await leases.claimJobs(tx, { workerId: this.options.workerId, limit, leaseMs: this.options.leaseMs });
      await this.mirrorOntoSubjects(tx, jobs.map((j) => ({ kind: j.kind, subjectId: j.subjectId, status: 'running' as const })));
      return jobs;
    });
    if (claimed.length) this.leaseChanged();
    return claimed;
  }

  /** Auto-offline: a dead worker's running jobs go back to the queue, their subjects mirrored. */
  async releaseWorkerLeases(tx: Transaction, workerIds: string[]): Promise<number> {
    const released = await leases.releaseLeasesOf(tx, workerIds);
    await this.mirrorOntoSubjects(tx, released.map((r) => ({ kind: r.kind, subjectId: r.subjectId, status: 'queued' as const })));
    return released.length;
  }

  /** Runs one leased job to an outcome; never throws. */
  async run(job: LeasedJob, signal?: AbortSignal): Promise<JobOutcome> {
    const outcome = await this.runToOutcome(job, signal);
    processMetrics().jobsFinished.inc({ kind: job.kind, outcome });
    return outcome;
  }

  private async runToOutcome(job: LeasedJob, signal?: AbortSignal): Promise<JobOutcome> {
    const { db, log: rootLog, leaseMs } = this.options;
    const log = rootLog.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    this.running.set(job.id, controller);
    // Renew at a third of the lease so two missed renewals still leave time, and at least twice a
    // second: a refused renewal is how a cancel reaches a job no LISTEN connection watches (tick).
    const keeper = setInterval(() => {
      leases.extendLease(db, job, leaseMs).then(
        (held) => held || controller.abort(new LeaseLostError(job.id)),
        (error: unknown) => log.warn({ err: error }, 'lease renewal failed; will retry'),
      );
    }, Math.max(100, Math.min(500, Math.floor(leaseMs / 3))));
    let completed = false;
    try {
      const handler = this.handlers.get(job.kind);
      if (!handler) throw new PermanentJobError(`No handler is registered for job kind "${job.kind}"`);
      await handler.run(job, {
        signal: controller.signal,
        log,
        complete: async (write) => {
          await db.transaction(async (tx) => {
            await leases.assertLease(tx, job);
            await write?.(tx);
            await leases.markSucceeded(tx, job);
          });
          completed = true;
        },
        checkpoint: (write) =>
          db.transaction(async (tx) => {
            await leases.assertLease(tx, job);
            return write(tx);
          }),
      });
      if (!completed) {
        await db.transaction(async (tx) => {
          await leases.assertLease(tx, job);
          await leases.markSucceeded(tx, job);
        });
      }
      log.info('job succeeded');
      return 'succeeded';
    } catch (error) {
      return await this.settleFailure(job, error, controller.signal, log);
    } finally {
      clearInterval(keeper);
      this.running.delete(job.id);
      this.leaseChanged();
    }
  }

  private async settleFailure(job: LeasedJob, error: unknown, signal: AbortSignal, log: Logger): Promise<JobOutcome> {
    const reason: unknown = signal.aborted ? signal.reason : undefined;
    if (error instanceof LeaseLostError || reason instanceof LeaseLostError) {
      log.warn('lease lost; the result of this attempt was discarded');
      return 'lost';
    }
    try {
      return await this.options.db.transaction(async (tx) => {
        await leases.assertLease(tx, job);
        if (reason instanceof ShutdownSignal) {
          await leases.markReleased(tx, job);
          await this.mirrorOntoSubjects(tx, [{ kind: job.kind, subjectId: job.subjectId, status: 'queued' }]);
          log.info('job released for another worker (shutdown)');
          return 'released' as const;
        }
        const message = describeFailure(error);
        const { outcome, failureKind } = await leases.markAttemptFailed(tx, job, {
          error: message,
          permanent: error instanceof PermanentJobError,
          retryBaseMs: this.options.retryBaseMs,
        });
        await this.mirrorOntoSubjects(tx, [{ kind: job.kind, subjectId: job.subjectId, status: outcome === 'failed' ? 'failed' : 'queued', error: message }]);
        if (outcome === 'retrying') log.warn({ err: message }, 'job attempt failed; will retry');
        else log.error({ err: message, failureKind }, failureKind === 'repeated' ? 'job failed the same way twice in a row; not retried' : 'job failed for good');
        return outcome;
      });
    } catch (settleError) {
      if (settleError instanceof LeaseLostError) {
        log.warn('lease lost; the result of this attempt was discarded');
        return 'lost';
      }
      log.error({ err: settleError }, 'could not record the job failure; the lease will expire and be re-queued');
      return 'lost';
    }
  }

  /** Cancels a queued or running job; the running replica aborts it on the notification. */
  async cancel(jobId: string) {
    const row = await this.options.db.transaction(async (tx) => {
      const cancelled = await leases.cancelJob(tx, jobId);
      await this.mirrorOntoSubjects(tx, [{ kind: cancelled.kind, subjectId: cancelled.subjectId, status: 'cancelled', error: 'cancelled by an admin' }]);
      return cancelled;
    });
    this.abortLocal(jobId);
    processMetrics().jobsFinished.inc({ kind: row.kind, outcome: 'cancelled' });
    return row;
  }

  /**
   * For the module that owns the subject, inside the transaction that deletes it: its live
   * jobs end as cancelled with `reason`, and the replica running one aborts it. Nothing is
   * mirrored onto the subject, which is gone.
   */
  async cancelForSubject(tx: Transaction, subject: { kind: string; subjectId: string }, reason: string): Promise<void> {
    await leases.cancelJobsOfSubject(tx, { ...subject, reason });
  }

  async retry(jobId: string) {
    return this.options.db.transaction(async (tx) => {
      const row = await leases.retryJob(tx, jobId);
      await this.mirrorOntoSubjects(tx, [{ kind: row.kind, subjectId: row.subjectId, status: 'queued' }]);
      return row;
    });
  }

  /** Called for cancel notifications from any replica. */
  abortLocal(jobId: string): void {
    this.running.get(jobId)?.abort(new LeaseLostError(jobId));
  }

  /** Aborts every running job of this process so it is released (graceful shutdown). */
  abortAllForShutdown(): void {
    for (const controller of this.running.values()) controller.abort(new ShutdownSignal());
  }

  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Requeue expired leases, enqueue missing work, and other registered duties — inside
   * one transaction holding a transaction-scoped advisory lock, so one replica does them.
   */
  async runClusterDuties(): Promise<{ ran: boolean; requeued: number; enqueued: number }> {
    const afterCommit: (() => Promise<void>)[] = [];
    const result = await this.options.db.transaction(async (tx) => {
      const [lock] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${CLUSTER_LOCK_KEY}) as locked`));
      if (!lock?.locked) return { ran: false, requeued: 0, enqueued: 0 };
      const expired = await leases.requeueExpired(tx, this.options.retryBaseMs);
      await this.mirrorOntoSubjects(
        tx,
        expired.map((r) => ({ kind: r.kind, subjectId: r.subject_id, status: r.status, error: r.last_error })),
      );
      if (expired.length) this.options.log.warn({ jobs: expired.map((r) => r.id) }, 'expired leases re-queued');
      let enqueued = 0;
      for (const [kind, handler] of this.handlers) {
        const missing = (await handler.findMissing?.(tx, MISSING_BATCH)) ?? [];
        for (const subjectId of missing) if (await this.enqueue(tx, { kind, subjectId })) enqueued++;
        if (missing.length) await handler.onStatus?.(tx, missing.map((subjectId) => ({ subjectId, status: 'queued' })));
      }
      for (const duty of this.clusterDuties) {
        const then = await duty(tx);
        if (then) afterCommit.push(then);
      }
      return { ran: true, requeued: expired.length, enqueued };
    });
    for (const then of afterCommit) {
      await then().catch((error: unknown) => this.options.log.warn({ err: error }, 'cluster duty follow-up failed'));
    }
    return result;
  }

  /**
   * One tick, shared by every driver: cluster duties, then (when `develop`) claim and run
   * jobs one at a time until the budget is spent. A started job may finish past it.
   * A developing tick that finds PREPROCESS_TICK_CONCURRENCY ticks already developing
   * returns at once with `busy`, having done nothing.
   */
  async tick(input: { budgetMs: number; develop: boolean }): Promise<TickResult> {
    const started = performance.now();
    const result: TickResult = { busy: false, claimed: 0, succeeded: 0, failed: 0, retrying: 0, released: 0, requeued: 0, enqueued: 0, durationMs: 0 };
    if (input.develop && this.developingTicks >= (this.options.tickConcurrency ?? 1)) {
      return { ...result, busy: true, durationMs: Math.round(performance.now() - started) };
    }
    if (input.develop) this.developingTicks++;
    try {
      const duties = await this.runClusterDuties();
      result.requeued = duties.requeued;
      result.enqueued = duties.enqueued;
      while (input.develop && performance.now() - started < input.budgetMs) {
        const [job] = await this.claim(1);
        if (!job) break;
        result.claimed++;
        const outcome = await this.run(job);
        if (outcome === 'succeeded') result.succeeded++;
        else if (outcome === 'failed') result.failed++;
        else if (outcome === 'retrying') result.retrying++;
        else result.released++;
      }
    } finally {
      if (input.develop) this.developingTicks--;
    }
    result.durationMs = Math.round(performance.now() - started);
    return result;
  }

  /** Job status changes, mirrored onto their subjects by each kind's handler (onStatus), in the same transaction. */
  private async mirrorOntoSubjects(tx: Transaction, changes: { kind: string; subjectId: string; status: 'queued' | 'running' | 'failed' | 'cancelled'; error?: string }[]) {
    const byKind = new Map<string, typeof changes>();
    for (const change of changes) byKind.set(change.kind, [...(byKind.get(change.kind) ?? []), change]);
    for (const [kind, list] of byKind) await this.handlers.get(kind)?.onStatus?.(tx, list);
  }
}

/** Runs inside the cluster-lock transaction; may return work to do after it commits. */
export type ClusterDuty = (tx: Transaction) => Promise<(() => Promise<void>) | void>;

export interface FleetHooks {
  canClaim?: () => Promise<boolean>;
  onLeaseChange?: () => void;
}

/** Abort reason used at shutdown: the job is handed back, not failed. */
export class ShutdownSignal extends Error {
  override name = 'ShutdownSignal';
  constructor() {
    super('worker is shutting down');
  }
}

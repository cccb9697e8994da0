import type { Transaction } from '../db';
import type { Logger } from '../log';

/** A job this worker holds a lease on. `leaseToken` fences every write of its result. */
export interface LeasedJob {
  id: string;
  kind: string;
  subjectId: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
  leasedBy: string;
  leaseToken: string;
}

export interface JobRunContext {
  /** Aborted when the lease is lost, the job is cancelled, or the worker shuts down. */
  signal: AbortSignal;
  log: Logger;
  /**
   * Writes the result: `write` runs in a transaction that first re-checks the lease
   * token under a row lock; the job is marked succeeded in the same transaction.
   * Throws LeaseLostError (and writes nothing) when the lease is no longer ours.
   */
  complete(write?: (tx: Transaction) => Promise<void>): Promise<void>;
  /**
   * Publishes part of the result while the job keeps running: `write` runs in a transaction
   * fenced like `complete`'s, and the job stays running. Throws LeaseLostError (and writes
   * nothing) when the lease is no longer ours.
   */
  checkpoint<T>(write: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** How a kind of job is run; registered at startup by the module that owns the kind. */
export interface JobHandler {
  run(job: LeasedJob, ctx: JobRunContext): Promise<void>;
  /** Mirrors a status change onto the subject, inside the queue's transaction. */
  onStatus?(tx: Transaction, jobs: { subjectId: string; status: 'queued' | 'running' | 'failed' | 'cancelled'; error?: string }[]): Promise<void>;
  /** Cluster duty: finds subjects that need a job but have none; returns their ids. */
  findMissing?(tx: Transaction, limit: number): Promise<string[]>;
}

export type JobOutcome = 'succeeded' | 'retrying' | 'failed' | 'lost' | 'released';

export type { TickResult } from './dto';

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(jobId: string) {
    super(`Lease on job ${jobId} is no longer held (expired, cancelled or taken over); result discarded`);
  }
}

/** A job error that must not be retried (the input can never succeed). */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

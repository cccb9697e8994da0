import type { JobFailureKind } from '../../../drizzle/schema';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  id: string;
  kind: string;
  subjectId: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAfter: string;
  leasedBy: string | null;
  leaseExpiresAt: string | null;
  lastError: string | null;
  /** Why a failed job stopped retrying (null while it may still run). */
  failureKind: JobFailureKind | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
  counts: Record<string, number>;
}

/** The last error as a person should read it: why the job stopped, then the cause. */
export function failureText(job: Pick<Job, 'lastError' | 'failureKind' | 'attempts'>): string | null {
  if (!job.lastError) return null;
  if (job.failureKind === 'repeated') return `Fails the same way on every attempt: ${job.lastError}`;
  if (job.failureKind === 'permanent') return `Cannot succeed: ${job.lastError}`;
  if (job.failureKind === 'exhausted') return `Gave up after ${job.attempts} attempts: ${job.lastError}`;
  return job.lastError;
}

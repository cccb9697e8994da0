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
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
  counts: Record<string, number>;
}

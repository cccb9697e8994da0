import type { Job } from '../../_lib/api';

/** The last error as a person should read it: why the job stopped, then the cause. */
export function failureText(job: Pick<Job, 'lastError' | 'failureKind' | 'attempts'>): string | null {
  if (!job.lastError) return null;
  if (job.failureKind === 'repeated') return `Fails the same way on every attempt: ${job.lastError}`;
  if (job.failureKind === 'permanent') return `Cannot succeed: ${job.lastError}`;
  if (job.failureKind === 'exhausted') return `Gave up after ${job.attempts} attempts: ${job.lastError}`;
  return job.lastError;
}

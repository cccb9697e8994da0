import { z } from 'zod';
import { jobFailureKinds, jobStatuses } from '../../drizzle/schema';
import type { schema } from '../db';
import { pageOf, pageQuery } from '../shapes';

type JobRow = typeof schema.preprocessJobs.$inferSelect;

export const jobDto = z
  .object({
    id: z.string(),
    kind: z.string(),
    subjectId: z.string(),
    status: z.enum(jobStatuses),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    runAfter: z.string(),
    leasedBy: z.string().nullable(),
    leaseExpiresAt: z.string().nullable(),
    lastError: z.string().nullable(),
    failureKind: z.enum(jobFailureKinds).nullable().meta({
      description: 'Why a failed job stopped: permanent (can never succeed), repeated (failed the same way twice in a row), exhausted (ran out of attempts)',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Job' });
export type JobDto = z.infer<typeof jobDto>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Through the schema: the lease token and payload never leave the queue. */
export const toJobDto = (row: JobRow): JobDto =>
  jobDto.parse({
    ...row,
    runAfter: row.runAfter.toISOString(),
    leaseExpiresAt: iso(row.leaseExpiresAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: iso(row.finishedAt),
  });

export const listJobsInput = z.object({ status: z.enum(jobStatuses).optional(), ...pageQuery(50).shape });
export const jobPage = pageOf(jobDto).extend({
  counts: z.record(z.string(), z.number()),
  countsApproximate: z.boolean().meta({ description: 'A status with more than 10,000 jobs is counted from PostgreSQL statistics, not exactly' }),
});

const count = () => z.number().int();
export const tickResult = z
  .object({
    busy: z.boolean().meta({ description: 'PREPROCESS_TICK_CONCURRENCY ticks were already developing on this replica: this one did nothing' }),
    claimed: count(),
    succeeded: count(),
    failed: count(),
    retrying: count(),
    released: count(),
    requeued: count(),
    enqueued: count(),
    durationMs: count(),
  })
  .meta({ id: 'TickResult' });
/** What one tick did; `busy`: the replica's tick budget was full, so it did nothing. */
export type TickResult = z.infer<typeof tickResult>;

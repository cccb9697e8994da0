import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { jobFailureKinds, jobStatuses } from './enums';

/** The generic lease-fenced queue (DESIGN.md "Preprocess queue"); it knows leases, not photos. */
export const preprocessJobs = pgTable(
  'preprocess_jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    subjectId: text('subject_id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    status: text('status', { enum: jobStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    leasedBy: text('leased_by'),
    leaseToken: uuid('lease_token'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    lastError: text('last_error'),
    failureKind: text('failure_kind', { enum: jobFailureKinds }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // The claim query: queued jobs that are due, oldest first (partial: only queued rows).
    index('preprocess_jobs_claim_idx').on(t.runAfter, t.createdAt).where(sql`${t.status} = 'queued'`),
    // The expiry sweep and capacity counts scan running leases only.
    index('preprocess_jobs_running_idx').on(t.leaseExpiresAt, t.leasedBy).where(sql`${t.status} = 'running'`),
    // One live job per subject and kind: enqueueing twice is a no-op.
    uniqueIndex('preprocess_jobs_active_subject_idx')
      .on(t.kind, t.subjectId)
      .where(sql`${t.status} in ('queued', 'running')`),
    // The jobs page lists by status, newest first.
    index('preprocess_jobs_status_created_idx').on(t.status, t.createdAt),
    // The unfiltered jobs page pages newest first by (created_at, id).
    index('preprocess_jobs_created_idx').on(t.createdAt, t.id),
  ],
);

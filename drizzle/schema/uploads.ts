import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * tus upload info (id → the library's Upload JSON), shared by every replica so the chunks of
 * one resumable upload may land on any of them. Removed when the upload is ingested,
 * terminated or expired.
 */
export const tusUploads = pgTable(
  'tus_uploads',
  {
    id: text('id').primaryKey(),
    info: jsonb('info').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('tus_uploads_created_at_idx').on(t.createdAt)],
);

/**
 * One row per upload being written: a lease held by one request of one replica. A replica
 * that dies stops renewing and the lease runs out; a live holder is asked to let go (NOTIFY).
 */
export const tusUploadLocks = pgTable('tus_upload_locks', {
  id: text('id').primaryKey(),
  token: uuid('token').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

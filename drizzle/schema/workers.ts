import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** The worker fleet: PostgreSQL is the truth, Redis mirrors it (DESIGN.md "Availability mirror"). */
export const workers = pgTable(
  'workers',
  {
    id: text('id').primaryKey(),
    hostname: text('hostname').notNull(),
    version: text('version').notNull(),
    concurrency: integer('concurrency').notNull(),
    isOnline: boolean('is_online').notNull().default(true),
    isDrained: boolean('is_drained').notNull().default(false),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    /** Random per process start: two live processes sharing one worker id (one DATA_DIR) show two nonces. */
    bootNonce: text('boot_nonce'),
  },
  // The auto-offline sweep and the replica guard scan online workers by heartbeat age.
  (t) => [index('workers_online_heartbeat_idx').on(t.isOnline, t.lastHeartbeatAt)],
);

import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth';

/**
 * Keys for scripts and integrations (`x-api-key` / `Authorization: Bearer`). Only the
 * secret's SHA-256 is stored: the secret is shown once, when the key is made. Revocation,
 * expiry and the creator's role are checked in PostgreSQL on every request.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    /** The creator: a key never does more than this user's role allows now. */
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the secret, shown in lists so a key can be recognised. */
    prefix: text('prefix').notNull(),
    /** Every request looks its key up by this hash (unique index). */
    secretHash: text('secret_hash').notNull().unique(),
    scopes: text('scopes').array().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  // A user's own keys are listed by creator.
  (t) => [index('api_keys_user_id_idx').on(t.userId)],
);

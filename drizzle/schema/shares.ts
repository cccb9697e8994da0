import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { albums } from './albums';
import { users } from './auth';
import { timestamps } from './columns';

/**
 * A link to one album that is not public (`/s/<token>`). Only the token's SHA-256 is
 * stored: the link is shown once, when it is made. A password, when set, is stored
 * as a slow hash; revocation and expiry are checked on every request.
 */
export const shareLinks = pgTable(
  'share_links',
  {
    id: text('id').primaryKey(),
    albumId: text('album_id')
      .notNull()
      .references(() => albums.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label').notNull().default(''),
    passwordHash: text('password_hash'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    openCount: integer('open_count').notNull().default(0),
    lastOpenedAt: timestamp('last_opened_at', { withTimezone: true }),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [index('share_links_album_idx').on(t.albumId)],
);

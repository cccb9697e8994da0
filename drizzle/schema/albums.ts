import { boolean, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { visibilities } from './enums';

export const albums = pgTable(
  'albums',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull().unique(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    // New albums start private: nothing is published by accident.
    visibility: text('visibility', { enum: visibilities }).notNull().default('private'),
    allowGps: boolean('allow_gps').notNull().default(false),
    // Visitors may download the original file (never by default).
    allowDownload: boolean('allow_download').notNull().default(false),
    coverImageId: text('cover_image_id'),
    position: integer('position').notNull().default(0),
    ...timestamps,
  },
  // The public album list filters on visibility and sorts by position.
  (t) => [index('albums_visibility_position_idx').on(t.visibility, t.position)],
);

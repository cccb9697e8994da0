import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { albums } from './albums';
import { timestamps } from './columns';
import { imageStatuses, variantFormats, visibilities } from './enums';

export interface ExifData {
  make?: string;
  model?: string;
  lens?: string;
  focalLength?: number;
  fNumber?: number;
  exposureTime?: number;
  iso?: number;
}

export const images = pgTable(
  'images',
  {
    id: text('id').primaryKey(),
    albumId: text('album_id').references(() => albums.id, { onDelete: 'set null' }),
    title: text('title').notNull().default(''),
    originalKey: text('original_key').notNull(),
    originalName: text('original_name').notNull(),
    mime: text('mime').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    width: integer('width'),
    height: integer('height'),
    takenAt: timestamp('taken_at', { withTimezone: true }),
    exif: jsonb('exif').$type<ExifData>(),
    gpsLatitude: doublePrecision('gps_latitude'),
    gpsLongitude: doublePrecision('gps_longitude'),
    placeholder: text('placeholder'),
    dominantColor: text('dominant_color'),
    status: text('status', { enum: imageStatuses }).notNull().default('pending'),
    visibility: text('visibility', { enum: visibilities }).notNull().default('public'),
    warnings: jsonb('warnings').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    lastError: text('last_error'),
    ...timestamps,
  },
  (t) => [
    // Dedupe: the same bytes uploaded twice are the same image.
    uniqueIndex('images_sha256_idx').on(t.sha256),
    // Album pages list an album's images newest first.
    index('images_album_created_idx').on(t.albumId, t.createdAt),
    // The library filters by status and pages by creation time.
    index('images_status_created_idx').on(t.status, t.createdAt),
    // The unfiltered library pages newest first by (created_at, id) without sorting a million rows.
    index('images_created_idx').on(t.createdAt, t.id),
    // Public album pages and counts read only visible photos: a small index in their exact order.
    index('images_public_album_idx').on(t.albumId, t.createdAt, t.id).where(sql`${t.status} = 'ready' and ${t.visibility} = 'public'`),
    // The date-range filter pages by when photos were taken.
    index('images_taken_idx').on(t.takenAt, t.id),
    // Title search (ILIKE '%words%') through trigrams, on PostgreSQL and PGlite alike (pg_trgm).
    index('images_title_trgm_idx').using('gin', t.title.op('gin_trgm_ops')),
  ],
);

export const imageVariants = pgTable(
  'image_variants',
  {
    imageId: text('image_id')
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    format: text('format', { enum: variantFormats }).notNull(),
    bytes: integer('bytes').notNull(),
    key: text('key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.imageId, t.width, t.format] }),
    // GET /files/* resolves a key to its image.
    uniqueIndex('image_variants_key_idx').on(t.key),
  ],
);

export const tags = pgTable('tags', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const imageTags = pgTable(
  'image_tags',
  {
    imageId: text('image_id')
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
    tagId: text('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    // The image's created_at (which never changes), so a tag's photos page in library order from one index.
    imageCreatedAt: timestamp('image_created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.imageId, t.tagId] }),
    // Filtering by tag walks one tag's photos newest first, keyset-paginated, without sorting them all.
    index('image_tags_tag_created_idx').on(t.tagId, t.imageCreatedAt, t.imageId),
  ],
);

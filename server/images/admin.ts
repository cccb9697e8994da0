import { and, desc, eq, gte, ilike, inArray, lte, not, sql } from 'drizzle-orm';
import { z } from 'zod';
import { imageStatuses, visibilities } from '../../drizzle/schema';
import { schema, type Transaction } from '../db';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { pageQuery, paginate } from '../shapes';
import { DEVELOP_JOB, type ImagesContext } from './context';
import { type AdminImageDto, toAdminImageDto } from './dto';
import { originalPrefix, variantPrefix } from './keys';

const { images, imageVariants, imageTags, tags, albums } = schema;

export const listImagesInput = z.object({
  status: z.enum(imageStatuses).optional(),
  albumId: z.string().max(64).optional(),
  tag: z.string().max(64).optional(),
  q: z.string().trim().min(1).max(100).optional().meta({ description: 'Photos whose title contains this text (case-insensitive)' }),
  takenFrom: z.iso.datetime({ offset: true }).optional().meta({ description: 'Photos taken at or after this time; a date range orders the page by time taken, newest first' }),
  takenTo: z.iso.datetime({ offset: true }).optional().meta({ description: 'Photos taken at or before this time' }),
  before: z.iso
    .datetime({ offset: true, error: 'before must be an ISO 8601 time with an offset, e.g. 2024-03-31T23:59:59Z' })
    .optional()
    .meta({ description: 'Jump by date: start the list at photos from this time or earlier, in its order (uploaded, or taken when a date range is given); page on with the cursor' }),
  ...pageQuery(40).shape,
});
export type ListImagesInput = z.input<typeof listImagesInput>;

export const tagName = z.string().trim().toLowerCase().min(1).max(48);
export const updateImageInput = z
  .object({
    title: z.string().trim().max(200).optional(),
    albumId: z.string().max(64).nullable().optional(),
    visibility: z.enum(visibilities).optional(),
    tags: z.array(tagName).max(50).optional(),
  })
  .strict()
  .meta({ id: 'UpdateImage' });
export type UpdateImageInput = z.input<typeof updateImageInput>;

/** Rows → DTOs with their variants and tags, in the order given. */
export async function hydrate(ctx: Pick<ImagesContext, 'db'>, rows: (typeof images.$inferSelect)[]): Promise<AdminImageDto[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [variants, tagRows] = await Promise.all([
    ctx.db.select().from(imageVariants).where(inArray(imageVariants.imageId, ids)),
    ctx.db.select({ imageId: imageTags.imageId, name: tags.name }).from(imageTags).innerJoin(tags, eq(tags.id, imageTags.tagId)).where(inArray(imageTags.imageId, ids)),
  ]);
  return rows.map((row) =>
    toAdminImageDto(
      row,
      variants.filter((v) => v.imageId === row.id),
      tagRows.filter((t) => t.imageId === row.id).map((t) => t.name).sort(),
    ),
  );
}

/** `%`, `_` and `\\` match themselves in a title search. */
const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The library, newest first, keyset-paginated. Each order has its index, so no page sorts the
 * library: created_at (images_created_idx), a tag's photos (image_tags_tag_created_idx), and
 * time taken for a date range (images_taken_idx).
 */
export async function listImages(ctx: Pick<ImagesContext, 'db'>, input: ListImagesInput) {
  const q = listImagesInput.parse(input);
  const byTaken = q.takenFrom !== undefined || q.takenTo !== undefined;
  const tagId = q.tag === undefined ? undefined : sql`(select id from tags where name = ${q.tag})`;
  const byTag = tagId !== undefined && !byTaken;
  const [key, id] = byTag ? [imageTags.imageCreatedAt, imageTags.imageId] : [byTaken ? images.takenAt : images.createdAt, images.id];
  const conditions = [
    q.status ? eq(images.status, q.status) : undefined,
    q.albumId ? eq(images.albumId, q.albumId) : undefined,
    tagId && !byTag ? sql`exists (select 1 from image_tags it where it.image_id = "images"."id" and it.tag_id = ${tagId})` : undefined,
    q.q ? ilike(images.title, likeContains(q.q)) : undefined,
    q.takenFrom ? gte(images.takenAt, new Date(q.takenFrom)) : undefined,
    q.takenTo ? lte(images.takenAt, new Date(q.takenTo)) : undefined,
    // A bound on the order's own key: the same index scan, started at that time instead of the newest.
    q.before ? lte(key, new Date(q.before)) : undefined,
    q.cursor ? sql`(${key}, ${id}) < (select ${sql.raw(byTaken ? 'taken_at' : 'created_at')}, id from images where id = ${q.cursor})` : undefined,
  ];
  let query = ctx.db.select({ image: images }).from(images).$dynamic();
  if (byTag) query = query.innerJoin(imageTags, and(eq(imageTags.imageId, images.id), eq(imageTags.tagId, sql`${tagId}`)));
  const rows = await query.where(and(...conditions)).orderBy(desc(key), desc(id)).limit(q.limit + 1);
  const page = paginate(rows, q.limit, (row) => row.image.id);
  return { items: await hydrate(ctx, page.items.map((r) => r.image)), nextCursor: page.nextCursor };
}

export async function getImage(ctx: Pick<ImagesContext, 'db'>, id: string): Promise<AdminImageDto> {
  const [row] = await ctx.db.select().from(images).where(eq(images.id, id));
  if (!row) throw new NotFoundError('Image not found');
  const [dto] = await hydrate(ctx, [row]);
  if (!dto) throw new NotFoundError('Image not found');
  return dto;
}

async function setTags(tx: Transaction, imageId: string, names: string[]) {
  await tx.delete(imageTags).where(eq(imageTags.imageId, imageId));
  const unique = [...new Set(names)];
  if (!unique.length) return;
  await tx.insert(tags).values(unique.map((name) => ({ id: crypto.randomUUID(), name }))).onConflictDoNothing({ target: tags.name });
  const rows = await tx.select({ id: tags.id }).from(tags).where(inArray(tags.name, unique));
  // Copied in SQL: a JS Date would drop created_at's microseconds, and cursors compare it exactly.
  const createdAt = sql`(select created_at from images where id = ${imageId})`;
  await tx.insert(imageTags).values(rows.map((t) => ({ imageId, tagId: t.id, imageCreatedAt: createdAt })));
}

/** An album's cover is one of its own public photos: a move or a visibility change that ends that clears it. */
async function clearLostCovers(tx: Transaction, imageId: string) {
  const stillOwnPublic = sql`exists (select 1 from images i where i.id = ${imageId} and i.album_id = "albums"."id" and i.visibility = 'public')`;
  await tx.update(albums).set({ coverImageId: null }).where(and(eq(albums.coverImageId, imageId), not(stillOwnPublic)));
}

export async function updateImage(ctx: ImagesContext, id: string, input: UpdateImageInput): Promise<AdminImageDto> {
  const data = updateImageInput.parse(input);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select({ id: images.id }).from(images).where(eq(images.id, id)).for('update');
    if (!row) throw new NotFoundError('Image not found');
    if (data.albumId) {
      const [album] = await tx.select({ id: albums.id }).from(albums).where(eq(albums.id, data.albumId));
      if (!album) throw new ValidationError('albumId: no such album');
    }
    const { tags: tagNames, ...fields } = data;
    if (Object.keys(fields).length) await tx.update(images).set(fields).where(eq(images.id, id));
    if (fields.albumId !== undefined || fields.visibility !== undefined) await clearLostCovers(tx, id);
    if (tagNames) await setTags(tx, id, tagNames);
  });
  return getImage(ctx, id);
}

/** Rows first (so nothing points at missing files), then the original and every variant. */
export async function deleteImage(ctx: ImagesContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.delete(images).where(eq(images.id, id)).returning({ id: images.id });
    if (!row) throw new NotFoundError('Image not found');
    await tx.update(albums).set({ coverImageId: null }).where(eq(albums.coverImageId, id));
    await ctx.queue.cancelForSubject(tx, { kind: DEVELOP_JOB, subjectId: id }, 'image deleted');
  });
  await Promise.all([ctx.storage.deletePrefix(variantPrefix(id)), ctx.storage.deletePrefix(originalPrefix(id))]);
  ctx.log.info({ imageId: id }, 'image deleted');
}

/** Develops an image again (e.g. after a failure or a new version of the developer). */
export async function reprocessImage(ctx: ImagesContext, id: string): Promise<AdminImageDto> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select({ id: images.id }).from(images).where(eq(images.id, id)).for('update');
    if (!row) throw new NotFoundError('Image not found');
    const jobId = await ctx.queue.enqueue(tx, { kind: DEVELOP_JOB, subjectId: id });
    if (!jobId) throw new ConflictError('This image is already queued or being developed');
    await tx.update(images).set({ status: 'pending', lastError: null }).where(eq(images.id, id));
  });
  return getImage(ctx, id);
}

import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Database, schema } from '../db';
import { NotFoundError } from '../errors';

const { tags } = schema;

export const tagDto = z.object({ id: z.string(), name: z.string(), imageCount: z.number().int() }).meta({ id: 'Tag' });
export type TagDto = z.infer<typeof tagDto>;

export async function listTags(ctx: { db: Database }): Promise<TagDto[]> {
  const rows = await ctx.db
    .select({ id: tags.id, name: tags.name, imageCount: sql<number>`(select count(*)::int from image_tags it where it.tag_id = "tags"."id")` })
    .from(tags)
    .orderBy(asc(tags.name));
  return rows.map((r) => ({ ...r, imageCount: Number(r.imageCount) }));
}

/** Removes the tag from every image. Tags are created by tagging an image. */
export async function deleteTag(ctx: { db: Database }, id: string) {
  const rows = await ctx.db.delete(tags).where(eq(tags.id, id)).returning({ id: tags.id });
  if (!rows.length) throw new NotFoundError('Tag not found');
}

import { and, eq } from 'drizzle-orm';
import { type Database, schema } from '../db';
import type { PublicOriginal } from './shapes';

const { albums, images } = schema;

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/avif': 'avif', 'image/tiff': 'tif', 'image/heic': 'heic' };

/**
 * The original of a photo, only while the photo is public and developed in a public album
 * whose owner allows downloads; undefined otherwise (the caller answers 404 either way).
 * The file name is built from the id, never from the uploaded name.
 */
export async function getPublicOriginal(ctx: { db: Database }, id: string): Promise<PublicOriginal | undefined> {
  if (!id || id.length > 64) return undefined;
  const [row] = await ctx.db
    .select({ key: images.originalKey, mime: images.mime })
    .from(images)
    .innerJoin(albums, eq(albums.id, images.albumId))
    .where(
      and(
        eq(images.id, id),
        eq(images.status, 'ready'),
        eq(images.visibility, 'public'),
        eq(albums.visibility, 'public'),
        eq(albums.allowDownload, true),
      ),
    );
  if (!row) return undefined;
  return { key: row.key, mime: row.mime, fileName: `${id}.${EXTENSIONS[row.mime] ?? 'bin'}` };
}

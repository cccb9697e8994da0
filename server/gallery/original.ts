import { and, eq } from 'drizzle-orm';
import { type Database, schema } from '../db';
import type { PublicOriginal } from './shapes';

const { albums, images } = schema;

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/avif': 'avif', 'image/tiff': 'tif', 'image/heic': 'heic' };

type Condition = ReturnType<typeof and>;

async function originalWhere(db: Database, id: string, where: Condition): Promise<PublicOriginal | undefined> {
  if (!id || id.length > 64) return undefined;
  const [row] = await db
    .select({ key: images.originalKey, mime: images.mime })
    .from(images)
    .innerJoin(albums, eq(albums.id, images.albumId))
    .where(and(eq(images.id, id), eq(images.status, 'ready'), eq(albums.allowDownload, true), where));
  if (!row) return undefined;
  // The file name is built from the id, never from the uploaded name.
  return { key: row.key, mime: row.mime, fileName: `${id}.${EXTENSIONS[row.mime] ?? 'bin'}` };
}

/**
 * The original of a photo, only while the photo is public and developed in a public album
 * whose owner allows downloads; undefined otherwise (the caller answers 404 either way).
 */
export function getPublicOriginal(ctx: { db: Database }, id: string): Promise<PublicOriginal | undefined> {
  return originalWhere(ctx.db, id, and(eq(images.visibility, 'public'), eq(albums.visibility, 'public')));
}

/**
 * The original of a developed photo of the album a share link opens, only where that album
 * allows downloads. The caller has checked the link (valid, unlocked).
 */
export function getSharedOriginal(ctx: { db: Database }, albumId: string, id: string): Promise<PublicOriginal | undefined> {
  return originalWhere(ctx.db, id, eq(images.albumId, albumId));
}

import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { imageStatuses } from '../../drizzle/schema';
import { schema } from '../db';
import type { ImagesContext } from './context';

const { images } = schema;

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest as 64 lowercase hex characters');

// 1,000 digests are ~67 KB of JSON, past the 64 KB every other JSON route takes.
export const CHECK_BODY_MAX_BYTES = 128 * 1024;

/** What the upload page asks before sending: which of these files the library already holds. */
export const checkHashesInput = z
  .object({ sha256: z.array(sha256Hex).min(1).max(1000) })
  .strict()
  .meta({ id: 'CheckHashes' });
export type CheckHashesInput = z.input<typeof checkHashesInput>;

export const knownImage = z.object({ sha256: sha256Hex, imageId: z.string(), status: z.enum(imageStatuses) }).meta({ id: 'KnownImage' });
export const checkHashesResult = z.object({ known: z.array(knownImage) }).meta({ id: 'CheckHashesResult' });
export type CheckHashesResult = z.infer<typeof checkHashesResult>;

/** One indexed lookup (images.sha256 is unique); unknown hashes are simply absent. */
export async function checkHashes(ctx: Pick<ImagesContext, 'db'>, input: CheckHashesInput): Promise<CheckHashesResult> {
  const { sha256 } = checkHashesInput.parse(input);
  const unique = [...new Set(sha256)];
  const rows = await ctx.db.select({ sha256: images.sha256, imageId: images.id, status: images.status }).from(images).where(inArray(images.sha256, unique));
  return { known: rows.map((r) => ({ sha256: r.sha256, imageId: r.imageId, status: r.status })) };
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { eq, inArray } from 'drizzle-orm';
import { schema } from '../db';
import { cleanString } from '../text';
import { type ImagesContext, DEVELOP_JOB } from './context';
import { type AdminImageDto, toAdminImageDto } from './dto';
import { type InspectedFile, inspectUpload, type ReceivedFile } from './inspect';
import { originalKey } from './keys';

const { images } = schema;

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && ('code' in error ? error.code === '23505' : 'cause' in error && isUniqueViolation(error.cause));

/**
 * Accepts uploads all-or-nothing: every file is inspected first, so one bad file leaves
 * no file and no row. Same bytes as an existing image → that image, nothing new.
 */
export async function ingestUploads(ctx: ImagesContext, files: ReceivedFile[]): Promise<AdminImageDto[]> {
  const inspected: InspectedFile[] = [];
  for (const file of files) inspected.push(await inspectUpload(file, ctx.limits));
  const ids: string[] = [];
  for (const file of inspected) ids.push((await ingestOne(ctx, file)).id);
  const rows = await ctx.db.select().from(images).where(inArray(images.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toAdminImageDto(row, [], [])] : [];
  });
}

export type IngestOutcome = 'accepted' | 'duplicate';

/**
 * One finished file on disk (a resumable upload): hashed by streaming it (unless the caller
 * hashed every byte on arrival and passes `sha256`), then the same
 * inspection, dedupe, transaction and queue as the multipart path. Throws the inspection's
 * refusal (unsupported type, too large, damaged …). The caller removes the file.
 */
export async function ingestFile(ctx: ImagesContext, input: { path: string; name: string; sha256?: string }): Promise<{ id: string; outcome: IngestOutcome }> {
  const { bytes, sha256 } = input.sha256 ? { bytes: (await fs.stat(input.path)).size, sha256: input.sha256 } : await hashFile(input.path);
  const received: ReceivedFile = { path: input.path, name: input.name, bytes, sha256, truncatedAtCap: bytes > ctx.limits.maxBytes };
  const { id, duplicate } = await ingestOne(ctx, await inspectUpload(received, ctx.limits));
  return { id, outcome: duplicate ? 'duplicate' : 'accepted' };
}

async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function existingBySha(ctx: ImagesContext, sha256: string) {
  const [row] = await ctx.db.select({ id: images.id }).from(images).where(eq(images.sha256, sha256));
  return row?.id;
}

async function ingestOne(ctx: ImagesContext, file: InspectedFile): Promise<{ id: string; duplicate: boolean }> {
  const existing = await existingBySha(ctx, file.sha256);
  if (existing) return { id: existing, duplicate: true };
  const id = crypto.randomUUID();
  const key = originalKey(id, file.ext);
  await ctx.storage.putFile(key, file.path, file.mime);
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(images).values({
        id,
        originalKey: key,
        originalName: file.name,
        mime: file.mime,
        bytes: file.bytes,
        sha256: file.sha256,
        width: file.width,
        height: file.height,
        title: titleFromName(file.name),
      });
      await ctx.queue.enqueue(tx, { kind: DEVELOP_JOB, subjectId: id });
    });
    ctx.log.info({ imageId: id, bytes: file.bytes }, 'image uploaded');
    return { id, duplicate: false };
  } catch (error) {
    await ctx.storage.delete(key).catch((e: unknown) => ctx.log.error({ err: e, key }, 'could not remove an orphaned original'));
    // Same bytes uploaded concurrently: the other upload won; answer with its image.
    if (isUniqueViolation(error)) {
      const winner = await existingBySha(ctx, file.sha256);
      if (winner) return { id: winner, duplicate: true };
    }
    throw error;
  }
}

/** "IMG_0042.final.JPG" → "IMG_0042.final": a starting title the owner can edit. */
function titleFromName(name: string): string {
  return cleanString(name.replace(/\.[^.]{1,5}$/, ''), { maxLength: 200 }) ?? '';
}

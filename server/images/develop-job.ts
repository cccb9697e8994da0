import { and, eq, exists, inArray, ne, not, notInArray } from 'drizzle-orm';
import { schema, type Transaction } from '../db';
import { processMetrics } from '../metrics';
import { hasLiveJob, type JobHandler, type JobRunContext, PermanentJobError } from '../queue';
import { DEVELOP_JOB, type ImagesContext } from './context';
import { type DevelopedVariant, developRest, developThumbnail } from './develop';
import { variantKey } from './keys';
import { notifyImageStatus } from './status-feed';

const { images, imageVariants } = schema;

const IMAGE_STATUS = { queued: 'pending', running: 'processing', failed: 'failed', cancelled: 'failed' } as const;

/**
 * Removes an attempt's variants unless a row references them (a commit whose answer was lost
 * did reference them). If the database cannot say, they stay for the storage sweep.
 */
async function removeUnreferenced(ctx: ImagesContext, run: JobRunContext, keys: string[]): Promise<void> {
  if (!keys.length) return;
  let referenced: Set<string>;
  try {
    const rows = await ctx.db.select({ key: imageVariants.key }).from(imageVariants).where(inArray(imageVariants.key, keys));
    referenced = new Set(rows.map((r) => r.key));
  } catch (error) {
    run.log.warn({ err: error, keys: keys.length }, "this attempt's variants were left for the storage sweep: the database did not answer");
    return;
  }
  const orphans = keys.filter((key) => !referenced.has(key));
  await Promise.all(orphans.map((key) => ctx.storage.delete(key).catch((e: unknown) => run.log.warn({ err: e, key }, 'variant of a failed attempt not removed; the storage sweep will'))));
}

/** Files no row references any more (replaced by this attempt); the storage sweep catches a failed delete. */
const removeFiles = (ctx: ImagesContext, run: JobRunContext, keys: string[]) =>
  Promise.all(keys.map((key) => ctx.storage.delete(key).catch((e: unknown) => run.log.warn({ err: e, key }, 'old variant not removed'))));

/**
 * Withdraws what this attempt published: its keys are its own (a per-attempt token), so this
 * never touches another attempt's work, and a row of a `ready` image means our commit landed.
 */
async function withdraw(ctx: ImagesContext, run: JobRunContext, imageId: string, keys: string[]): Promise<void> {
  if (!keys.length) return;
  try {
    await ctx.db.transaction(async (tx) => {
      const gone = await tx
        .delete(imageVariants)
        .where(and(inArray(imageVariants.key, keys), exists(tx.select({ id: images.id }).from(images).where(and(eq(images.id, imageId), ne(images.status, 'ready'))))))
        .returning({ key: imageVariants.key });
      if (gone.length) await notifyImageStatus(tx, [imageId]);
    });
  } catch (error) {
    run.log.warn({ err: error }, "this attempt's thumbnail stays published until the next attempt replaces it: the database did not answer");
  }
  await removeUnreferenced(ctx, run, keys);
}

/** images → queue: the handler for developing one image, registered at startup. */
export function registerDevelopJob(ctx: ImagesContext): void {
  const handler: JobHandler = {
    async run(job, run) {
      const [image] = await ctx.db.select().from(images).where(eq(images.id, job.subjectId));
      if (!image) return run.complete(); // deleted meanwhile: nothing to develop
      const original = await ctx.storage.read(image.originalKey);
      const options = { maxPixels: ctx.limits.maxPixels, signal: run.signal };
      const token = crypto.randomUUID().slice(0, 8);
      const written: string[] = [];
      const store = async (variants: DevelopedVariant[]) => {
        const stored = variants.map((v) => ({ ...v, key: variantKey(image.id, token, v.width, v.format) }));
        written.push(...stored.map((v) => v.key));
        // Every put settles before anything else happens: a failed batch leaves no write in flight.
        const puts = await Promise.allSettled(stored.map((v) => ctx.storage.put(v.key, v.data, `image/${v.format}`)));
        const failedPut = puts.find((p) => p.status === 'rejected');
        if (failedPut) throw failedPut.reason;
        return stored.map((v) => ({ imageId: image.id, width: v.width, height: v.height, format: v.format, bytes: v.data.length, key: v.key }));
      };
      const endTimer = processMetrics().developDuration.startTimer();
      const developing = async <T>(step: () => Promise<T>): Promise<T> => {
        try {
          return await step();
        } catch (error) {
          endTimer({ outcome: run.signal.aborted ? 'aborted' : 'failed' });
          if (run.signal.aborted) throw error;
          // The original passed inspection, so a decode failure will not fix itself.
          throw new PermanentJobError(`could not develop the image: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      let replaced: string[] = [];
      let developed;
      try {
        // The smallest variant first, published while the job runs on: the image stays
        // `processing` (so never public) but the admin UI and the events stream can show it.
        const thumbnail = await developing(() => developThumbnail(original, options));
        const thumbRows = await store(thumbnail.variants);
        replaced = await run.checkpoint(async (tx) => {
          const previous = await tx.delete(imageVariants).where(eq(imageVariants.imageId, image.id)).returning({ key: imageVariants.key });
          await tx.insert(imageVariants).values(thumbRows);
          const { width, height, placeholder, dominantColor } = thumbnail;
          await tx.update(images).set({ width, height, placeholder, dominantColor }).where(eq(images.id, image.id));
          await notifyImageStatus(tx, [image.id]);
          return previous.map((p) => p.key);
        });
        await removeFiles(ctx, run, replaced);
        developed = await developing(() => developRest(original, thumbnail, options));
        endTimer({ outcome: 'succeeded' });
        const thumbKeys = thumbRows.map((r) => r.key);
        const restRows = await store(developed.variants.filter((v) => !thumbnail.variants.includes(v)));
        const done = developed;
        await run.complete(async (tx) => {
          const previous = await tx
            .delete(imageVariants)
            .where(and(eq(imageVariants.imageId, image.id), notInArray(imageVariants.key, thumbKeys)))
            .returning({ key: imageVariants.key });
          replaced = previous.map((p) => p.key);
          if (restRows.length) await tx.insert(imageVariants).values(restRows);
          await tx
            .update(images)
            .set({
              status: 'ready',
              exif: done.exif,
              takenAt: done.takenAt,
              gpsLatitude: done.gps?.latitude ?? null,
              gpsLongitude: done.gps?.longitude ?? null,
              warnings: done.warnings,
              lastError: null,
            })
            .where(eq(images.id, image.id));
          await notifyImageStatus(tx, [image.id]);
        });
      } catch (error) {
        // Failed, cancelled or fenced out: what this attempt wrote belongs to nobody.
        await withdraw(ctx, run, image.id, written);
        throw error;
      }
      await removeFiles(ctx, run, replaced);
      await ctx.invalidatePublic?.().catch((e: unknown) => run.log.warn({ err: e }, 'public cache not invalidated; entries expire on their TTL'));
      if (developed.warnings.length) run.log.warn({ warnings: developed.warnings }, 'developed with warnings');
    },

    async onStatus(tx: Transaction, changes) {
      for (const status of ['queued', 'running', 'failed', 'cancelled'] as const) {
        const ids = changes.filter((c) => c.status === status).map((c) => c.subjectId);
        if (!ids.length) continue;
        const error = changes.find((c) => c.status === status)?.error;
        await tx
          .update(images)
          .set({ status: IMAGE_STATUS[status], ...(status === 'failed' || status === 'cancelled' ? { lastError: error ?? status } : {}) })
          .where(inArray(images.id, ids));
        await notifyImageStatus(tx, ids);
      }
    },

    async findMissing(tx, limit) {
      const rows = await tx
        .select({ id: images.id })
        .from(images)
        .where(and(inArray(images.status, ['pending', 'processing']), not(hasLiveJob(tx, DEVELOP_JOB, images.id))))
        .limit(limit);
      return rows.map((r) => r.id);
    },
  };
  ctx.queue.register(DEVELOP_JOB, handler);
}


import { and, eq, inArray, not } from 'drizzle-orm';
import { schema, type Transaction } from '../db';
import { processMetrics } from '../metrics';
import { hasLiveJob, type JobHandler, type JobRunContext, PermanentJobError } from '../queue';
import { DEVELOP_JOB, type ImagesContext } from './context';
import { developImage } from './develop';
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

/** images → queue: the handler for developing one image, registered at startup. */
export function registerDevelopJob(ctx: ImagesContext): void {
  const handler: JobHandler = {
    async run(job, run) {
      const [image] = await ctx.db.select().from(images).where(eq(images.id, job.subjectId));
      if (!image) return run.complete(); // deleted meanwhile: nothing to develop
      const original = await ctx.storage.read(image.originalKey);
      let developed;
      const endTimer = processMetrics().developDuration.startTimer();
      try {
        developed = await developImage(original, { maxPixels: ctx.limits.maxPixels, signal: run.signal });
        endTimer({ outcome: 'succeeded' });
      } catch (error) {
        endTimer({ outcome: run.signal.aborted ? 'aborted' : 'failed' });
        if (run.signal.aborted) throw error;
        // The original passed inspection, so a decode failure will not fix itself.
        throw new PermanentJobError(`could not develop the image: ${error instanceof Error ? error.message : String(error)}`);
      }
      const token = crypto.randomUUID().slice(0, 8);
      const stored = developed.variants.map((v) => ({ ...v, key: variantKey(image.id, token, v.width, v.format) }));
      let oldKeys: string[] = [];
      try {
        // Every put settles before anything else happens: a failed batch leaves no write in flight.
        const puts = await Promise.allSettled(stored.map((v) => ctx.storage.put(v.key, v.data, `image/${v.format}`)));
        const failedPut = puts.find((p) => p.status === 'rejected');
        if (failedPut) throw failedPut.reason;
        await run.complete(async (tx) => {
          const previous = await tx.delete(imageVariants).where(eq(imageVariants.imageId, image.id)).returning({ key: imageVariants.key });
          oldKeys = previous.map((p) => p.key);
          await tx.insert(imageVariants).values(stored.map((v) => ({ imageId: image.id, width: v.width, height: v.height, format: v.format, bytes: v.data.length, key: v.key })));
          await tx
            .update(images)
            .set({
              status: 'ready',
              width: developed.width,
              height: developed.height,
              placeholder: developed.placeholder,
              dominantColor: developed.dominantColor,
              exif: developed.exif,
              takenAt: developed.takenAt,
              gpsLatitude: developed.gps?.latitude ?? null,
              gpsLongitude: developed.gps?.longitude ?? null,
              warnings: developed.warnings,
              lastError: null,
            })
            .where(eq(images.id, image.id));
          await notifyImageStatus(tx, [image.id]);
        });
      } catch (error) {
        // Failed, cancelled or fenced out: what this attempt wrote belongs to nobody.
        await removeUnreferenced(ctx, run, stored.map((v) => v.key));
        throw error;
      }
      await Promise.all(oldKeys.map((key) => ctx.storage.delete(key).catch((e: unknown) => run.log.warn({ err: e, key }, 'old variant not removed'))));
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


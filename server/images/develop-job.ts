import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import { schema, type Transaction } from '../db';
import { type JobHandler, LeaseLostError, PermanentJobError } from '../queue';
import { variantKey } from '../storage';
import { DEVELOP_JOB, type LibraryContext } from './context';
import { developImage } from './develop';

const { images, imageVariants, preprocessJobs } = schema;

const IMAGE_STATUS = { queued: 'pending', running: 'processing', failed: 'failed', cancelled: 'failed' } as const;

/** images → queue: the handler for developing one image, registered at startup. */
export function registerDevelopJob(ctx: LibraryContext): void {
  const handler: JobHandler = {
    async run(job, run) {
      const [image] = await ctx.db.select().from(images).where(eq(images.id, job.subjectId));
      if (!image) return run.complete(); // deleted meanwhile: nothing to develop
      const original = await ctx.storage.read(image.originalKey);
      let developed;
      try {
        developed = await developImage(original, { maxPixels: ctx.limits.maxPixels, signal: run.signal });
      } catch (error) {
        if (run.signal.aborted) throw error;
        // The original passed inspection, so a decode failure will not fix itself.
        throw new PermanentJobError(`could not develop the image: ${error instanceof Error ? error.message : String(error)}`);
      }
      const token = crypto.randomUUID().slice(0, 8);
      const stored = developed.variants.map((v) => ({ ...v, key: variantKey(image.id, token, v.width, v.format) }));
      await Promise.all(stored.map((v) => ctx.storage.put(v.key, v.data, `image/${v.format}`)));
      let oldKeys: string[] = [];
      try {
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
        });
      } catch (error) {
        // Fenced out: our variants belong to nobody; the newer attempt wrote its own.
        if (error instanceof LeaseLostError) await Promise.all(stored.map((v) => ctx.storage.delete(v.key).catch(() => {})));
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
      }
    },

    async findMissing(tx, limit) {
      const rows = await tx
        .select({ id: images.id })
        .from(images)
        .where(
          and(
            inArray(images.status, ['pending', 'processing']),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(preprocessJobs)
                .where(and(eq(preprocessJobs.kind, DEVELOP_JOB), eq(preprocessJobs.subjectId, images.id), inArray(preprocessJobs.status, ['queued', 'running']))),
            ),
          ),
        )
        .limit(limit);
      return rows.map((r) => r.id);
    },
  };
  ctx.queue.register(DEVELOP_JOB, handler);
}


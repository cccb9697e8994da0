import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { createLogger } from '../log';
import { Queue } from '../queue';
import type { Storage } from '../storage';
import { makeJpeg } from '../testing/photos';
import { until } from '../testing/processes';
import { createTestServices, type TestServices } from '../testing/services';
import { getPublicImage, type ImageStatusEvent, ingestUploads, type ImagesContext, readImageStatuses, registerDevelopJob, resolveVariantFile, StatusFeed } from '.';

const { preprocessJobs, images, imageVariants, albums } = schema;

// The smallest variant is developed and published first, while the job keeps running.
describe.each(['postgres', 'pglite'] as const)('time to first thumbnail: the smallest variant is published before the job ends (%s)', (kind) => {
  let s: TestServices;
  let seed = 900;
  beforeAll(async () => {
    s = await createTestServices(kind, { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_MAX_ATTEMPTS: '5', PREPROCESS_RETRY_BASE_SECONDS: '0.05' });
  });
  afterAll(() => s.close());

  const variantFiles = (imageId: string) => {
    const dir = path.join(s.config.storage.localDir, 'variants', imageId);
    return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : [];
  };
  const variantRows = (imageId: string) => s.db.select().from(imageVariants).where(eq(imageVariants.imageId, imageId));
  const imageRow = async (imageId: string) => (await s.db.select().from(images).where(eq(images.id, imageId)))[0];

  /** A photo in a public album uploaded through the real ingest, its job queued. */
  async function upload() {
    const file = path.join(s.dataDir, `upload-${seed}.jpg`);
    fs.writeFileSync(file, await makeJpeg({ width: 700, height: 467, seed: seed++ }));
    const [image] = await ingestUploads(s.images, [{ path: file, name: 'photo.jpg', bytes: fs.statSync(file).size, sha256: `sha-thumb-${seed}`, truncatedAtCap: false }]);
    if (!image) throw new Error('no image');
    const [album] = await s.db.insert(albums).values({ id: crypto.randomUUID(), slug: `thumb-${seed}`, title: 'Thumbnails', visibility: 'public' }).returning({ id: albums.id });
    await s.db.update(images).set({ visibility: 'public', albumId: album?.id }).where(eq(images.id, image.id));
    const [job] = await s.db.select().from(preprocessJobs).where(eq(preprocessJobs.subjectId, image.id));
    if (!job) throw new Error('no job');
    return { imageId: image.id, jobId: job.id };
  }

  /** A worker whose writes of the larger (640 px) variants wait until `release()`, or fail with `fail`. */
  function workerHoldingLargeVariants(options: { fail?: string } = {}) {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    const storage: Storage = {
      ...s.storage,
      async put(key, body, type) {
        if (key.includes('/640.')) {
          holding = true;
          await released;
          if (options.fail) throw new Error(options.fail);
        }
        await s.storage.put(key, body, type);
      },
    };
    const queue = new Queue({ db: s.db, log: createLogger({ level: 'silent' }), workerId: `thumb-worker-${seed}`, leaseMs: 60_000, maxAttempts: 5, retryBaseMs: 50 });
    const ctx: ImagesContext = { ...s.images, storage, queue };
    registerDevelopJob(ctx);
    return { queue, release, holding: () => holding };
  }

  async function claimAndRun(queue: Queue, jobId: string) {
    const job = await until(`job ${jobId} to be claimed`, async () => (await queue.claim(1)).find((j) => j.id === jobId), { timeoutMs: 10_000 });
    return queue.run(job);
  }

  it('publishes the 320 px variant and the ThumbHash while the image is still processing, never to the public, and keeps it when ready', async () => {
    const { imageId, jobId } = await upload();
    // NOTIFY alone (no poll) must carry the thumbnail moment to a watcher.
    const feed = new StatusFeed({ db: s.db, listen: s.database.listen, log: s.log, pollMs: 3_600_000 });
    const seen: ImageStatusEvent[] = [];
    const stop = await feed.watch([imageId], (e) => seen.push(e), () => {});
    const worker = workerHoldingLargeVariants();
    const outcome = claimAndRun(worker.queue, jobId);
    await until('the larger variants to be in flight', worker.holding, { timeoutMs: 20_000 });
    await expect.poll(() => seen.find((e) => e.status === 'processing' && e.thumbnail)).toMatchObject({ thumbnail: expect.stringContaining('/320.webp') });
    stop();
    await feed.close();

    const published = await variantRows(imageId);
    expect(published.map((v) => `${v.width}.${v.format}`).sort()).toEqual(['320.avif', '320.webp']);
    expect(await imageRow(imageId)).toMatchObject({ status: 'processing', width: 700, height: 467, placeholder: expect.any(String), dominantColor: expect.stringMatching(/^#[0-9a-f]{6}$/) });
    for (const v of published) expect(fs.existsSync(path.join(s.config.storage.localDir, v.key))).toBe(true);
    // The events stream reports the thumbnail moment; the public API does not see the image.
    const [event] = await readImageStatuses(s.db, [imageId]);
    expect(event).toMatchObject({ id: imageId, status: 'processing', thumbnail: expect.stringContaining('/320.webp') });
    await expect(getPublicImage(s.images, imageId)).rejects.toThrow();
    expect(await resolveVariantFile(s.images, published[0]?.key ?? '')).toMatchObject({ public: false });
    const [job] = await s.db.select().from(preprocessJobs).where(eq(preprocessJobs.id, jobId));
    expect(job?.status).toBe('running');

    worker.release();
    expect(await outcome).toBe('succeeded');
    const all = await variantRows(imageId);
    expect(all.map((v) => `${v.width}.${v.format}`).sort()).toEqual(['320.avif', '320.webp', '640.avif', '640.webp']);
    // The thumbnail's URL stays the same: a browser already showing it keeps it.
    expect(all.filter((v) => v.width === 320).map((v) => v.key).sort()).toEqual(published.map((v) => v.key).sort());
    expect(variantFiles(imageId)).toHaveLength(4);
    expect((await imageRow(imageId))?.status).toBe('ready');
    expect((await getPublicImage(s.images, imageId)).variants).toHaveLength(4);
  });

  it('an attempt that fails after publishing its thumbnail withdraws it and leaves no file', async () => {
    const { imageId, jobId } = await upload();
    const worker = workerHoldingLargeVariants({ fail: 'disk full' });
    const outcome = claimAndRun(worker.queue, jobId);
    await until('the larger variants to be in flight', worker.holding, { timeoutMs: 20_000 });
    expect(await variantRows(imageId)).toHaveLength(2);

    worker.release();
    expect(await outcome).toBe('retrying');
    expect(await variantRows(imageId)).toEqual([]);
    expect(variantFiles(imageId)).toEqual([]);
    expect(await readImageStatuses(s.db, [imageId])).toEqual([{ id: imageId, status: 'pending' }]);
    await worker.queue.cancel(jobId);
  });

  it('a fenced-out attempt never leaves a thumbnail pointing at removed files: the next attempt replaces it, the old one removes only its own files', async () => {
    const { imageId, jobId } = await upload();
    const stale = workerHoldingLargeVariants();
    const staleOutcome = claimAndRun(stale.queue, jobId);
    await until('the larger variants to be in flight', stale.holding, { timeoutMs: 20_000 });
    const staleThumbs = (await variantRows(imageId)).map((v) => v.key);
    expect(staleThumbs).toHaveLength(2);

    // Its lease expires (a long GC pause, a partition): the job goes back to the queue.
    await s.db.update(preprocessJobs).set({ leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(preprocessJobs.id, jobId));
    await until('the expired lease to be re-queued', async () => (await stale.queue.runClusterDuties()).requeued > 0, { timeoutMs: 10_000 });
    const next = new Queue({ db: s.db, log: createLogger({ level: 'silent' }), workerId: 'thumb-next', leaseMs: 60_000, maxAttempts: 5, retryBaseMs: 50 });
    registerDevelopJob({ ...s.images, queue: next });
    expect(await claimAndRun(next, jobId)).toBe('succeeded');

    // The stale attempt finishes its writes late; its result is refused and its files go.
    stale.release();
    expect(await staleOutcome).toBe('lost');
    const rows = await variantRows(imageId);
    expect(rows).toHaveLength(4);
    expect(rows.some((v) => staleThumbs.includes(v.key))).toBe(false);
    for (const v of rows) expect(fs.existsSync(path.join(s.config.storage.localDir, v.key))).toBe(true);
    expect(variantFiles(imageId)).toHaveLength(4);
    expect((await imageRow(imageId))?.status).toBe('ready');
  });
});

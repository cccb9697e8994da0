import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../db';
import { createLogger } from '../log';
import { Queue } from '../queue';
import type { Storage } from '../storage';
import { makeJpeg } from '../testing/photos';
import { until } from '../testing/processes';
import { createTestServices, type TestServices } from '../testing/services';
import { deleteImage, DEVELOP_JOB, ingestUploads, type ImagesContext, registerDevelopJob } from '.';

const { preprocessJobs, images } = schema;

// Nothing is left behind: a failed, cancelled or fenced-out develop attempt removes what it wrote.
describe('develop attempts that do not finish leave no files on PostgreSQL', () => {
  let s: TestServices;
  let seed = 500;
  beforeAll(async () => {
    s = await createTestServices('postgres', { PREPROCESS_TICKER_ENABLED: 'false', PREPROCESS_MAX_ATTEMPTS: '5', PREPROCESS_RETRY_BASE_SECONDS: '0.05' });
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await s.db.execute(sql`drop trigger if exists refuse_ready on images`);
  });

  const root = () => s.config.storage.localDir;
  const variantFiles = (imageId: string) => {
    const dir = path.join(root(), 'variants', imageId);
    return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : [];
  };

  /** A photo uploaded through the real ingest, its job queued. */
  async function upload() {
    const file = path.join(s.dataDir, `upload-${seed}.jpg`);
    fs.writeFileSync(file, await makeJpeg({ width: 700, height: 467, seed: seed++ }));
    const [image] = await ingestUploads(s.images, [{ path: file, name: 'photo.jpg', bytes: fs.statSync(file).size, sha256: `sha-${seed}`, truncatedAtCap: false }]);
    if (!image) throw new Error('no image');
    const [job] = await s.db.select().from(preprocessJobs).where(eq(preprocessJobs.subjectId, image.id));
    if (!job) throw new Error('no job');
    return { imageId: image.id, jobId: job.id };
  }

  /** Another worker of the same cluster whose develop handler writes through `storage`. */
  function workerWith(storage: Storage) {
    const queue = new Queue({ db: s.db, log: createLogger({ level: 'silent' }), workerId: 'test-worker', leaseMs: 60_000, maxAttempts: 5, retryBaseMs: 50 });
    const ctx: ImagesContext = { ...s.images, storage, queue };
    registerDevelopJob(ctx);
    return queue;
  }

  /** An uploaded photo whose develop is running, its variant writes held until `release()`. */
  async function developingWithVariantsInFlight() {
    const { imageId, jobId } = await upload();
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let writing = false;
    const slow: Storage = {
      ...s.storage,
      async put(key, body, type) {
        writing = true;
        await released;
        await s.storage.put(key, body, type);
      },
    };
    const queue = workerWith(slow);
    const job = await until('the job to be claimed', async () => (await queue.claim(1)).find((j) => j.id === jobId));
    const outcome = queue.run(job);
    await until('the variants to be in flight', () => writing, { timeoutMs: 20_000 });
    return { imageId, jobId, queue, outcome, release };
  }

  async function runOnce(queue: Queue, jobId: string) {
    const job = await until(`job ${jobId} to be due`, async () => (await queue.claim(1)).find((j) => j.id === jobId), { timeoutMs: 10_000 });
    return queue.run(job);
  }

  it('a result write that fails after the variants were written removes them; the same failure twice stops the job as "repeated"', async () => {
    // The database refuses the result, as it refused the NUL in the Nokia N9's EXIF.
    await s.db.execute(sql`create or replace function refuse_ready() returns trigger language plpgsql as $$
      begin if new.status = 'ready' then raise exception 'refusing to store this result'; end if; return new; end $$`);
    await s.db.execute(sql`create trigger refuse_ready before update on images for each row execute function refuse_ready()`);
    const { imageId, jobId } = await upload();
    const puts: string[] = [];
    const spy: Storage = { ...s.storage, put: (key, body, type) => (puts.push(key), s.storage.put(key, body, type)) };
    const queue = workerWith(spy);

    expect(await runOnce(queue, jobId)).toBe('retrying');
    expect(puts.length).toBe(4); // 320 and 640 wide, AVIF and WebP: written, then removed
    expect(variantFiles(imageId)).toEqual([]);
    expect(await runOnce(queue, jobId)).toBe('failed');
    expect(puts.length).toBe(8);
    expect(variantFiles(imageId)).toEqual([]);

    const [job] = await s.db.select().from(preprocessJobs).where(eq(preprocessJobs.id, jobId));
    expect(job).toMatchObject({ status: 'failed', attempts: 2, failureKind: 'repeated', lastError: 'refusing to store this result' });
    const [image] = await s.db.select().from(images).where(eq(images.id, imageId));
    expect(image).toMatchObject({ status: 'failed', lastError: 'refusing to store this result' });
  });

  it('a batch whose put fails leaves no file, not even from a put still in flight at the failure', async () => {
    const { imageId, jobId } = await upload();
    let failedAt = 0;
    const flaky: Storage = {
      ...s.storage,
      async put(key, body, type) {
        if (key.endsWith('/320.webp')) {
          failedAt = Date.now();
          throw new Error('disk full');
        }
        // The largest variants are still being written when the other put fails.
        if (key.includes('/640.')) await new Promise((resolve) => setTimeout(resolve, 400));
        await s.storage.put(key, body, type);
      },
    };
    const queue = workerWith(flaky);

    expect(await runOnce(queue, jobId)).toBe('retrying');
    expect(failedAt).toBeGreaterThan(0);
    expect(variantFiles(imageId)).toEqual([]);
    // A write that outlived the attempt would land now.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(variantFiles(imageId)).toEqual([]);
    const [job] = await s.db.select().from(preprocessJobs).where(eq(preprocessJobs.id, jobId));
    expect(job).toMatchObject({ status: 'queued', lastError: 'disk full' });
    await queue.cancel(jobId);
  });

  it('a job cancelled while its variants are being written leaves no file', async () => {
    const { imageId, jobId, queue, outcome, release } = await developingWithVariantsInFlight();
    await queue.cancel(jobId);
    release();

    expect(await outcome).toBe('lost');
    expect(variantFiles(imageId)).toEqual([]);
    const [row] = await s.db.select().from(preprocessJobs).where(eq(preprocessJobs.id, jobId));
    expect(row).toMatchObject({ status: 'cancelled' });
  });

  it('deleting an image while it develops cancels its job ("image deleted") and leaves no file', async () => {
    const { imageId, jobId, outcome, release } = await developingWithVariantsInFlight();
    await deleteImage(s.images, imageId);
    release();

    expect(await outcome).toBe('lost');
    expect(variantFiles(imageId)).toEqual([]);
    expect(fs.existsSync(path.join(root(), 'originals', imageId))).toBe(false);
    const [row] = await s.db.select().from(preprocessJobs).where(eq(preprocessJobs.id, jobId));
    expect(row).toMatchObject({ status: 'cancelled', lastError: 'image deleted', leaseToken: null });
    expect(row?.finishedAt).toBeInstanceOf(Date);
  });

  it('a successful develop keeps its variants and the job kind is the develop job', async () => {
    const { imageId, jobId } = await upload();
    const queue = workerWith(s.storage);
    expect(await runOnce(queue, jobId)).toBe('succeeded');
    expect(variantFiles(imageId)).toHaveLength(4);
    const [job] = await s.db.select().from(preprocessJobs).where(eq(preprocessJobs.id, jobId));
    expect(job).toMatchObject({ kind: DEVELOP_JOB, status: 'succeeded', failureKind: null });
  });
});

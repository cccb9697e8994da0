import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
// The acceptance tests drive the real HTTP API (upload, tick endpoint) next to worker processes.
// eslint-disable-next-line no-restricted-imports -- a test across the layers on purpose; no server code imports hono
import { createTestClient, type TestClient } from '../../hono/testing/client';
import { rowsOf, schema } from '../db';
import { formData, makeJpeg } from '../testing/photos';
import { captureLogs, type LogLine, startWorkerProcess, until, type WorkerProcess } from '../testing/processes';
import { type PrivateRedis, startPrivateRedis } from '../testing/redis';
import { listBucket, s3Env, startS3rver, type TestS3 } from '../testing/s3';
import type { TickResult } from './types';

const { images, imageVariants, preprocessJobs } = schema;

/**
 * The multi-replica setup every process shares: one bucket, one Redis (a private one, so
 * the fleet mirror of parallel tests never mixes), one auth secret; DATA_DIR is per process.
 */
const replicaEnv = (s3: TestS3, redis: PrivateRedis): Record<string, string> => ({
  REDIS_URL: redis.url,
  CACHE_MODE: 'strict',
  BETTER_AUTH_SECRET: 'multi-process-secret-multi-process-secret',
  ...s3Env(s3),
});

const succeededJobIds = (lines: LogLine[]) => lines.filter((l) => l.msg === 'job succeeded').map((l) => String(l.jobId));

describe('the preprocess queue across processes (PostgreSQL, S3)', () => {
  let s3: TestS3 | undefined;
  let redis: PrivateRedis | undefined;
  let t: TestClient | undefined;
  const workers: WorkerProcess[] = [];

  afterEach(async () => {
    // Children first (by pid), then the database they use, then the bucket.
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await t?.close();
    await s3?.stop();
    await redis?.kill();
    t = undefined;
    s3 = undefined;
    redis = undefined;
  });

  async function setup() {
    s3 = await startS3rver();
    redis = await startPrivateRedis();
    const inProcess = captureLogs('info');
    t = await createTestClient('postgres', { ...replicaEnv(s3, redis), PREPROCESS_TICKER_ENABLED: 'false' }, { log: inProcess.log });
    const { cookie } = await t.owner();
    const databaseUrl = t.services.databaseUrl;
    if (!databaseUrl) throw new Error('the test client has no PostgreSQL URL');
    const workerEnv = { ...replicaEnv(s3, redis), DATABASE_URL: databaseUrl, PREPROCESS_CONCURRENCY: '1', PREPROCESS_POLL_SECONDS: '1', PREPROCESS_TICKER_ENABLED: 'false' };
    return { client: t, s3, cookie, workerEnv, inProcess };
  }

  const diagnostics = () => workers.map((w) => w.output()).join('\n');

  it(
    'Two worker processes plus a loop calling the tick endpoint, on one database: every job succeeds exactly once',
    async () => {
      const { client, s3: bucket, cookie, workerEnv, inProcess } = await setup();
      const { db } = client.services;
      workers.push(...(await Promise.all([startWorkerProcess(workerEnv), startWorkerProcess(workerEnv)])));
      const [w1, w2] = workers;
      expect(w1?.workerId).not.toBe(w2?.workerId);

      // The third driver: an external cron hammering the tick endpoint of this process.
      const ticks: TickResult[] = [];
      const tickErrors: string[] = [];
      let ticking = true;
      const tickLoop = (async () => {
        while (ticking) {
          const res = await client.tick();
          if (res.status === 200) ticks.push((await res.json()) as TickResult);
          else tickErrors.push(`${res.status} ${await res.text()}`);
          await new Promise((resolve) => setTimeout(resolve, 300)); // the cron's pace, not a wait for a state
        }
      })();

      const COUNT = 12;
      const files = await Promise.all(Array.from({ length: COUNT }, async (_, i) => ({ name: `photo-${i}.jpg`, data: await makeJpeg({ width: 800, height: 600, seed: 100 + i }) })));
      const upload = await client.api('/admin/images', { method: 'POST', cookie, body: formData(files) });
      expect(upload.status).toBe(202);
      const imageIds = ((await upload.json()) as { items: { id: string }[] }).items.map((i) => i.id);
      expect(new Set(imageIds).size).toBe(COUNT);

      try {
        await until(
          `all ${COUNT} images to be ready`,
          async () => {
            const rows = await db.select({ status: images.status, lastError: images.lastError }).from(images);
            const failed = rows.filter((r) => r.status === 'failed');
            if (failed.length) throw new Error(`images failed: ${JSON.stringify(failed)}\n${diagnostics()}`);
            return rows.length === COUNT && rows.every((r) => r.status === 'ready');
          },
          { timeoutMs: 120_000, intervalMs: 200, diagnostics },
        );
      } finally {
        ticking = false;
        await tickLoop;
      }
      // Graceful stops flush every log line before we count them.
      await Promise.all([w1?.stop(), w2?.stop()]);
      expect(tickErrors).toEqual([]);

      const jobs = await db.select().from(preprocessJobs);
      expect(jobs).toHaveLength(COUNT);
      for (const job of jobs) expect(job).toMatchObject({ status: 'succeeded', attempts: 1, lastError: null });
      expect(jobs.map((j) => j.subjectId).sort()).toEqual([...imageIds].sort());
      const drivers = new Set([w1?.workerId, w2?.workerId, client.services.workerId]);
      for (const job of jobs) expect(drivers).toContain(job.leasedBy);

      // Exactly once: one "job succeeded" line per job, across both workers and this process.
      const fromW1 = succeededJobIds(w1?.lines() ?? []);
      const fromW2 = succeededJobIds(w2?.lines() ?? []);
      const fromTicks = succeededJobIds(inProcess.lines());
      const all = [...fromW1, ...fromW2, ...fromTicks];
      expect(all).toHaveLength(COUNT);
      expect([...all].sort()).toEqual(jobs.map((j) => j.id).sort());
      expect(ticks.reduce((n, tick) => n + tick.succeeded, 0)).toBe(fromTicks.length);
      expect(ticks.reduce((n, tick) => n + tick.failed + tick.retrying + tick.released, 0)).toBe(0);
      const byId = new Map(jobs.map((j) => [j.id, j]));
      for (const id of fromW1) expect(byId.get(id)?.leasedBy).toBe(w1?.workerId);
      for (const id of fromW2) expect(byId.get(id)?.leasedBy).toBe(w2?.workerId);
      const everyLine = [...(w1?.lines() ?? []), ...(w2?.lines() ?? []), ...inProcess.lines()];
      expect(everyLine.filter((l) => typeof l.msg === 'string' && /lease lost|attempt failed|failed for good|re-queued/.test(l.msg))).toEqual([]);

      // One set of variants per image (800 px wide: 320 and 640, AVIF and WebP), from one develop.
      const variants = await db.select().from(imageVariants);
      for (const id of imageIds) {
        const mine = variants.filter((v) => v.imageId === id);
        expect(mine.map((v) => `${v.width}.${v.format}`).sort()).toEqual(['320.avif', '320.webp', '640.avif', '640.webp']);
        expect(new Set(mine.map((v) => v.key.split('/')[2])).size).toBe(1);
      }
      // No orphans: the bucket holds the originals and exactly the variants the database knows.
      const keys = await listBucket(bucket);
      expect(keys.filter((k) => k.startsWith('originals/'))).toHaveLength(COUNT);
      expect(keys.filter((k) => !k.startsWith('originals/'))).toEqual(variants.map((v) => v.key).sort());
    },
    240_000,
  );

  it(
    'A worker killed with SIGKILL mid-job: its job is claimed again after the lease expires and completes',
    async () => {
      const { client, s3: bucket, cookie, workerEnv } = await setup();
      const { db } = client.services;
      const fast = { ...workerEnv, PREPROCESS_LEASE_SECONDS: '2', PREPROCESS_RETRY_BASE_SECONDS: '1' };
      const doomed = await startWorkerProcess(fast);
      workers.push(doomed);

      // Large enough that developing takes seconds, so the kill lands mid-job.
      const photo = await makeJpeg({ width: 4000, height: 3000, seed: 7 });
      const upload = await client.api('/admin/images', { method: 'POST', cookie, body: formData([{ name: 'big.jpg', data: photo }]) });
      expect(upload.status).toBe(202);
      const [image] = ((await upload.json()) as { items: { id: string }[] }).items;
      if (!image) throw new Error('no image uploaded');
      const job = async () => {
        const [row] = await db.select().from(preprocessJobs).where(eq(preprocessJobs.subjectId, image.id));
        if (!row) throw new Error('the image has no job');
        return row;
      };

      await until('the worker to lease the job', async () => {
        const row = await job();
        return row.status === 'running' && row.leasedBy === doomed.workerId;
      }, { timeoutMs: 30_000, intervalMs: 20, diagnostics });
      await doomed.kill();
      const atKill = await job();
      expect(atKill, 'the develop finished before the kill; the test needs a slower image').toMatchObject({ status: 'running', attempts: 1, leasedBy: doomed.workerId });
      expect(succeededJobIds(doomed.lines())).toEqual([]);

      // A second replica with its own ticker: it sweeps the expired lease and develops the job.
      const rescuer = await startWorkerProcess({ ...fast, PREPROCESS_TICKER_ENABLED: 'true', PREPROCESS_TICK_INTERVAL_SECONDS: '1' });
      workers.push(rescuer);
      const done = await until('the job to succeed on the second worker', async () => {
        const row = await job();
        if (row.status === 'failed' || row.status === 'cancelled') throw new Error(`job ended ${row.status}: ${row.lastError}\n${diagnostics()}`);
        return row.status === 'succeeded' && row;
      }, { timeoutMs: 120_000, intervalMs: 200, diagnostics });
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2, leasedBy: rescuer.workerId, lastError: null });

      const [developed] = await db.select().from(images).where(eq(images.id, image.id));
      expect(developed).toMatchObject({ status: 'ready', width: 4000, height: 3000 });
      await rescuer.stop();
      const lines = rescuer.lines();
      expect(lines.find((l) => l.msg === 'expired leases re-queued')).toMatchObject({ jobs: [atKill.id] });
      expect(lines.filter((l) => l.msg === 'job succeeded')).toEqual([expect.objectContaining({ jobId: atKill.id, attempt: 2 })]);

      // The new attempt's variants are complete and stored; at most the killed attempt left strays behind.
      const variants = await db.select().from(imageVariants).where(eq(imageVariants.imageId, image.id));
      expect(variants).toHaveLength(10); // 320…2560 px, AVIF and WebP
      const keys = new Set(await listBucket(bucket));
      for (const v of variants) expect(keys).toContain(v.key);
      const [{ n } = { n: 0 }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from preprocess_jobs`));
      expect(Number(n)).toBe(1);
    },
    240_000,
  );
});

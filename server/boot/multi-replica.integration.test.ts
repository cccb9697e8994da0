import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, schema } from '../db';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { formData, makeJpeg } from '../testing/photos';
import { type LogLine, startServerProcess, until } from '../testing/processes';
import { freePort, type PrivateRedis, startPrivateRedis } from '../testing/redis';
import { listBucket, startS3rver, type TestS3 } from '../testing/s3';
import { type AdminImage, type AdminJob, call, diagnosticsOf, OWNER, type Replica, replicaEnv, sleep, startTickLoop, status, type StatusBody, tokenOf } from '../testing/deployment';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../testing/next-build';

/*
 * Three production servers (`node --import tsx server/boot/main.ts`) as one deployment: one
 * PostgreSQL database, one Redis (a private one, so the test can take it away), one S3
 * bucket, one auth secret; DATA_DIR, PORT and BETTER_AUTH_URL are per replica. An
 * external cron calls the tick endpoint on rotating replicas all along. Mid-run one
 * replica is SIGKILLed and Redis is away for 10 s; every photo must still be developed
 * exactly once, /status must say where its answer comes from, and a hidden album must
 * disappear from every replica's public API at once.
 */

const { images, imageVariants, preprocessJobs } = schema;

const WAVE = 15; // photos before the kill, and again before the Redis outage
const COUNT = 2 * WAVE;
const OUTAGE_MS = 10_000;

describe('three production servers on one PostgreSQL, one Redis, one S3 bucket', () => {
  let database: TestDatabase | undefined;
  let redis: PrivateRedis | undefined;
  let s3: TestS3 | undefined;
  const replicas: Replica[] = [];
  const photos: Buffer[] = [];

  const diagnostics = () => diagnosticsOf(replicas);

  beforeAll(async () => {
    await ensureNextBuild();
    [database, redis, s3] = await Promise.all([createTestDatabase('postgres'), startPrivateRedis(), startS3rver()]);
    if (!database.url) throw new Error('the test database has no URL');
    const shared = replicaEnv(database.url, redis.url, s3);
    const ports = [await freePort(), await freePort(), await freePort()];
    if (new Set(ports).size !== 3) throw new Error(`free ports collided: ${ports.join(', ')}`);
    const names = ['A', 'B', 'C'] as const;
    const started = await Promise.allSettled(
      ports.map((port) => startServerProcess({ ...shared, BETTER_AUTH_URL: `http://127.0.0.1:${port}` }, { port, startTimeoutMs: 180_000 })),
    );
    started.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') replicas.push({ name: names[i] ?? 'A', server: outcome.value, cookie: '', dead: false });
    });
    const failed = started.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []));
    if (failed.length) throw new Error(`replicas did not start:\n${failed.join('\n')}`);
    for (let i = 0; i < COUNT; i++) photos.push(await makeJpeg({ width: 800, height: 600, seed: 300 + i }));
  }, NEXT_BUILD_TIMEOUT_MS + 240_000);

  afterAll(async () => {
    // Children by pid (graceful; a SIGKILLed one is just reaped), then Redis, the bucket, the database.
    await Promise.all(replicas.map((r) => r.server.stop()));
    await redis?.kill();
    await s3?.stop();
    await database?.drop();
  }, 90_000);

  it(
    'SIGKILL of a replica and a 10 s Redis outage: 30 photos developed exactly once, /status truthful, a hidden album gone everywhere',
    async () => {
      if (!database || !redis || !s3) throw new Error('setup failed');
      const { db } = database.handle;
      const [A, B, C] = replicas;
      if (!A || !B || !C) throw new Error('three replicas expected');
      expect(new Set(replicas.map((r) => r.server.workerId)).size).toBe(3);
      const t0 = Date.now();
      const timeline: string[] = [];
      const summary: string[] = [];
      const mark = (what: string) => timeline.push(`${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`);

      // --- owner setup on A, a session on every replica (sign-in checks the origin per replica)
      const setup = await call(A, '/api/v1/setup', { method: 'POST', json: OWNER, cookie: false });
      expect(setup.status, await setup.clone().text()).toBe(201);
      for (const replica of replicas) {
        const res = await call(replica, '/api/auth/sign-in/email', { method: 'POST', json: { email: OWNER.email, password: OWNER.password }, cookie: false });
        expect(res.status, `sign-in on ${replica.name}: ${await res.clone().text()}`).toBe(200);
        replica.cookie = res.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
        expect(replica.cookie).toContain('session_token');
      }
      const fleetAtStart = await status(A);
      expect(fleetAtStart).toMatchObject({ code: 200, body: { workersOnline: 3, workersAvailable: 3, source: 'redis' } });
      mark('owner set up, signed in on A, B and C; /status: 3 workers online');

      // --- a public album, served (and cached in Redis) by B and C, hidden through A
      const slug = `cluster-${Date.now().toString(36)}`;
      const created = await call(A, '/api/v1/admin/albums', { method: 'POST', json: { title: 'Cluster', slug, visibility: 'public' } });
      expect(created.status, await created.clone().text()).toBe(201);
      const album = (await created.json()) as { id: string };
      const publicAlbum = (replica: Replica) => call(replica, `/api/v1/albums/${slug}`, { cookie: false });
      for (const replica of [B, C, B, C]) {
        const res = await publicAlbum(replica);
        expect(res.status, `public album on ${replica.name}`).toBe(200);
        expect(res.headers.get('x-cache-backend'), `public album on ${replica.name}`).toBe('redis');
        expect(((await res.json()) as { album: { slug: string } }).album.slug).toBe(slug);
      }
      const hidden = await call(A, `/api/v1/admin/albums/${album.id}`, { method: 'PATCH', json: { visibility: 'private' } });
      expect(hidden.status, await hidden.clone().text()).toBe(200);
      for (const replica of [B, C]) {
        const res = await publicAlbum(replica);
        expect(res.status, `hidden album on ${replica.name} right after the PATCH on A`).toBe(404);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      }
      mark('album public on B and C (X-Cache-Backend: redis), hidden through A: 404 on B and C');

      // --- the external cron: the tick endpoint on rotating replicas, every ~500 ms
      const cron = startTickLoop(replicas);
      const { ticks } = cron;

      const notPendingAnswers: string[] = [];
      const upload = async (replica: Replica, index: number) => {
        const data = photos[index];
        if (!data) throw new Error(`no photo ${index}`);
        const res = await call(replica, '/api/v1/admin/images', { method: 'POST', body: formData([{ name: `photo-${index}.jpg`, data, type: 'image/jpeg' }]) });
        expect(res.status, `upload ${index} through ${replica.name}: ${await res.clone().text()}`).toBe(202);
        const [item] = ((await res.json()) as { items: { id: string; status: string }[] }).items;
        if (!item) throw new Error('upload answered no item');
        // DESIGN says 202 "in pending state"; the answer re-reads the row after the commit, so a
        // worker woken by NOTIFY may already have claimed it (see the report: not a failure here).
        expect(['pending', 'processing', 'ready']).toContain(item.status);
        if (item.status !== 'pending') notPendingAnswers.push(`${item.id}: ${item.status}`);
        return item.id;
      };

      /** WAVE photos from `first` on, each replica taking every n-th, the replicas in parallel. */
      const uploadWave = async (targets: Replica[], first: number) => {
        const perReplica = await Promise.all(
          targets.map(async (replica, r) => {
            const ids: string[] = [];
            for (let i = first + r; i < first + WAVE; i += targets.length) ids.push(await upload(replica, i));
            return ids;
          }),
        );
        return perReplica.flat();
      };

      const running = async () =>
        db
          .select({ id: preprocessJobs.id, subjectId: preprocessJobs.subjectId, leasedBy: preprocessJobs.leasedBy })
          .from(preprocessJobs)
          .where(sql`${preprocessJobs.status} = 'running'`);

      try {
        // --- wave 1 through A, B, C in turn; C is SIGKILLed while it holds a lease
        const imageIds: string[] = [];
        imageIds.push(...(await uploadWave([A, B, C], 0)));
        mark(`wave 1: ${WAVE} photos uploaded through A, B, C`);
        await until('replica C to hold a running lease', async () => (await running()).some((j) => j.leasedBy === C.server.workerId), {
          timeoutMs: 60_000,
          intervalMs: 10,
          diagnostics,
        });
        C.dead = true;
        const killedAt = Date.now();
        await C.server.kill();
        // C can no longer change anything; its leases stay 'running' until they expire (3 s).
        const orphaned = (await running()).filter((j) => j.leasedBy === C.server.workerId);
        mark(`C (pid ${C.server.pid}) SIGKILLed holding ${orphaned.length} lease(s): ${orphaned.map((j) => j.id).join(', ')}`);
        expect(orphaned.length, 'the kill should land while C develops a photo').toBeGreaterThan(0);

        // --- C's heartbeat goes stale (4 s); the auto-offline sweep (every 2 s) takes it out
        const afterKill = await until(
          '/status to count 2 workers once C is stale',
          async () => {
            const s = await status(A);
            return s.body.workersOnline === 2 && s.body.source === 'redis' && s;
          },
          { timeoutMs: 30_000, intervalMs: 250, diagnostics },
        );
        const staleAfterMs = Date.now() - killedAt;
        expect(afterKill.code).toBe(200);
        expect(afterKill.body.workersAvailable).toBe(2);
        expect(await status(B)).toMatchObject({ code: 200, body: { workersOnline: 2, source: 'redis' } });
        const workers = (await (await call(A, '/api/v1/admin/workers')).json()) as { items: { id: string; isOnline: boolean }[] };
        expect(Object.fromEntries(workers.items.map((w) => [w.id, w.isOnline]))).toEqual({
          [A.server.workerId]: true,
          [B.server.workerId]: true,
          [C.server.workerId]: false,
        });
        mark(`/status on A and B: workersOnline 2 (source redis) ${(staleAfterMs / 1000).toFixed(1)} s after the kill`);

        // --- drain A and B so wave 2 waits in the queue; Redis then goes away and the workers
        // are undrained through the admin API (PostgreSQL is the truth): they must ask PostgreSQL
        // before claiming, and develop wave 2 while Redis is down.
        const drain = async (replica: Replica, action: 'drain' | 'undrain') => {
          const res = await call(A, `/api/v1/admin/workers/${replica.server.workerId}/${action}`, { method: 'POST' });
          expect(res.status, `${action} ${replica.name}: ${await res.clone().text()}`).toBe(200);
          expect(((await res.json()) as { isDrained: boolean }).isDrained).toBe(action === 'drain');
        };
        await drain(A, 'drain');
        await drain(B, 'drain');
        expect(await status(B)).toMatchObject({ code: 200, body: { workersOnline: 2, workersAvailable: 0, freeSlots: 0, source: 'redis' } });
        const wave2 = await uploadWave([A, B], WAVE);
        imageIds.push(...wave2);
        expect(new Set(imageIds).size).toBe(COUNT);
        // Jobs running when the drain came finish; after that nothing is claimed, by workers or ticks.
        await until('the drained fleet to finish its running jobs', async () => (await running()).length === 0, { timeoutMs: 30_000, intervalMs: 100, diagnostics });
        await sleep(1500); // a poll interval and a few ticks: a drained worker that claimed anyway would show now
        const wave2Jobs = await db.select().from(preprocessJobs).where(inArray(preprocessJobs.subjectId, wave2));
        expect(wave2Jobs.map((j) => `${j.status}/${j.attempts}`)).toEqual(wave2.map(() => 'queued/0'));
        mark(`A and B drained; wave 2: ${WAVE} photos uploaded through A and B, all queued`);

        const succeededCount = async () => Number(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from preprocess_jobs where status = 'succeeded'`))[0]?.n ?? 0);
        const succeededBeforeOutage = await succeededCount();
        await redis.kill();
        const outageStart = Date.now();
        await drain(A, 'undrain');
        await drain(B, 'undrain');
        mark(`Redis SIGKILLed (${succeededBeforeOutage}/${COUNT} jobs succeeded so far); A and B undrained through A's admin API`);
        const duringOutage: { replica: string; code: number; body: StatusBody }[] = [];
        const runningDuringOutage = new Set<string>();
        while (Date.now() - outageStart < OUTAGE_MS) {
          for (const replica of [A, B]) duringOutage.push({ replica: replica.name, ...(await status(replica)) });
          for (const job of await running()) runningDuringOutage.add(job.id);
          await sleep(400);
        }
        const succeededDuringOutage = (await succeededCount()) - succeededBeforeOutage;
        await redis.restart();
        const outageEnd = Date.now();
        mark(`Redis restarted after ${((outageEnd - outageStart) / 1000).toFixed(1)} s; ${succeededDuringOutage} jobs succeeded meanwhile, ${runningDuringOutage.size} seen running`);

        // /status stayed up and said where its answer came from, without the dead replica.
        expect(duringOutage.length).toBeGreaterThan(10);
        for (const answer of duringOutage) {
          expect(answer, `status on ${answer.replica} during the outage`).toMatchObject({ code: 200, body: { source: 'postgres', workersOnline: 2, workersAvailable: 2 } });
        }
        // Developing does not need Redis: claims ask PostgreSQL whether the worker is drained.
        expect(succeededDuringOutage, 'jobs developed while Redis was away').toBeGreaterThan(0);
        expect(runningDuringOutage.size).toBeGreaterThan(0);

        // --- recovery: the mirror is reseeded from PostgreSQL, /status comes from Redis again
        const afterRecovery: { replica: string; body: StatusBody }[] = [];
        await until(
          '/status to come from Redis again on A and B',
          async () => {
            const answers = await Promise.all([A, B].map(async (replica) => ({ replica: replica.name, ...(await status(replica)) })));
            for (const a of answers) if (a.body.source === 'redis') afterRecovery.push(a);
            return answers.every((a) => a.code === 200 && a.body.source === 'redis');
          },
          { timeoutMs: 30_000, intervalMs: 250, diagnostics },
        );
        // Every Redis-sourced answer after the restart counts the two live workers, none other.
        for (const answer of afterRecovery) expect(answer, `status on ${answer.replica} after the restart`).toMatchObject({ body: { source: 'redis', workersOnline: 2 } });
        mark(`/status from Redis again on A and B ${((Date.now() - outageEnd) / 1000).toFixed(1)} s after the restart`);

        // The cache link of each replica comes back after its cooldown: the cron gets 200s again.
        await until('ticks on A and B to answer 200 again', () => [A, B].every((r) => ticks.some((t) => t.replica === r.name && t.at > outageEnd && t.status === 200)), {
          timeoutMs: 30_000,
          intervalMs: 250,
          diagnostics,
        });
        mark('ticks answer 200 on A and B again');

        // --- after the outage, cross-replica invalidation works again (the generation key was lost with Redis)
        const republished = await call(A, `/api/v1/admin/albums/${album.id}`, { method: 'PATCH', json: { visibility: 'public' } });
        expect(republished.status, await republished.clone().text()).toBe(200);
        for (const replica of [B, B]) {
          const res = await publicAlbum(replica);
          expect(res.status, `republished album on ${replica.name}`).toBe(200);
          expect(res.headers.get('x-cache-backend')).toBe('redis');
        }
        expect((await call(A, `/api/v1/admin/albums/${album.id}`, { method: 'PATCH', json: { visibility: 'private' } })).status).toBe(200);
        expect((await publicAlbum(B)).status, 'hidden again through A: gone on B').toBe(404);
        mark('album republished and hidden again after the outage: 404 on B');

        // --- every photo ends ready, seen through a surviving replica's admin API
        const listReady = async () => {
          const res = await call(A, '/api/v1/admin/images?limit=100');
          expect(res.status).toBe(200);
          return ((await res.json()) as { items: AdminImage[] }).items;
        };
        const finalImages = await until(
          `all ${COUNT} photos to be ready`,
          async () => {
            const items = await listReady();
            const failed = items.filter((i) => i.status === 'failed');
            if (failed.length) throw new Error(`photos failed: ${JSON.stringify(failed)}\n${diagnostics()}`);
            return items.length === COUNT && items.every((i) => i.status === 'ready') && items;
          },
          { timeoutMs: 90_000, intervalMs: 500, diagnostics },
        );
        mark(`all ${COUNT} photos ready`);
        await cron.stop();

        expect(finalImages.map((i) => i.id).sort()).toEqual([...imageIds].sort());
        const jobsRes = await call(B, '/api/v1/admin/jobs?limit=100');
        expect(jobsRes.status).toBe(200);
        const jobs = ((await jobsRes.json()) as { items: AdminJob[] }).items;

        // Exactly one job per photo, and it succeeded.
        expect(jobs).toHaveLength(COUNT);
        expect(jobs.map((j) => j.subjectId).sort()).toEqual([...imageIds].sort());
        for (const job of jobs) expect(job, `job of ${job.subjectId}`).toMatchObject({ status: 'succeeded', lastError: null });

        // A second attempt only where C died holding the lease (or, if any, a job running while
        // Redis was away); the others were developed on the first try.
        const orphanIds = new Set(orphaned.map((j) => j.id));
        const retried = jobs.filter((j) => j.attempts > 1);
        for (const job of retried) expect(orphanIds.has(job.id) || runningDuringOutage.has(job.id), `job ${job.id} took ${job.attempts} attempts`).toBe(true);
        for (const job of jobs.filter((j) => orphanIds.has(j.id))) {
          expect(job.attempts, `C's orphaned job ${job.id}`).toBeGreaterThanOrEqual(2);
          expect([A.server.workerId, B.server.workerId]).toContain(job.leasedBy);
        }
        for (const job of jobs) expect(job.attempts).toBeGreaterThanOrEqual(1);

        // One set of variants per photo: 800 px wide → 320 and 640 px, AVIF and WebP, one develop token.
        for (const image of finalImages) {
          expect(image.variants.map((v) => `${v.width}.${v.format}`).sort(), `variants of ${image.id}`).toEqual(['320.avif', '320.webp', '640.avif', '640.webp']);
          expect(new Set(image.variants.map((v) => v.url.split('/').at(-2))).size, `develop tokens of ${image.id}`).toBe(1);
        }
        const variantRows = await db.select().from(imageVariants).where(inArray(imageVariants.imageId, imageIds));
        expect(variantRows).toHaveLength(4 * COUNT);
        for (const id of imageIds) expect(new Set(variantRows.filter((v) => v.imageId === id).map((v) => tokenOf(v.key))).size).toBe(1);
        const imageRows = await db.select({ id: images.id, status: images.status }).from(images);
        expect(imageRows.filter((r) => r.status === 'ready')).toHaveLength(COUNT);

        // The bucket holds every variant the database knows; strays only from C's killed attempts.
        const keys = await listBucket(s3);
        expect(keys.filter((k) => k.startsWith('originals/'))).toHaveLength(COUNT);
        const known = new Set(variantRows.map((v) => v.key));
        for (const key of known) expect(keys).toContain(key);
        const orphanSubjects = new Set(orphaned.map((j) => j.subjectId));
        const strays = keys.filter((k) => k.startsWith('variants/') && !known.has(k));
        for (const key of strays) expect(orphanSubjects.has(key.split('/')[1] ?? ''), `stray variant ${key}`).toBe(true);

        // The cron: 503 only while the rate limiter could not reach Redis (outage + the cache
        // link's 5 s cooldown), a network error only from C around its kill; never 401/429/500.
        const cooldownEnd = outageEnd + 15_000;
        const unexpected = ticks.filter((t) => {
          if (t.status === 200) return false;
          if (t.status === 503) return !(t.at >= outageStart - 1000 && t.at <= cooldownEnd);
          if (t.status === 'network') return !(t.replica === 'C' && t.at <= killedAt + 1000);
          return true;
        });
        expect(unexpected, 'unexpected tick answers').toEqual([]);
        expect(ticks.filter((t) => t.status === 503).length, 'the tick endpoint fails closed while Redis is away').toBeGreaterThan(0);
        for (const name of ['A', 'B']) expect(ticks.some((t) => t.replica === name && t.status === 200), `a 200 tick on ${name}`).toBe(true);

        // --- exactly once, from the logs: stop A and B gracefully so every line is flushed
        await Promise.all([A.server.stop(), B.server.stop()]);
        const succeededLines = (r: Replica) => r.server.lines().filter((l: LogLine) => l.msg === 'job succeeded');
        const byReplica = new Map(replicas.map((r) => [r.name, succeededLines(r).map((l) => String(l.jobId))]));
        const allSucceeded = [...byReplica.values()].flat();
        const jobById = new Map(jobs.map((j) => [j.id, j]));
        // Each job's success is logged once, by the replica whose lease it completed under.
        expect(new Set(allSucceeded).size, 'no job developed successfully twice').toBe(allSucceeded.length);
        expect([...allSucceeded].sort()).toEqual(jobs.map((j) => j.id).sort());
        for (const replica of replicas) {
          for (const id of byReplica.get(replica.name) ?? []) expect(jobById.get(id)?.leasedBy, `job ${id} logged by ${replica.name}`).toBe(replica.server.workerId);
        }
        for (const id of orphanIds) expect(byReplica.get('C') ?? []).not.toContain(id);
        // Nothing lost a lease or failed on the survivors.
        const trouble = [A, B].flatMap((r) => r.server.lines().filter((l) => typeof l.msg === 'string' && /lease lost|attempt failed|failed for good/.test(l.msg)));
        expect(trouble).toEqual([]);
        const requeued = [A, B].flatMap((r) => r.server.lines().filter((l) => l.msg === 'expired leases re-queued' || l.msg === 'workers with a stale heartbeat marked offline'));
        expect(requeued.length, "C's leases went back to the queue through a sweep").toBeGreaterThan(0);

        summary.push(
          ...[
            `retried jobs: ${retried.map((j) => `${j.id} (${j.attempts} attempts)`).join(', ') || 'none'}`,
            `ticks: ${ticks.length} (${ticks.filter((t) => t.status === 200).length} × 200, ${ticks.filter((t) => t.status === 503).length} × 503, ${ticks.filter((t) => t.status === 'network').length} network errors), developed by ticks: ${ticks.reduce((n, t) => n + (t.succeeded ?? 0), 0)}`,
            `successes per replica: ${[...byReplica].map(([name, ids]) => `${name} ${ids.length}`).join(', ')}`,
            `stray variant objects from the killed attempt: ${strays.length}`,
            `upload answers not 'pending' (already claimed when the 202 was built): ${notPendingAnswers.length}`,
          ],
        );
      } finally {
        await cron.stop();
        console.info(['multi-replica timeline:', ...timeline, ...summary].join('\n'));
      }
    },
    240_000,
  );
});

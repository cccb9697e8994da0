/*
 * full-path: upload through the in-process app → storage + row + queued job → ONE worker child
 * develops it → polled until every image is `ready`.
 */
import { createApp } from '../../hono/app';
import { CLIENT_IP_HEADER } from '../../server/auth';
import { loadConfig } from '../../server/config';
import { schema } from '../../server/db';
import { createServices, type Services } from '../../server/boot';
import { makeTempDir, type ProcessGroup, removeTempDirs, sleep } from '../lib/process';
import { type CpuGroups, cpuBetween, type CpuSnapshot, processGroup, snapshot } from './cpu';
import type { Photo } from './photos';
import type { PhaseResult } from './results';
import { SETTINGS } from './settings';
import { breakdownOf, type JobTimes, timelineOf, type Upload } from './timeline';
import { assertWorkerAlive, createDatabase, type FreshDatabase, postgresBackends, startWorker, waitWorkerReady, workerOutput } from './worker';

const BASE_URL = 'http://localhost:3000';
const AUTH_SECRET = 'bench-develop-secret-0123456789abcdefghij';
const OWNER = { email: 'owner@example.com', password: 'owner-password', name: 'Owner' };

// What a full-path run started, so every way out (success, error, Ctrl-C) stops it.
let worker: ProcessGroup | undefined;
let services: Services | undefined;
let database: FreshDatabase | undefined;
let cleaning: Promise<void> | undefined;

/** Stops the worker (its process group, by pid), closes the services, drops the database, removes the temp dir. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await worker?.stop().catch(() => {});
    worker = undefined;
    await services?.close().catch(() => {});
    services = undefined;
    await database?.drop().catch((error: unknown) => console.error(`could not drop ${database?.name}: ${String(error)}`));
    database = undefined;
    removeTempDirs();
  })().finally(() => {
    cleaning = undefined;
  });
  return cleaning;
}

// Last resort if the process ends some other way (synchronous: no DB drop possible here).
process.on('exit', () => {
  if (database) console.error(`left behind: database ${database.name}`);
});

export interface ApiImage {
  id: string;
  status: 'pending' | 'processing' | 'ready' | 'failed';
  originalName: string;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  dominantColor: string | null;
  lastError: string | null;
  variants: { width: number; height: number; format: string; bytes: number }[];
}

export type FullRun = Awaited<ReturnType<typeof runFullPath>>;

/** The owner, created and signed in: `api` calls the in-process app with their session. */
async function signedIn(app: ReturnType<typeof createApp>, svc: Services) {
  const headers = (extra: Record<string, string> = {}) => ({ origin: BASE_URL, [CLIENT_IP_HEADER]: '127.0.0.1', ...extra });
  const setup = await app.request(`${BASE_URL}/api/v1/setup`, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(OWNER) });
  if (setup.status !== 201) throw new Error(`POST /api/v1/setup answered ${setup.status}: ${await setup.text()}`);
  const signIn = await svc.auth.handler(
    new Request(`${BASE_URL}/api/auth/sign-in/email`, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify({ email: OWNER.email, password: OWNER.password }) }),
  );
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const api = (p: string, init: RequestInit = {}) => Promise.resolve(app.request(`${BASE_URL}/api/v1${p}`, { ...init, headers: headers({ cookie }) }));
  const upload = async (photo: Photo): Promise<string> => {
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(photo.data)], { type: 'image/jpeg' }), photo.name);
    const res = await api('/admin/images', { method: 'POST', body: form });
    if (res.status !== 202) throw new Error(`upload of ${photo.name} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { items: { id: string }[] };
    const id = body.items[0]?.id;
    if (!id) throw new Error(`upload of ${photo.name} returned no image`);
    return id;
  };
  return { api, upload };
}

export async function runFullPath(photos: Photo[], warmups: Photo[]) {
  const dataDir = makeTempDir('darkroom-bench-develop-');
  database = await createDatabase();
  const db = database;
  const shared = {
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    STORAGE_DRIVER: 'local',
    // Both processes use this DATA_DIR: declared so the replica guard knows it is shared.
    STORAGE_SHARED: 'true',
    LOG_LEVEL: 'warn',
    BETTER_AUTH_URL: BASE_URL,
    BETTER_AUTH_SECRET: AUTH_SECRET,
    UPLOAD_MAX_PIXELS: String(SETTINGS.maxPixels),
    PREPROCESS_TICKER_ENABLED: 'false',
    PREPROCESS_LEASE_SECONDS: String(SETTINGS.leaseSeconds),
  };
  // In-process API: never develops (no worker loop, no ticker, startBackground never called).
  const config = loadConfig({ ...shared, PREPROCESS_CONCURRENCY: '0' });
  services = await createServices(config); // migrates the fresh database
  const svc = services;
  const app = createApp(svc);
  const { api, upload } = await signedIn(app, svc);
  const { preprocessJobs, images } = schema;
  const imageStatuses = async () => {
    const rows = await svc.db.select({ id: images.id, status: images.status, name: images.originalName, lastError: images.lastError }).from(images);
    const failed = rows.filter((i) => i.status === 'failed');
    if (failed.length) throw new Error(`developing failed: ${failed.map((i) => `${i.name}: ${i.lastError ?? 'no error recorded'}`).join('; ')}${worker ? `\n${workerOutput(worker)}` : ''}`);
    return rows;
  };

  // The worker: the same environment, blanking anything ambient that would change its work.
  worker = startWorker({ ...shared, PREPROCESS_CONCURRENCY: '1', REDIS_URL: '', CACHE_MODE: '', ADMIN_EMAIL: '', ADMIN_PASSWORD: '', S3_BUCKET: '', DARKROOM_REPLICAS: '' });
  const w = worker;
  const workerReadyMs = await waitWorkerReady(w, db);

  // Warm-up (not timed): the worker is a fresh process, and a long-running one is not.
  const warmupMs: number[] = [];
  const warmupIds = new Set<string>();
  for (const photo of warmups) {
    const started = Date.now();
    const id = await upload(photo);
    warmupIds.add(id);
    while (!(await imageStatuses()).some((row) => row.id === id && row.status === 'ready')) {
      assertWorkerAlive(w);
      if (Date.now() - started > SETTINGS.timeoutMs) throw new Error(`warm-up ${photo.name} not ready after ${SETTINGS.timeoutMs / 60_000} min\n${workerOutput(w)}`);
      await sleep(SETTINGS.pollMs);
    }
    warmupMs.push(Date.now() - started);
  }

  const groups: CpuGroups = { bench: [process.pid], worker: processGroup(w.child.pid), postgres: await postgresBackends(db) };
  const before = snapshot(groups);
  const t0 = Date.now();
  const benchCpuAtT0 = process.cpuUsage();
  let uploadsBenchCpuMs = Number.NaN;
  const uploads: Upload[] = [];
  const stop = new AbortController();
  let uploadsDoneMs = Number.NaN;

  const uploading = (async () => {
    for (const photo of photos) {
      if (stop.signal.aborted) return;
      const startMs = Date.now() - t0;
      const id = await upload(photo);
      const ms = Date.now() - t0 - startMs;
      if (warmupIds.has(id) || uploads.some((u) => u.id === id)) throw new Error(`${photo.name} was deduplicated into an earlier photo: the generated photos are not unique`);
      uploads.push({ id, startMs, ms });
    }
    uploadsDoneMs = Date.now() - t0;
    const used = process.cpuUsage(benchCpuAtT0);
    uploadsBenchCpuMs = (used.user + used.system) / 1000;
  })().catch((error: unknown) => {
    stop.abort(error);
  });

  // Poll the database (two small queries; the admin API at this rate cost ~0.3 CPU-s per
  // image, taken from the worker) until all N are ready, sampling the queue for the
  // timeline; then confirm through GET /api/v1/admin/images?status=ready.
  const jobs = new Map<string, JobTimes>();
  const readySeen = new Map<string, number>();
  let endMs = Number.NaN;
  /** CPU snapshots at every poll, to tell how busy the machine was during each job */
  const samples: { at: number; snap: CpuSnapshot }[] = [];
  const otherCoresBetween = (from: number, to: number) => {
    const first = samples.find((x) => x.at >= from);
    const last = samples.findLast((x) => x.at <= to);
    return first && last && last.at > first.at ? (cpuBetween(first.snap, last.snap)?.other ?? Number.NaN) : Number.NaN;
  };
  while (true) {
    if (stop.signal.aborted) throw stop.signal.reason instanceof Error ? stop.signal.reason : new Error(String(stop.signal.reason));
    assertWorkerAlive(w);
    if (Date.now() - t0 > SETTINGS.timeoutMs) {
      throw new Error(`timed out after ${SETTINGS.timeoutMs / 60_000} min: ${uploads.filter((u) => readySeen.has(u.id)).length}/${photos.length} ready\n${workerOutput(w)}`);
    }
    const rows = await svc.db
      .select({
        subjectId: preprocessJobs.subjectId,
        status: preprocessJobs.status,
        createdAt: preprocessJobs.createdAt,
        leaseExpiresAt: preprocessJobs.leaseExpiresAt,
        finishedAt: preprocessJobs.finishedAt,
        attempts: preprocessJobs.attempts,
      })
      .from(preprocessJobs);
    for (const row of rows) {
      const times = jobs.get(row.subjectId) ?? { enqueuedAt: row.createdAt.getTime(), attempts: row.attempts };
      times.attempts = row.attempts;
      // The claim sets lease_expires_at = now() + lease; the first sighting predates any renewal.
      if (row.status === 'running' && row.leaseExpiresAt && times.claimedAt === undefined) times.claimedAt = row.leaseExpiresAt.getTime() - SETTINGS.leaseSeconds * 1000;
      if (row.finishedAt) times.finishedAt = row.finishedAt.getTime();
      jobs.set(row.subjectId, times);
    }
    const statuses = await imageStatuses();
    const now = Date.now() - t0;
    samples.push({ at: now, snap: snapshot(groups) });
    for (const row of statuses) if (row.status === 'ready' && !readySeen.has(row.id)) readySeen.set(row.id, now);
    if (uploads.length === photos.length && uploads.every((u) => readySeen.has(u.id))) {
      endMs = now;
      break;
    }
    await sleep(SETTINGS.pollMs);
  }
  await uploading;
  const res = await api(`/admin/images?status=ready&limit=100`);
  if (res.status !== 200) throw new Error(`GET /api/v1/admin/images?status=ready answered ${res.status}: ${await res.text()}`);
  const items = ((await res.json()) as { items: ApiImage[] }).items;
  if (items.length !== photos.length + warmups.length) throw new Error(`the database says ${photos.length + warmups.length} ready, the admin API lists ${items.length}`);
  const benchUsed = process.cpuUsage(benchCpuAtT0);
  const benchCpuMs = (benchUsed.user + benchUsed.system) / 1000;
  const cpu = cpuBetween(before, snapshot({ ...groups, worker: processGroup(w.child.pid), postgres: await postgresBackends(db) }));
  const timeline = timelineOf(photos, uploads, jobs, readySeen, t0, otherCoresBetween);
  const breakdown = breakdownOf(timeline, endMs);

  const seconds = endMs / 1000;
  const result: PhaseResult = {
    seconds,
    images: photos.length,
    imagesPerSecond: photos.length / seconds,
    perImageMs: timeline.map((t) => t.runMs),
    perImageOtherCores: timeline.map((t) => t.otherCores),
    cpu,
  };
  return { ...result, warmupMs, workerReadyMs, uploadsDoneMs, uploadsBenchCpuMs, benchCpuMs, timeline, breakdown, items };
}

/*
 * Develop throughput bench (npx tsx bench/develop.ts). In one run it develops the same
 * generated 24 MP JPEGs twice, one image at a time both ways:
 *
 *   bare-sharp  developImage() in a loop in this process: the transforms and nothing else
 *   full-path   the production path: multipart POST /api/v1/admin/images (in-process Hono
 *               app) → local storage + PostgreSQL row + queued job → ONE `npm run worker`
 *               child (PREPROCESS_CONCURRENCY=1) claims, reads the original, develops,
 *               writes the variants and commits → polled until every image is `ready`
 *
 * Each path first develops BENCH_WARMUP (default 1) extra photo untimed, so both are
 * measured warm. It prints images/s for both, CPU time per image, where the full path's
 * extra time went, and the last line `ratio full-path/bare-sharp: <n>x`; writes
 * bench/out/develop.json. Speed is reported, never asserted: the exit code is non-zero
 * only if something failed (an image `failed`, a 10-minute timeout, the worker died…).
 *
 *   BENCH_IMAGES=6 TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/develop.ts
 *   BENCH_ORDER=full-first npx tsx bench/develop.ts   # the full path before the baseline
 *   BENCH_ROUNDS=3 npx tsx bench/develop.ts           # both paths 3 times, order alternating
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import sharp from 'sharp';
import { createApp } from '../hono/app';
import { CLIENT_IP_HEADER } from '../server/auth';
import { loadConfig } from '../server/config';
import { schema } from '../server/db';
import { configureSharp, type Developed, developImage } from '../server/images/develop';
import { createServices, type Services } from '../server/runtime';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_FILE = path.join(ROOT, 'bench', 'out', 'develop.json');
const TSX_CLI = 'node_modules/tsx/dist/cli.mjs';
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const BASE_URL = 'http://localhost:3000';
const AUTH_SECRET = 'bench-develop-secret-0123456789abcdefghij';
const OWNER = { email: 'owner@example.com', password: 'owner-password', name: 'Owner' };

const SETTINGS = {
  images: integerFromEnv('BENCH_IMAGES', 6),
  width: 6000,
  height: 4000,
  jpegQuality: 90,
  /** Same as UPLOAD_MAX_PIXELS below, so both paths call developImage with the same limit. */
  maxPixels: 200_000_000,
  order: orderFromEnv(),
  /** Both paths per round; the order alternates between rounds. */
  rounds: integerFromEnv('BENCH_ROUNDS', 1),
  /** Extra photos each path develops first, untimed: both then measure warm, like a long-running worker. */
  warmup: integerFromEnv('BENCH_WARMUP', 1, 0),
  pollMs: 100,
  timeoutMs: 10 * 60_000,
  workerStartTimeoutMs: 120_000,
  leaseSeconds: 60,
} as const;
const CORES = os.availableParallelism();

// ---------------------------------------------------------------------------------------
// cleanup: the worker child (its whole process group, by pid), the in-process services,
// the fresh database and the temp dirs — on success, on error and on Ctrl-C.

let worker: Worker | undefined;
let services: Services | undefined;
let database: FreshDatabase | undefined;
const tempDirs: string[] = [];

interface Worker {
  child: ChildProcess;
  stdout: Tail;
  stderr: Tail;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  exited: Promise<void>;
}

class Tail {
  private text = '';
  constructor(private readonly max = 4_000) {}
  push(chunk: Buffer) {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.max);
  }
  toString() {
    return this.text.trimEnd();
  }
}

function killWorker(signal: NodeJS.Signals) {
  const pid = worker?.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal); // tsx runs server/worker.ts in a grandchild: signal the group
  } catch {
    // ESRCH: gone already
  }
}

async function stopWorker() {
  if (!worker) return;
  if (!worker.exit) {
    killWorker('SIGTERM');
    await Promise.race([worker.exited, sleep(5_000)]);
  }
  killWorker('SIGKILL');
  await Promise.race([worker.exited, sleep(5_000)]);
  worker = undefined;
}

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopWorker().catch(() => {});
    await services?.close().catch(() => {});
    services = undefined;
    await database?.drop().catch((error: unknown) => console.error(`could not drop ${database?.name}: ${String(error)}`));
    database = undefined;
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  })();
  return cleaning;
}

// Last resort if the process ends some other way (synchronous: no DB drop possible here).
process.on('exit', () => {
  killWorker('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  if (database) console.error(`left behind: database ${database.name}`);
});
let interrupted: number | undefined;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (interrupted !== undefined) return;
    interrupted = code;
    console.error(`\n${signal}: stopping the worker, dropping the bench database`);
    void cleanup().finally(() => process.exit(code));
  });
}

// ---------------------------------------------------------------------------------------
// helpers

function integerFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > 100) throw new Error(`${name} must be an integer from ${min} to 100 (got "${raw}")`);
  return value;
}

function orderFromEnv(): 'baseline-first' | 'full-first' {
  const raw = process.env.BENCH_ORDER || 'baseline-first';
  if (raw !== 'baseline-first' && raw !== 'full-first') throw new Error(`BENCH_ORDER must be baseline-first or full-first (got "${raw}")`);
  return raw;
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------
// photos: deterministic, photo-like (smooth colour fields, blurred texture, grain, hard-
// edged shapes), each unique by seed so the sha256 dedupe keeps them apart.

interface Photo {
  index: number;
  name: string;
  data: Buffer;
  sha256: string;
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random w×h values scaled up to the photo size: smooth blobs (small w×h) or texture. */
async function field(rand: () => number, w: number, h: number, channels: 1 | 3, blur?: number): Promise<Buffer> {
  const small = Buffer.alloc(w * h * channels);
  for (let i = 0; i < small.length; i++) small[i] = Math.floor(rand() * 256);
  let img = sharp(small, { raw: { width: w, height: h, channels } }).resize(SETTINGS.width, SETTINGS.height, { fit: 'fill', kernel: 'cubic' });
  if (blur) img = img.blur(blur);
  return img.raw().toBuffer();
}

async function makePhoto(index: number, name = `bench-${String(index + 1).padStart(2, '0')}.jpg`): Promise<Photo> {
  const { width: W, height: H } = SETTINGS;
  const seed = index + 1;
  const rand = mulberry32(seed * 7919 + 17);
  const low = await field(rand, 12, 8, 3);
  const mid = await field(rand, 400, 267, 1, 2);
  const top = [rand(), rand(), rand()].map((v) => 60 + v * 195);
  const bottom = [rand(), rand(), rand()].map((v) => v * 160);
  const px = new Uint8ClampedArray(W * H * 3);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let y = 0; y < H; y++) {
    const f = y / (H - 1);
    const g0 = (top[0] ?? 0) * (1 - f) + (bottom[0] ?? 0) * f;
    const g1 = (top[1] ?? 0) * (1 - f) + (bottom[1] ?? 0) * f;
    const g2 = (top[2] ?? 0) * (1 - f) + (bottom[2] ?? 0) * f;
    for (let x = 0; x < W; x++) {
      const j = y * W + x;
      const i = j * 3;
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      const texture = ((mid[j] ?? 128) - 128) * 0.35 + ((s & 15) - 7.5) * 0.8; // texture + sensor grain
      px[i] = g0 * 0.55 + (low[i] ?? 0) * 0.3 + 20 + texture;
      px[i + 1] = g1 * 0.55 + (low[i + 1] ?? 0) * 0.3 + 20 + texture;
      px[i + 2] = g2 * 0.55 + (low[i + 2] ?? 0) * 0.3 + 20 + texture;
    }
  }
  const shapes: string[] = [];
  for (let k = 0; k < 24; k++) {
    const colour = `rgb(${Math.floor(rand() * 256)},${Math.floor(rand() * 256)},${Math.floor(rand() * 256)})`;
    const opacity = (0.25 + rand() * 0.5).toFixed(2);
    shapes.push(
      rand() < 0.5
        ? `<circle cx="${Math.floor(rand() * W)}" cy="${Math.floor(rand() * H)}" r="${Math.floor(40 + rand() * 500)}" fill="${colour}" fill-opacity="${opacity}"/>`
        : `<rect x="${Math.floor(rand() * W)}" y="${Math.floor(rand() * H)}" width="${Math.floor(40 + rand() * 1200)}" height="${Math.floor(40 + rand() * 1200)}" fill="${colour}" fill-opacity="${opacity}" transform="rotate(${Math.floor(rand() * 40) - 20})"/>`,
    );
  }
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${shapes.join('')}</svg>`);
  const day = String(1 + (index % 28)).padStart(2, '0');
  const data = await sharp(Buffer.from(px.buffer, px.byteOffset, px.byteLength), { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: svg }])
    .jpeg({ quality: SETTINGS.jpegQuality })
    .withExif({
      IFD0: { Make: 'Darkroom', Model: 'Bench Camera', Orientation: '1' },
      IFD2: { ExposureTime: '1/250', FNumber: '56/10', ISOSpeedRatings: String(100 * (1 + (index % 8))), FocalLength: '35/1', DateTimeOriginal: `2024:06:${day} 12:30:00`, LensModel: 'Bench 35mm' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' },
    })
    .toBuffer();
  return { index, name, data, sha256: createHash('sha256').update(data).digest('hex') };
}

// ---------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux): how many cores this bench, the worker, our PostgreSQL
// backends and everything else used during a phase. "other" > 0 means the machine was busy.

const CLK_TCK = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(result.stdout?.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
})();

interface CpuGroups {
  bench: number[];
  worker: number[];
  postgres: number[];
}
type GroupName = keyof CpuGroups;
interface CpuSnapshot {
  at: number;
  system?: { busy: number; total: number };
  ticks: Record<GroupName, Map<number, number>>;
}
interface CpuUse {
  /** average cores busy on the whole machine */
  machine: number;
  bench: number;
  worker: number;
  postgres: number;
  /** machine − (bench + worker + postgres): other sessions, builds, tests… */
  other: number;
}

function systemTicks(): CpuSnapshot['system'] {
  try {
    const first = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = first.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

function procStat(pid: number): { comm: string; pgrp: number; ticks: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
    return { comm: text.slice(text.indexOf('(') + 1, close), pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function processGroup(pgid: number | undefined): number[] {
  if (pgid === undefined) return [];
  try {
    return fs
      .readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => procStat(pid)?.pgrp === pgid);
  } catch {
    return [];
  }
}

function snapshot(groups: CpuGroups): CpuSnapshot {
  const ticks = {} as CpuSnapshot['ticks'];
  for (const name of Object.keys(groups) as GroupName[]) {
    ticks[name] = new Map(groups[name].flatMap((pid) => {
      const stat = procStat(pid);
      return stat ? [[pid, stat.ticks] as const] : [];
    }));
  }
  return { at: performance.now(), system: systemTicks(), ticks };
}

/** A process that appeared during the phase counts from zero. */
function cpuBetween(start: CpuSnapshot, end: CpuSnapshot): CpuUse | undefined {
  if (!start.system || !end.system) return undefined;
  const seconds = (end.at - start.at) / 1000;
  const cores = (ticks: number) => ticks / CLK_TCK / seconds;
  const group = (name: GroupName) => cores(sum([...end.ticks[name]].map(([pid, t]) => t - (start.ticks[name].get(pid) ?? 0))));
  const use = { machine: cores(end.system.busy - start.system.busy), bench: group('bench'), worker: group('worker'), postgres: group('postgres'), other: 0 };
  use.other = Math.max(0, use.machine - use.bench - use.worker - use.postgres);
  return use;
}

// ---------------------------------------------------------------------------------------
// bare-sharp: developImage in a loop, in this process

interface Signature {
  width: number;
  height: number;
  placeholder: string;
  dominantColor: string;
  variants: string[];
}

const signatureOf = (d: Developed): Signature => ({
  width: d.width,
  height: d.height,
  placeholder: d.placeholder,
  dominantColor: d.dominantColor,
  variants: d.variants.map((v) => `${v.width}x${v.height}.${v.format}:${v.data.length}`).sort(),
});

interface PhaseResult {
  seconds: number;
  images: number;
  imagesPerSecond: number;
  perImageMs: number[];
  /** cores other processes used while each image was developed (NaN if unknown) */
  perImageOtherCores: number[];
  cpu?: CpuUse;
}

async function runBareSharp(photos: Photo[], warmups: Photo[]): Promise<PhaseResult & { signatures: Signature[]; warmupMs: number[] }> {
  const warmupMs: number[] = [];
  for (const photo of warmups) {
    const t = performance.now();
    await developImage(photo.data, { maxPixels: SETTINGS.maxPixels });
    warmupMs.push(performance.now() - t);
  }
  const groups: CpuGroups = { bench: [process.pid], worker: [], postgres: [] };
  const perImageMs: number[] = [];
  const signatures: Signature[] = [];
  const before = snapshot(groups);
  const started = performance.now();
  const perImageOtherCores: number[] = [];
  for (const photo of photos) {
    const t = performance.now();
    const from = snapshot(groups);
    const developed = await developImage(photo.data, { maxPixels: SETTINGS.maxPixels });
    perImageMs.push(performance.now() - t);
    perImageOtherCores.push(cpuBetween(from, snapshot(groups))?.other ?? Number.NaN);
    signatures.push(signatureOf(developed));
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, images: photos.length, imagesPerSecond: photos.length / seconds, perImageMs, perImageOtherCores, cpu: cpuBetween(before, snapshot(groups)), signatures, warmupMs };
}

// ---------------------------------------------------------------------------------------
// full-path: upload → queue → storage → DB, developed by one worker child

interface FreshDatabase {
  name: string;
  url: string;
  admin: postgres.Sql;
  drop(): Promise<void>;
}

async function createDatabase(): Promise<FreshDatabase> {
  const name = `darkroom_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end({ timeout: 1 });
    throw new Error(`could not create a database on TEST_DATABASE_URL=${TEST_DATABASE_URL}: ${errorText(error)}`);
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    admin,
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [TSX_CLI, 'server/worker.ts'], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const started: Worker = {
    child,
    stdout: new Tail(),
    stderr: new Tail(),
    exited: new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        started.exit = { code, signal };
        resolve();
      });
      child.once('error', (error) => {
        started.stderr.push(Buffer.from(`spawn error: ${error.message}`));
        if (child.pid === undefined) {
          started.exit = { code: null, signal: null };
          resolve();
        }
      });
    }),
  };
  child.stdout?.on('data', (chunk: Buffer) => started.stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => started.stderr.push(chunk));
  return started;
}

function workerOutput(w: Worker): string {
  const parts = [w.stderr.toString() && `--- worker stderr (tail) ---\n${w.stderr}`, w.stdout.toString() && `--- worker stdout (tail) ---\n${w.stdout}`].filter(Boolean);
  return parts.length ? parts.join('\n') : '(the worker printed nothing)';
}

function assertWorkerAlive(w: Worker) {
  if (w.exit) throw new Error(`the worker exited (code ${w.exit.code}, signal ${w.exit.signal})\n${workerOutput(w)}`);
}

/** Ready = both LISTEN connections are up (the loop claims right after), seen in pg_stat_activity. */
async function waitWorkerReady(w: Worker, db: FreshDatabase): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < SETTINGS.workerStartTimeoutMs) {
    assertWorkerAlive(w);
    const rows = await db.admin<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = ${db.name} and query ilike ${'listen%darkroom_jobs_cancel%'}`;
    if ((rows[0]?.n ?? 0) > 0) {
      await sleep(500); // its first (empty) claim
      return performance.now() - started;
    }
    await sleep(100);
  }
  throw new Error(`the worker did not start listening within ${SETTINGS.workerStartTimeoutMs / 1000} s\n${workerOutput(w)}`);
}

async function postgresBackends(db: FreshDatabase): Promise<number[]> {
  const rows = await db.admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${db.name}`;
  // Only if PostgreSQL runs on this host, in this PID namespace.
  return rows.map((r) => r.pid).filter((pid) => procStat(pid)?.comm === 'postgres');
}

interface ApiImage {
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

interface JobTimes {
  enqueuedAt: number;
  claimedAt?: number;
  finishedAt?: number;
  attempts: number;
}

interface ImageTimeline {
  name: string;
  id: string;
  uploadStartMs: number;
  uploadMs: number;
  /** from the first upload request (t0), ms; DB clock for the job times */
  enqueued: number;
  claimed: number;
  finished: number;
  readySeen: number;
  /** claimed → finished: read original + develop + write variants + commit */
  runMs: number;
  /** cores other processes used during the job */
  otherCores: number;
  attempts: number;
}

interface Breakdown {
  /** t0 → first claim: the first upload, the commit, NOTIFY and the worker's claim */
  startMs: number;
  /** Σ claimed → finished */
  runMs: number;
  /** Σ between a finish and the next claim while that job was already queued */
  claimGapMs: number;
  /** Σ between a finish and the next enqueue: the worker waited for an upload */
  waitingForUploadMs: number;
  /** last finish → seen ready by the poll (poll interval) */
  tailMs: number;
}

async function runFullPath(photos: Photo[], warmups: Photo[]) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-bench-develop-'));
  tempDirs.push(dataDir);
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
  const uploads: { id: string; startMs: number; ms: number }[] = [];
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

  const timeline: ImageTimeline[] = uploads.map((u, i) => {
    const job = jobs.get(u.id);
    const rel = (at: number | undefined) => (at === undefined ? Number.NaN : at - t0);
    const claimed = rel(job?.claimedAt);
    const finished = rel(job?.finishedAt);
    return {
      name: photos[i]?.name ?? u.id,
      id: u.id,
      uploadStartMs: u.startMs,
      uploadMs: u.ms,
      enqueued: rel(job?.enqueuedAt),
      claimed,
      finished,
      readySeen: readySeen.get(u.id) ?? Number.NaN,
      runMs: finished - claimed,
      otherCores: otherCoresBetween(claimed, finished),
      attempts: job?.attempts ?? 0,
    };
  });
  const byClaim = [...timeline].sort((a, b) => a.claimed - b.claimed);
  const breakdown: Breakdown = { startMs: byClaim[0]?.claimed ?? Number.NaN, runMs: sum(timeline.map((t) => t.runMs)), claimGapMs: 0, waitingForUploadMs: 0, tailMs: 0 };
  for (let i = 1; i < byClaim.length; i++) {
    const previous = byClaim[i - 1];
    const current = byClaim[i];
    if (!previous || !current) continue;
    const waited = Math.max(0, current.enqueued - previous.finished);
    breakdown.waitingForUploadMs += waited;
    breakdown.claimGapMs += current.claimed - previous.finished - waited;
  }
  breakdown.tailMs = endMs - Math.max(...timeline.map((t) => t.finished));

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

/** Same transforms both ways: each API image against the developImage output of its photo. */
function compareOutputs(photos: Photo[], signatures: Signature[], items: ApiImage[]): { identical: boolean; notes: string[] } {
  const notes: string[] = [];
  for (const [i, photo] of photos.entries()) {
    const expected = signatures[i];
    const item = items.find((it) => it.originalName === photo.name);
    if (!expected || !item) {
      notes.push(`${photo.name}: missing on one side`);
      continue;
    }
    const got = item.variants.map((v) => `${v.width}x${v.height}.${v.format}:${v.bytes}`).sort();
    const shape = (list: string[]) => list.map((v) => v.split(':')[0]).join(' ');
    if (item.width !== expected.width || item.height !== expected.height) notes.push(`${photo.name}: size ${item.width}x${item.height} vs ${expected.width}x${expected.height}`);
    if (shape(got) !== shape(expected.variants)) notes.push(`${photo.name}: variants [${shape(got)}] vs [${shape(expected.variants)}]`);
    else if (got.join() !== expected.variants.join()) notes.push(`${photo.name}: same variants, different byte counts`);
    if (item.placeholder !== expected.placeholder || item.dominantColor !== expected.dominantColor) notes.push(`${photo.name}: placeholder/dominant colour differ`);
  }
  return { identical: notes.length === 0, notes };
}

// ---------------------------------------------------------------------------------------

type BareRun = Awaited<ReturnType<typeof runBareSharp>>;
type FullRun = Awaited<ReturnType<typeof runFullPath>>;
const CPU_KEYS = ['machine', 'bench', 'worker', 'postgres', 'other'] as const;

/** Several runs of one path as one: all images over all seconds, per-image medians, CPU weighted by time. */
function combine(runs: PhaseResult[]): PhaseResult {
  const seconds = sum(runs.map((r) => r.seconds));
  const images = sum(runs.map((r) => r.images));
  const perImageMs = (runs[0]?.perImageMs ?? []).map((_, i) => median(runs.map((r) => r.perImageMs[i] ?? Number.NaN)));
  const perImageOtherCores = (runs[0]?.perImageOtherCores ?? []).map((_, i) => median(runs.map((r) => r.perImageOtherCores[i] ?? Number.NaN)));
  const cpu = runs.every((r) => r.cpu)
    ? (Object.fromEntries(CPU_KEYS.map((key) => [key, sum(runs.map((r) => (r.cpu?.[key] ?? 0) * r.seconds)) / seconds])) as unknown as CpuUse)
    : undefined;
  return { seconds, images, imagesPerSecond: images / seconds, perImageMs, perImageOtherCores, cpu };
}

function cpuCell(cpu: CpuUse | undefined, key: keyof CpuUse) {
  return cpu ? fmt(cpu[key], 2) : 'n/a';
}

/** CPU time our processes (this bench, the worker, our PostgreSQL backends) spent per image. */
function cpuSecondsPerImage(result: PhaseResult): number {
  if (!result.cpu) return Number.NaN;
  return ((result.cpu.bench + result.cpu.worker + result.cpu.postgres) * result.seconds) / result.images;
}

function table(rows: { path: string; result: PhaseResult }[]): string {
  const header = ['path', 'images', 'seconds', 'images/s', 'ms/image (median)', 'CPU s/image', 'bench cores', 'worker cores', 'postgres cores', 'other cores'];
  const lines = rows.map(({ path: name, result }) => {
    const bare = name.startsWith('bare');
    return [
      name,
      String(result.images),
      fmt(result.seconds, 2),
      fmt(result.imagesPerSecond, 3),
      fmt(median(result.perImageMs)),
      result.cpu ? fmt(cpuSecondsPerImage(result), 2) : 'n/a',
      cpuCell(result.cpu, 'bench'),
      bare ? '-' : cpuCell(result.cpu, 'worker'),
      bare ? '-' : cpuCell(result.cpu, 'postgres'),
      cpuCell(result.cpu, 'other'),
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)));
  const render = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [render(header), ...lines.map(render)].map((line) => `  ${line}`).join('\n');
}

async function main(): Promise<number> {
  const load = os.loadavg().map((v) => v.toFixed(2));
  console.log(
    `bench:develop — ${SETTINGS.images} photos ${SETTINGS.width}×${SETTINGS.height} JPEG q${SETTINGS.jpegQuality}, one at a time, ${SETTINGS.rounds} round(s); ` +
      `${CORES} CPUs, Node ${process.version}, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}; load average at start ${load.join(' / ')}`,
  );

  // What startBackground does in both processes (the API's upload inspection uses sharp too).
  configureSharp(1, CORES);
  const genStarted = performance.now();
  const photos: Photo[] = [];
  for (let i = 0; i < SETTINGS.images; i++) photos.push(await makePhoto(i));
  const warmups: Photo[] = [];
  for (let i = 0; i < SETTINGS.warmup; i++) warmups.push(await makePhoto(SETTINGS.images + i, `warmup-${String(i + 1).padStart(2, '0')}.jpg`));
  if (new Set([...photos, ...warmups].map((p) => p.sha256)).size !== photos.length + warmups.length) throw new Error('two generated photos have the same sha256');
  const totalMb = sum(photos.map((p) => p.data.length)) / 1e6;
  console.log(`  generated ${photos.length} photos (+${warmups.length} warm-up), ${fmt(totalMb, 1)} MB (${fmt(totalMb / photos.length, 1)} MB each) in ${fmt((performance.now() - genStarted) / 1000, 1)} s (not timed)`);

  const bares: BareRun[] = [];
  const fulls: FullRun[] = [];
  const order: string[] = [];
  for (let round = 0; round < SETTINGS.rounds; round++) {
    // With several rounds the order alternates, so neither path always runs first.
    const baselineFirst = (SETTINGS.order === 'baseline-first') === (round % 2 === 0);
    const label = SETTINGS.rounds > 1 ? ` #${round + 1}` : '';
    for (const which of baselineFirst ? (['bare', 'full'] as const) : (['full', 'bare'] as const)) {
      if (which === 'bare') {
        console.log(`  bare-sharp${label}: developImage() in a loop in this process…`);
        bares.push(await runBareSharp(photos, warmups));
        order.push(`bare-sharp${label}`);
      } else {
        console.log(`  full-path${label}: upload → queue → storage → PostgreSQL, one worker child (PREPROCESS_CONCURRENCY=1)…`);
        fulls.push(await runFullPath(photos, warmups));
        order.push(`full-path${label}`);
        await cleanup(); // stop the worker, drop the database before anything else is measured
        cleaning = undefined;
      }
    }
  }
  const bare = combine(bares);
  const full = combine(fulls);
  console.log(`  order: ${order.join(' → ')}; worker listening ${fulls.map((f) => fmt(f.workerReadyMs / 1000, 1)).join(', ')} s after spawn (not timed)`);
  if (warmups.length) {
    const list = (runs: { warmupMs: number[] }[]) => runs.map((r) => r.warmupMs.map((ms) => fmt(ms)).join('+')).join(', ');
    console.log(`  warm-up (not timed, ${warmups.length} photo): bare-sharp ${list(bares)} ms; full-path upload→ready ${list(fulls)} ms`);
  }

  const rows = [
    ...(SETTINGS.rounds > 1 ? [...bares.map((r, i) => ({ path: `bare-sharp #${i + 1}`, result: r })), ...fulls.map((r, i) => ({ path: `full-path #${i + 1}`, result: r }))] : []),
    { path: SETTINGS.rounds > 1 ? 'bare-sharp (all)' : 'bare-sharp', result: bare },
    { path: SETTINGS.rounds > 1 ? 'full-path (all)' : 'full-path', result: full },
  ];
  console.log(`\n${table(rows)}`);

  const medianOf = (pick: (t: ImageTimeline) => number, i: number) => median(fulls.map((f) => (f.timeline[i] ? pick(f.timeline[i]) : Number.NaN)));
  const cores = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? 'n/a' : fmt(value, 2));
  console.log(
    `\n  per image${SETTINGS.rounds > 1 ? ' (median of rounds)' : ''}  bare develop ms  upload ms (full-path)  full job claim→finish ms  overhead ms  other cores bare / full`,
  );
  for (const [i, photo] of photos.entries()) {
    const b = bare.perImageMs[i] ?? Number.NaN;
    const run = full.perImageMs[i] ?? Number.NaN;
    const up = medianOf((t) => t.uploadMs, i);
    const overhead = `${run - b >= 0 ? '+' : ''}${fmt(run - b)}`;
    const others = `${cores(bare.perImageOtherCores[i])} / ${cores(full.perImageOtherCores[i])}`;
    console.log(`  ${photo.name.padEnd(15)}  ${fmt(b).padStart(15)}  ${fmt(up).padStart(20)}  ${fmt(run).padStart(24)}  ${overhead.padStart(11)}  ${others.padStart(23)}`);
  }
  const br = (key: keyof Breakdown) => sum(fulls.map((f) => f.breakdown[key]));
  const fullMs = full.seconds * 1000;
  const line = (title: string, ms: number, extra = '') => console.log(`    ${title.padEnd(31)}${fmt(ms).padStart(7)} ms  ${`${fmt((100 * ms) / fullMs, 1)}%`.padStart(6)}${extra}`);
  console.log(`\n  where the full path's ${fmt(full.seconds, 2)} s went (bare-sharp loop: ${fmt(bare.seconds, 2)} s):`);
  line('first upload → first claim', br('startMs'));
  line('jobs running (claim→finish)', br('runMs'), `  (Σ bare develop ${fmt(sum(bares.map((b) => sum(b.perImageMs))))} ms)`);
  line('worker waiting for an upload', br('waitingForUploadMs'));
  line('finish → next claim', br('claimGapMs'));
  line('last finish → seen ready', br('tailMs'), `  (poll every ${SETTINGS.pollMs} ms)`);
  console.log(`    all uploads answered after ${fulls.map((f) => fmt(f.uploadsDoneMs)).join(', ')} ms (overlapping the jobs)`);
  if (full.cpu && bare.cpu) {
    const perImage = (cores: number) => fmt((cores * fullMs) / full.images);
    const uploadsCpu = sum(fulls.map((f) => f.uploadsBenchCpuMs));
    const benchCpu = sum(fulls.map((f) => f.benchCpuMs));
    console.log(
      `\n  CPU per image (ms): bare-sharp ${fmt(cpuSecondsPerImage(bare) * 1000)}; full-path ${fmt(cpuSecondsPerImage(full) * 1000)} = ` +
        `worker ${perImage(full.cpu.worker)} + API process ${perImage(full.cpu.bench)} (uploads ${fmt(uploadsCpu / full.images)}, ` +
        `polling ${fmt((benchCpu - uploadsCpu) / full.images)}) + PostgreSQL ${perImage(full.cpu.postgres)}`,
    );
  }

  const notes = [...new Set(fulls.flatMap((f) => compareOutputs(photos, bares[0]?.signatures ?? [], f.items).notes))];
  console.log(
    notes.length === 0
      ? '\n  output: identical both ways (sizes, variants and their byte counts, placeholder, dominant colour)'
      : `\n  output differs between the two paths:\n    ${notes.join('\n    ')}`,
  );
  const retried = fulls.flatMap((f) => f.timeline.filter((t) => t.attempts > 1));
  if (retried.length) console.log(`  note: retried jobs (timings include the retry): ${retried.map((t) => `${t.name} ×${t.attempts}`).join(', ')}`);

  const others = [...bares, ...fulls].map((r) => r.cpu?.other ?? 0);
  const busy = Math.max(...others) > 0.25;
  const machineNote = !bare.cpu
    ? 'machine: CPU use not measured (no /proc)'
    : busy
      ? `machine: BUSY — other processes used ${fmt(bare.cpu.other, 2)} (bare-sharp) and ${fmt(full.cpu?.other ?? Number.NaN, 2)} (full-path) of ${CORES} cores on average ` +
        `(${fmt(Math.min(...others), 2)}–${fmt(Math.max(...others), 2)} per run); wall-clock numbers are noisy, re-run on a quiet machine before quoting them`
      : `machine: quiet — other processes used at most ${fmt(Math.max(...others), 2)} of ${CORES} cores on average`;
  console.log(`  ${machineNote}`);

  const ratio = full.imagesPerSecond / bare.imagesPerSecond;
  const cpuRatio = cpuSecondsPerImage(bare) / cpuSecondsPerImage(full);
  if (Number.isFinite(cpuRatio)) console.log(`  ratio by CPU time per image, bare-sharp/full-path (less sensitive to a busy machine): ${cpuRatio.toFixed(2)}x`);
  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  const summary = (r: PhaseResult) => ({
    seconds: r.seconds,
    images: r.images,
    imagesPerSecond: r.imagesPerSecond,
    perImageMs: r.perImageMs,
    perImageOtherCores: r.perImageOtherCores,
    cpuCores: r.cpu, cpuSecondsPerImage: cpuSecondsPerImage(r) });
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: CORES, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverageAtStart: os.loadavg(), busy, note: machineNote },
    settings: { ...SETTINGS, sharp: sharp.versions.sharp, vips: sharp.versions.vips, testDatabaseUrl: TEST_DATABASE_URL.replace(/\/\/[^@/]*@/, '//…@') },
    photos: [...photos, ...warmups].map((p) => ({ name: p.name, bytes: p.data.length, sha256: p.sha256 })),
    order,
    results: { 'bare-sharp': summary(bare), 'full-path': summary(full) },
    runs: {
      'bare-sharp': bares.map((b) => ({ ...summary(b), warmupMs: b.warmupMs })),
      'full-path': fulls.map((f) => ({
        ...summary(f),
        workerReadyMs: f.workerReadyMs,
        warmupMs: f.warmupMs,
        uploadsDoneMs: f.uploadsDoneMs,
        apiProcessCpuMs: { uploads: f.uploadsBenchCpuMs, total: f.benchCpuMs },
        breakdownMs: f.breakdown,
        timelineMs: f.timeline,
      })),
    },
    outputIdentical: notes.length === 0,
    outputNotes: notes,
    ratio: { 'full-path/bare-sharp': ratio, 'cpu-per-image bare-sharp/full-path': Number.isFinite(cpuRatio) ? cpuRatio : null },
    ok: true,
  };
  fs.writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(ROOT, OUT_FILE)}`);
  console.log(`ratio full-path/bare-sharp: ${ratio.toFixed(2)}x`);
  return 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  // After Ctrl-C the run fails on purpose (services closed under it): not worth a stack.
  if (interrupted === undefined) console.error(`bench:develop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(interrupted ?? exitCode);

/*
 * Availability-mirror bench (suggested script: "bench:availability": "tsx bench/availability.ts").
 *
 * 1. PostgreSQL statements per minute caused by the heartbeats of BENCH_WORKERS (50) simulated
 *    workers — 50 `Fleet` instances of server/availability with distinct worker ids, each
 *    heartbeating every WORKER_HEARTBEAT_SECONDS — for BENCH_SECONDS, in two modes:
 *      per-ping  Fleet without Redis: every heartbeat is an UPDATE of its workers row
 *      mirror    Fleet with Redis: heartbeats go to Redis only; the heartbeat-mirror sweep
 *                (mirrorHeartbeats, one UNNEST statement) writes them all to PostgreSQL
 *                every HEARTBEAT_MIRROR_INTERVAL_SECONDS
 *    Every statement is counted by the postgres-js `debug` hook of the client the fleets use
 *    (cross-checked with pg_stat_database xact_commit / tup_updated deltas). It also measures
 *    what one cluster-duty tick (Queue.runClusterDuties with fleetSweeps) costs in each mode,
 *    and projects both to production defaults.
 * 2. GET /api/v1/status latency: the Hono app with real services (createServices + createApp
 *    behind the production node:http dispatcher) in a child process, loaded with autocannon,
 *    once with Redis (the shared snapshot) and once without (the PostgreSQL path); plus the
 *    status reader called in-process without any memo.
 *
 * Prints everything, writes bench/out/availability.json; the last two lines are the ratios.
 * Exit code non-zero only when something failed (a wrong answer, a non-2xx, an error).
 *
 *   BENCH_SECONDS=24 BENCH_WORKERS=50 npx tsx bench/availability.ts
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createApp } from '../hono/app';
import { CLIENT_IP_HEADER } from '../server/auth';
import { type AvailabilityStatus, createStatusReader, Fleet, fleetSweeps, mirrorHeartbeats } from '../server/availability';
import { APP_VERSION, type Config, loadConfig } from '../server/config';
import { type Database, schema } from '../server/db';
import { createHttpServer } from '../server/http/server';
import { createLogger } from '../server/log';
import { Queue } from '../server/queue';
import { connectRedis, type Redis } from '../server/redis';
import { createServices } from '../server/runtime';
import { createTestDatabase, type TestDatabase } from '../server/testing/db';
import { TEST_DATABASE_URL } from '../server/testing/env';
import { type PrivateRedis, startPrivateRedis } from '../server/testing/redis';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_FILE = path.join(ROOT, 'bench', 'out', 'availability.json');
const HOST = '127.0.0.1';
const SERVE_FLAG = '--serve-status';

function numberFromEnv(name: string, fallback: number, integer = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'} (got "${raw}")`);
  return value;
}

const SETTINGS = {
  workers: numberFromEnv('BENCH_WORKERS', 50, true),
  /** 24 s = two whole mirror intervals at the default 12 s: no partial interval skews the rate. */
  windowSeconds: numberFromEnv('BENCH_SECONDS', 24),
  heartbeatSeconds: numberFromEnv('WORKER_HEARTBEAT_SECONDS', 1),
  /** Production keeps 12 heartbeats per mirror interval (5 s / 60 s); so does the bench (1 s / 12 s). */
  mirrorSeconds: numberFromEnv('HEARTBEAT_MIRROR_INTERVAL_SECONDS', 12),
  ticks: numberFromEnv('BENCH_TICKS', 30, true),
  statusSeconds: numberFromEnv('BENCH_STATUS_SECONDS', 10),
  warmupSeconds: 2,
  connections: numberFromEnv('BENCH_CONNECTIONS', 50, true),
  jobs: numberFromEnv('BENCH_JOBS', 5000, true),
  rawCalls: numberFromEnv('BENCH_RAW_CALLS', 300, true),
} as const;

/** Production defaults (server/config/env-schema.ts) for the projection. */
const DEFAULTS = { heartbeatSeconds: 5, mirrorSeconds: 60, tickSeconds: 10, reseedSeconds: 300 } as const;

const silent = createLogger({ level: 'silent' });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (value: number, digits = 1) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratioText = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value >= 10 ? 1 : 2)}x` : 'n/a');

// ---------------------------------------------------------------------------------------
// child mode: the API with real services on a free port (started by the parent, below)

async function serveStatus(): Promise<void> {
  const config = loadConfig();
  const services = await createServices(config, { log: silent });
  const api = createApp(services);
  const http = createHttpServer({
    api: getRequestListener(api.fetch),
    auth: getRequestListener(services.authHandler),
    web: (_req, res) => {
      res.statusCode = 404;
      res.end();
    },
    clientIpHeader: CLIENT_IP_HEADER,
  });
  const port = await http.listen(0, HOST);
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await http.close(500);
    await services.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // The parent holds our stdin open; if it dies, stdin ends and we go too.
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

// ---------------------------------------------------------------------------------------
// what this bench started, so every path out (success, error, Ctrl-C) cleans it up

let database: TestDatabase | undefined;
let redis: PrivateRedis | undefined;
const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

async function cleanup(): Promise<void> {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await redis?.kill().catch(() => {});
  redis = undefined;
  await database?.drop().catch((error: unknown) => console.error(`could not drop the bench database: ${String(error)}`));
  database = undefined;
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------
// part 1: statements per minute

type Mode = 'per-ping' | 'mirror';

interface Counter {
  total: number;
  byKind: Record<string, number>;
  counting: boolean;
}

function classify(query: string): string {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ');
  if (q.startsWith('begin')) return 'begin';
  if (q === 'commit') return 'commit';
  if (q.startsWith('update "workers" set') && q.includes('"last_heartbeat_at" = now()')) return 'heartbeat UPDATE';
  if (q.startsWith('update workers w set last_heartbeat_at')) return 'mirror UNNEST UPDATE';
  if (q.startsWith('insert into settings')) return 'sweep due() upsert';
  if (q.includes('pg_try_advisory_xact_lock')) return 'cluster lock';
  if (q.startsWith('update "preprocess_jobs" set status')) return 'requeue expired';
  return q.slice(0, 60);
}

/** A drizzle database on its own postgres-js client whose every statement is counted. */
function countingDatabase(url: string): { db: Database; counter: Counter; end(): Promise<void> } {
  const counter: Counter = { total: 0, byKind: {}, counting: false };
  const client = postgres(url, {
    max: 10,
    onnotice: () => {},
    // No array-type lookup when a connection opens: every statement counted is one the code sent.
    fetch_types: false,
    debug: (_connection, query) => {
      if (!counter.counting) return;
      const kind = classify(query);
      counter.total += 1;
      counter.byKind[kind] = (counter.byKind[kind] ?? 0) + 1;
    },
  });
  return { db: drizzle(client, { schema }) as unknown as Database, counter, end: () => client.end({ timeout: 5 }) };
}

interface PgStats {
  xactCommit: number;
  tupUpdated: number;
  tupInserted: number;
}

/** This database's counters; a fresh connection each time (stats are read once per transaction). */
async function pgStats(url: string): Promise<PgStats> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin<{ xact_commit: string; tup_updated: string; tup_inserted: string }[]>`
      select xact_commit, tup_updated, tup_inserted from pg_stat_database where datname = current_database()`;
    return { xactCommit: Number(row?.xact_commit ?? 0), tupUpdated: Number(row?.tup_updated ?? 0), tupInserted: Number(row?.tup_inserted ?? 0) };
  } finally {
    await admin.end();
  }
}

async function heartbeatAges(url: string): Promise<number[]> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ age: number }[]>`select extract(epoch from now() - last_heartbeat_at)::float8 as age from workers where id like 'bench-worker-%'`;
    return rows.map((r) => Number(r.age));
  } finally {
    await admin.end();
  }
}

async function redisCommands(url: string): Promise<number> {
  const client = await connectRedis(url, silent, { required: true });
  try {
    const info = await client.info('stats');
    return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    client.disconnect();
  }
}

function fleetTiming(): Config['fleet'] {
  return loadConfig({
    WORKER_HEARTBEAT_SECONDS: String(SETTINGS.heartbeatSeconds),
    WORKER_STALE_SECONDS: String(SETTINGS.heartbeatSeconds * 4),
    HEARTBEAT_MIRROR_INTERVAL_SECONDS: String(SETTINGS.mirrorSeconds),
    WORKER_AUTO_OFFLINE_SWEEP_SECONDS: '30',
    AVAILABILITY_RESEED_SWEEP_SECONDS: '300',
  }).fleet;
}

const workerId = (i: number) => `bench-worker-${String(i).padStart(3, '0')}`;

interface HeartbeatResult {
  mode: Mode;
  windowSeconds: number;
  heartbeats: number;
  heartbeatErrors: number;
  sweeps: number;
  sweepRowsUpdated: number[];
  statements: number;
  statementsPerMinute: number;
  statementsByKind: Record<string, number>;
  statementsPerHeartbeat: number;
  statementsPerSweep: number;
  pgXactCommitDelta: number;
  pgXactCommitPerMinute: number;
  pgTupUpdatedDelta: number;
  redisCommandsDelta: number;
  redisCommandsPerMinute: number;
  freshestHeartbeatAgeSeconds: number;
  stalestHeartbeatAgeSeconds: number;
}

async function heartbeatMode(mode: Mode, url: string, redisUrl: string): Promise<HeartbeatResult> {
  const clients: Redis[] = [];
  const self = (i: number) => ({ id: workerId(i), hostname: `bench-host-${i}`, version: APP_VERSION, concurrency: 1 });
  const timing = fleetTiming();
  for (let i = 0; i < SETTINGS.workers; i++) {
    // One Redis client per simulated worker, as each replica has its own.
    if (mode === 'mirror') clients.push(await connectRedis(redisUrl, silent, { required: true }));
  }
  // Setup, on a client of its own that is closed before the window, so its transactions are
  // in pg_stat_database before the first reading: every worker registered (PostgreSQL first,
  // then the mirror).
  const setupClient = postgres(url, { max: 5, onnotice: () => {} });
  try {
    const setupDb = drizzle(setupClient, { schema }) as unknown as Database;
    for (let i = 0; i < SETTINGS.workers; i++) await new Fleet({ db: setupDb, redis: clients[i], log: silent, self: self(i), timing }).register();
  } finally {
    await setupClient.end({ timeout: 5 });
  }
  await sleep(300);
  const counting = countingDatabase(url);
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  try {
    const fleets = Array.from({ length: SETTINGS.workers }, (_, i) => new Fleet({ db: counting.db, redis: clients[i], log: silent, self: self(i), timing }));
    const sweeper = fleets[0];
    if (!sweeper) throw new Error('no workers');

    const pgBefore = await pgStats(url);
    const redisBefore = await redisCommands(redisUrl);
    let heartbeats = 0;
    let heartbeatErrors = 0;
    let sweeps = 0;
    const sweepRows: number[] = [];
    counting.counter.counting = true;
    const started = performance.now();
    const hbMs = SETTINGS.heartbeatSeconds * 1000;
    fleets.forEach((fleet, i) => {
      // Independent processes: phases spread over one interval.
      const first = setTimeout(() => {
        const beat = () => {
          heartbeats += 1;
          track(fleet.heartbeat().catch(() => (heartbeatErrors += 1)));
        };
        beat();
        timers.push(setInterval(beat, hbMs));
      }, (i * hbMs) / fleets.length);
      timers.push(first);
    });
    if (mode === 'mirror') {
      const mirrorMs = SETTINGS.mirrorSeconds * 1000;
      // Half an interval in, then every interval: a whole number of sweeps per whole intervals.
      const sweep = () => {
        sweeps += 1;
        track(counting.db.transaction((tx) => mirrorHeartbeats(tx, sweeper)).then((rows) => sweepRows.push(rows)));
      };
      timers.push(
        setTimeout(() => {
          sweep();
          timers.push(setInterval(sweep, mirrorMs));
        }, mirrorMs / 2),
      );
    }
    await sleep(SETTINGS.windowSeconds * 1000);
    for (const timer of timers) clearInterval(timer);
    await Promise.all([...inFlight]);
    const elapsedSeconds = (performance.now() - started) / 1000;
    counting.counter.counting = false;

    await counting.end();
    for (const client of clients) client.disconnect();
    clients.length = 0;
    await sleep(300); // the backends have exited and flushed their statistics
    const pgAfter = await pgStats(url);
    const redisAfter = await redisCommands(redisUrl);
    // Where the truth stands afterwards: how old is PostgreSQL's copy of each heartbeat?
    const ageList = await heartbeatAges(url);

    const perMinute = (n: number) => (n / elapsedSeconds) * 60;
    const byKind = counting.counter.byKind;
    const sweepStatements = (byKind['mirror UNNEST UPDATE'] ?? 0) + (mode === 'mirror' ? (byKind.begin ?? 0) + (byKind.commit ?? 0) : 0);
    return {
      mode,
      windowSeconds: Number(elapsedSeconds.toFixed(2)),
      heartbeats,
      heartbeatErrors,
      sweeps,
      sweepRowsUpdated: sweepRows,
      statements: counting.counter.total,
      statementsPerMinute: Number(perMinute(counting.counter.total).toFixed(1)),
      statementsByKind: byKind,
      statementsPerHeartbeat: Number(((byKind['heartbeat UPDATE'] ?? 0) / Math.max(1, heartbeats)).toFixed(3)),
      statementsPerSweep: sweeps ? Number((sweepStatements / sweeps).toFixed(3)) : 0,
      // Minus the first stats reading's own transaction, flushed when its connection closed.
      pgXactCommitDelta: pgAfter.xactCommit - pgBefore.xactCommit - 1,
      pgXactCommitPerMinute: Number(perMinute(pgAfter.xactCommit - pgBefore.xactCommit - 1).toFixed(1)),
      pgTupUpdatedDelta: pgAfter.tupUpdated - pgBefore.tupUpdated,
      redisCommandsDelta: redisAfter - redisBefore,
      redisCommandsPerMinute: Number(perMinute(redisAfter - redisBefore).toFixed(1)),
      freshestHeartbeatAgeSeconds: Number(Math.min(...ageList).toFixed(2)),
      stalestHeartbeatAgeSeconds: Number(Math.max(...ageList).toFixed(2)),
    };
  } finally {
    for (const timer of timers) clearInterval(timer);
    for (const client of clients) client.disconnect();
    counting.counter.counting = false;
    await counting.end().catch(() => {});
  }
}

interface TickResult {
  mode: Mode;
  ticks: number;
  statements: number;
  statementsPerTick: number;
  statementsByKind: Record<string, number>;
  medianTickMs: number;
}

/**
 * What one cluster-duty tick costs (every replica's ticker runs one per
 * PREPROCESS_TICK_INTERVAL_SECONDS): the lock transaction, re-queueing expired leases and the
 * availability sweeps' due() checks, when none of them is due (the steady state).
 */
async function tickMode(mode: Mode, url: string, redisUrl: string): Promise<TickResult> {
  const counting = countingDatabase(url);
  const client = mode === 'mirror' ? await connectRedis(redisUrl, silent, { required: true }) : undefined;
  try {
    // Nobody heartbeats now; a day-long stale limit keeps the auto-offline sweep from taking the
    // simulated fleet offline (part 2 reads it).
    const timing = { ...fleetTiming(), staleMs: 86_400_000 };
    const fleet = new Fleet({ db: counting.db, redis: client, log: silent, self: { id: workerId(0), hostname: 'bench-host-0', version: APP_VERSION, concurrency: 1 }, timing });
    const queue = new Queue({ db: counting.db, log: silent, workerId: workerId(0), leaseMs: 60_000, maxAttempts: 5, retryBaseMs: 5000 });
    queue.addClusterDuty(fleetSweeps(fleet, queue));
    await queue.runClusterDuties(); // whatever is due now runs here, uncounted
    counting.counter.counting = true;
    const times: number[] = [];
    for (let i = 0; i < SETTINGS.ticks; i++) {
      const t = performance.now();
      const result = await queue.runClusterDuties();
      times.push(performance.now() - t);
      if (!result.ran) throw new Error('the cluster lock was not taken: is another process ticking on the bench database?');
    }
    counting.counter.counting = false;
    times.sort((a, b) => a - b);
    return {
      mode,
      ticks: SETTINGS.ticks,
      statements: counting.counter.total,
      statementsPerTick: Number((counting.counter.total / SETTINGS.ticks).toFixed(2)),
      statementsByKind: counting.counter.byKind,
      medianTickMs: Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(2)),
    };
  } finally {
    client?.disconnect();
    await counting.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// part 2: GET /api/v1/status latency

type StatusMode = 'redis' | 'postgres';

interface StatusServer {
  child: ChildProcess;
  port: number;
  output(): string;
}

async function startStatusServer(mode: StatusMode, url: string, redisUrl: string): Promise<StatusServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `darkroom-bench-status-${mode}-`));
  tempDirs.push(dataDir);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    TMPDIR: os.tmpdir(),
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    DATABASE_URL: url,
    BETTER_AUTH_SECRET: 'bench-availability-secret-bench-availability',
    // The API only: no worker loop, no ticker, nothing registered or swept by this process.
    PREPROCESS_CONCURRENCY: '0',
    PREPROCESS_TICKER_ENABLED: 'false',
    // The simulated workers no longer heartbeat here; without Redis the PostgreSQL path
    // counts a worker only while its heartbeat is fresh, so keep all 50 "fresh".
    WORKER_STALE_SECONDS: '86400',
    // The 50 simulated workers look like a live fleet to the replica guard.
    DARKROOM_SINGLE_INSTANCE: '1',
    ...(mode === 'redis' ? { REDIS_URL: redisUrl, CACHE_MODE: 'strict' } : { CACHE_MODE: 'local' }),
  };
  // node --import tsx: one process, so its pid is the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/availability.ts', SERVE_FLAG], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const output = () => `--- stdout ---\n${stdout.slice(-2000)}\n--- stderr ---\n${stderr}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = stdout.split('\n').find((l) => l.startsWith('{"ready"'));
    if (line) return { child, port: (JSON.parse(line) as { port: number }).port, output };
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the ${mode} status server exited (${child.exitCode ?? child.signalCode})\n${output()}`);
    if (Date.now() > deadline) throw new Error(`the ${mode} status server did not start within 60 s\n${output()}`);
    await sleep(100);
  }
}

async function stopStatusServer(server: StatusServer): Promise<void> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  children.delete(child);
}

interface LoadResult {
  mode: StatusMode;
  answer: AvailabilityStatus;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyAvgMs: number;
  requests: number;
  /** PostgreSQL transactions per minute on the bench database while the load ran (the server's, ±1). */
  pgXactPerMinute: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * autocannon's own histogram keeps whole milliseconds, too coarse for a ~3 ms p50; every
 * response time (float ms, from process.hrtime) is kept here instead.
 */
function cannon(url: string, seconds: number): Promise<{ result: autocannon.Result; times: number[] }> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: SETTINGS.connections, pipelining: 1, duration: seconds }, (error: unknown, result: autocannon.Result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve({ result, times });
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function loadStatus(mode: StatusMode, url: string, redisUrl: string): Promise<LoadResult> {
  const server = await startStatusServer(mode, url, redisUrl);
  try {
    const target = `http://${HOST}:${server.port}/api/v1/status`;
    const res = await fetch(target);
    const answer = (await res.json()) as AvailabilityStatus;
    if (res.status !== 200) throw new Error(`GET /status on the ${mode} server answered ${res.status}: ${JSON.stringify(answer)}`);
    if (answer.source !== mode) throw new Error(`GET /status on the ${mode} server answered from ${answer.source}`);
    if (answer.workersOnline !== SETTINGS.workers) throw new Error(`GET /status on the ${mode} server counts ${answer.workersOnline} workers, not ${SETTINGS.workers}`);
    const warm = await cannon(target, SETTINGS.warmupSeconds);
    // The server's backends flush their statistics at most once a second, at a transaction's
    // end: good enough for a rate over the whole run.
    const pgBefore = await pgStats(url);
    const { result: measured, times } = await cannon(target, SETTINGS.statusSeconds);
    const pgAfter = await pgStats(url);
    for (const [what, r] of [['warm-up', warm.result], ['load', measured]] as const) {
      if (r.non2xx || r.errors || r.timeouts) throw new Error(`${mode} ${what}: non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}\n${server.output()}`);
    }
    times.sort((a, b) => a - b);
    return {
      mode,
      answer,
      requestsPerSecond: measured.requests.average,
      latencyP50Ms: Number(percentile(times, 0.5).toFixed(3)),
      latencyP99Ms: Number(percentile(times, 0.99).toFixed(3)),
      latencyAvgMs: Number((times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)).toFixed(3)),
      requests: measured.requests.total,
      pgXactPerMinute: Number((((pgAfter.xactCommit - pgBefore.xactCommit - 1) / measured.duration) * 60).toFixed(1)),
      non2xx: measured.non2xx,
      errors: measured.errors,
      timeouts: measured.timeouts,
    };
  } finally {
    await stopStatusServer(server);
  }
}

interface RawResult {
  path: string;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

function summarize(pathName: string, times: number[]): RawResult {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => percentile(sorted, q);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { path: pathName, calls: sorted.length, p50Ms: Number(at(0.5).toFixed(3)), p99Ms: Number(at(0.99).toFixed(3)), meanMs: Number(mean.toFixed(3)) };
}

/**
 * The status reader called in-process, one call at a time: the Redis snapshot (a hit), the
 * snapshot rebuilt from the mirror (a miss, once per 10 s cluster-wide), and the PostgreSQL
 * path without its 2 s per-process memo (a fresh reader per call).
 */
async function rawStatus(url: string, redisUrl: string): Promise<RawResult[]> {
  const client = postgres(url, { max: 4, onnotice: () => {} });
  const db = drizzle(client, { schema }) as unknown as Database;
  const redisClient = await connectRedis(redisUrl, silent, { required: true });
  try {
    const timing = { ...fleetTiming(), staleMs: 86_400_000 };
    const self = { id: workerId(0), hostname: 'bench-host-0', version: APP_VERSION, concurrency: 1 };
    const withRedis = new Fleet({ db, redis: redisClient, log: silent, self, timing });
    const withoutRedis = new Fleet({ db, log: silent, self, timing });
    const measure = async (name: string, call: () => Promise<AvailabilityStatus>, before?: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) await call(); // warm
      for (let i = 0; i < SETTINGS.rawCalls; i++) {
        await before?.();
        const t = performance.now();
        const answer = await call();
        times.push(performance.now() - t);
        if (answer.workersOnline !== SETTINGS.workers) throw new Error(`${name}: ${answer.workersOnline} workers online, not ${SETTINGS.workers}`);
      }
      return summarize(name, times);
    };
    const shared = createStatusReader(withRedis);
    return [
      await measure('redis snapshot (hit)', shared),
      await measure('redis snapshot rebuilt (miss)', shared, () => redisClient.del('availability:snapshot')),
      await measure('postgres, no memo', () => createStatusReader(withoutRedis)()),
    ];
  } finally {
    redisClient.disconnect();
    await client.end({ timeout: 5 });
  }
}

/** A library's worth of job rows, so the queue counts of /status scan something real. */
async function seedJobs(url: string): Promise<void> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin`
      insert into preprocess_jobs (id, kind, subject_id, status, attempts, finished_at)
      select gen_random_uuid()::text, 'develop-image', 'bench-image-' || g,
        case when g % 100 < 90 then 'succeeded' when g % 100 < 96 then 'queued' when g % 100 < 98 then 'running' else 'failed' end,
        1, now()
      from generate_series(1, ${SETTINGS.jobs}) g`;
    await admin`analyze preprocess_jobs`;
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const cpus = os.availableParallelism();
  console.log(
    `bench:availability — ${SETTINGS.workers} workers, heartbeat ${SETTINGS.heartbeatSeconds} s, mirror ${SETTINGS.mirrorSeconds} s, ` +
      `${SETTINGS.windowSeconds} s per mode; /status ${SETTINGS.connections} connections × ${SETTINGS.statusSeconds} s; ${cpus} CPUs, Node ${process.version}`,
  );
  database = await createTestDatabase('postgres').catch((error: unknown) => {
    throw new Error(`could not create a database on TEST_DATABASE_URL=${TEST_DATABASE_URL}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const url = database.url;
  if (!url) throw new Error('the bench database has no URL');
  redis = await startPrivateRedis();
  const redisUrl = redis.url;

  // ----- part 1
  console.log('\n1. PostgreSQL statements caused by heartbeats');
  const modes: HeartbeatResult[] = [];
  for (const mode of ['per-ping', 'mirror'] as const) {
    process.stdout.write(`   ${mode.padEnd(8)} running ${SETTINGS.windowSeconds} s … `);
    const result = await heartbeatMode(mode, url, redisUrl);
    modes.push(result);
    console.log(`${fmt(result.statementsPerMinute)} statements/min`);
  }
  const [perPing, mirror] = modes as [HeartbeatResult, HeartbeatResult];
  const failures: string[] = [];
  if (perPing.heartbeatErrors || mirror.heartbeatErrors) failures.push(`heartbeat errors: per-ping ${perPing.heartbeatErrors}, mirror ${mirror.heartbeatErrors}`);
  if (mirror.sweeps === 0) failures.push('no mirror sweep ran inside the window: make BENCH_SECONDS at least HEARTBEAT_MIRROR_INTERVAL_SECONDS');
  if (mirror.sweepRowsUpdated.some((n) => n !== SETTINGS.workers)) failures.push(`a mirror sweep did not update all ${SETTINGS.workers} heartbeats: ${mirror.sweepRowsUpdated.join(', ')}`);
  if (perPing.stalestHeartbeatAgeSeconds > SETTINGS.heartbeatSeconds * 3) failures.push(`per-ping: a PostgreSQL heartbeat is ${perPing.stalestHeartbeatAgeSeconds} s old`);

  const row = (r: HeartbeatResult) => [
    r.mode,
    fmt(r.statementsPerMinute),
    fmt(r.pgXactCommitPerMinute),
    String(r.pgTupUpdatedDelta),
    fmt(r.redisCommandsPerMinute),
    String(r.heartbeats),
    String(r.sweeps),
    `${r.freshestHeartbeatAgeSeconds}–${r.stalestHeartbeatAgeSeconds}`,
  ];
  printTable(['mode', 'statements/min', 'PG xact/min', 'PG rows updated', 'Redis cmds/min', 'heartbeats', 'sweeps', 'PG heartbeat age s'], [row(perPing), row(mirror)]);
  for (const r of modes) console.log(`   ${r.mode}: ${Object.entries(r.statementsByKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const statementRatio = perPing.statementsPerMinute / mirror.statementsPerMinute;

  console.log(`\n   one cluster-duty tick (${SETTINGS.ticks} ticks per mode, nothing due: the steady state)`);
  const ticks: TickResult[] = [];
  for (const mode of ['per-ping', 'mirror'] as const) ticks.push(await tickMode(mode, url, redisUrl));
  const [tickPerPing, tickMirror] = ticks as [TickResult, TickResult];
  printTable(
    ['mode', 'statements/tick', 'median ms', 'statements'],
    ticks.map((t) => [t.mode, fmt(t.statementsPerTick, 2), fmt(t.medianTickMs, 2), Object.entries(t.statementsByKind).map(([k, n]) => `${k} ${n}`).join(', ')]),
  );
  const tickDelta = tickMirror.statementsPerTick - tickPerPing.statementsPerTick;

  // Projection to the production defaults, from the per-event costs measured above.
  const W = SETTINGS.workers;
  const projection = {
    workers: W,
    defaults: DEFAULTS,
    perPingHeartbeatStatementsPerMinute: Number((W * (60 / DEFAULTS.heartbeatSeconds) * perPing.statementsPerHeartbeat).toFixed(1)),
    mirrorSweepStatementsPerMinute: Number(((60 / DEFAULTS.mirrorSeconds) * mirror.statementsPerSweep).toFixed(1)),
    mirrorExtraTickStatementsPerReplicaPerTick: Number(tickDelta.toFixed(2)),
    mirrorExtraTickStatementsPerMinute: Number((W * (60 / DEFAULTS.tickSeconds) * tickDelta).toFixed(1)),
  };
  const projectedRatio = projection.perPingHeartbeatStatementsPerMinute / projection.mirrorSweepStatementsPerMinute;
  const projectedRatioWithTicks = projection.perPingHeartbeatStatementsPerMinute / (projection.mirrorSweepStatementsPerMinute + projection.mirrorExtraTickStatementsPerMinute);
  console.log(
    `\n   projected to production defaults (heartbeat ${DEFAULTS.heartbeatSeconds} s, mirror ${DEFAULTS.mirrorSeconds} s, tick ${DEFAULTS.tickSeconds} s), ${W} workers:\n` +
      `     per-ping heartbeat UPDATEs          ${fmt(projection.perPingHeartbeatStatementsPerMinute)} /min\n` +
      `     mirror sweep                        ${fmt(projection.mirrorSweepStatementsPerMinute)} /min   → ${ratioText(projectedRatio)} fewer\n` +
      `     mirror's extra due() checks, if every worker runs a ticker (PREPROCESS_TICKER_ENABLED, default true):\n` +
      `       ${fmt(tickDelta, 2)} statements/tick × ${W} replicas × ${60 / DEFAULTS.tickSeconds} ticks/min = ${fmt(projection.mirrorExtraTickStatementsPerMinute)} /min   → ${ratioText(projectedRatioWithTicks)} with them counted`,
  );

  // ----- part 2
  console.log(`\n2. GET /api/v1/status (${SETTINGS.jobs.toLocaleString('en-US')} job rows, ${W} workers online)`);
  await seedJobs(url);
  const loads: LoadResult[] = [];
  for (const mode of ['redis', 'postgres'] as const) loads.push(await loadStatus(mode, url, redisUrl));
  const [redisLoad, pgLoad] = loads as [LoadResult, LoadResult];
  printTable(
    ['path', 'req/s', 'p50 ms', 'p99 ms', 'avg ms', 'requests', 'PG xact/min', 'non-2xx', 'errors'],
    loads.map((l) => [l.mode, fmt(l.requestsPerSecond), fmt(l.latencyP50Ms, 2), fmt(l.latencyP99Ms, 2), fmt(l.latencyAvgMs, 2), l.requests.toLocaleString('en-US'), fmt(l.pgXactPerMinute), String(l.non2xx), String(l.errors)]),
  );
  console.log('   the status reader in-process, one call at a time:');
  const raw = await rawStatus(url, redisUrl);
  printTable(
    ['path', 'p50 ms', 'p99 ms', 'mean ms', 'calls'],
    raw.map((r) => [r.path, fmt(r.p50Ms, 3), fmt(r.p99Ms, 3), fmt(r.meanMs, 3), String(r.calls)]),
  );
  const p50Ratio = pgLoad.latencyP50Ms / redisLoad.latencyP50Ms;
  const rpsRatio = redisLoad.requestsPerSecond / pgLoad.requestsPerSecond;
  const rawHit = raw[0];
  const rawPg = raw[2];
  const rawRatio = rawHit && rawPg ? rawPg.p50Ms / rawHit.p50Ms : Number.NaN;

  const out = {
    machine: { cpus, node: process.version, platform: `${os.type()} ${os.release()}`, loadAverage: os.loadavg() },
    settings: SETTINGS,
    heartbeats: modes,
    ticks,
    projection: { ...projection, ratio: Number(projectedRatio.toFixed(1)), ratioWithTicks: Number(projectedRatioWithTicks.toFixed(2)) },
    status: { load: loads, raw },
    ratios: {
      perPingOverMirrorStatements: Number(statementRatio.toFixed(1)),
      statusPostgresOverRedisP50: Number(p50Ratio.toFixed(2)),
      statusRedisOverPostgresRequestsPerSecond: Number(rpsRatio.toFixed(2)),
      statusRawPostgresNoMemoOverRedisHitP50: Number(rawRatio.toFixed(2)),
    },
    ok: failures.length === 0,
    failures,
  };
  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  fs.writeFileSync(OUT_FILE, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, OUT_FILE)}`);
  if (failures.length) console.error(`FAILED:\n  ${failures.join('\n  ')}`);
  console.log(`ratio status redis/postgres req/s: ${ratioText(rpsRatio)}`);
  console.log(`ratio status postgres(no memo)/redis(hit) p50, in-process: ${ratioText(rawRatio)}`);
  console.log(`ratio per-ping/mirror statements: ${ratioText(statementRatio)}`);
  console.log(`ratio status postgres/redis p50: ${ratioText(p50Ratio)}`);
  return failures.length ? 1 : 0;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const render = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  for (const line of [render(header), ...rows.map(render)]) console.log(`   ${line}`);
}

if (process.argv.includes(SERVE_FLAG)) {
  serveStatus().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: cleaning up what this bench started`);
      void cleanup().finally(() => process.exit(code));
    });
  }
  // Last resort (synchronous): no child outlives the bench.
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  main()
    .then(async (code) => {
      await cleanup();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      console.error(`bench:availability failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      await cleanup();
      process.exit(1);
    });
}

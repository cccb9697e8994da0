/*
 * Part 2: GET /api/v1/status from a child with real services (`node --import tsx
 * bench/availability.ts --serve-status`), loaded with and without Redis; then in-process.
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import { getRequestListener } from '@hono/node-server';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createApp } from '../../hono/app';
import { CLIENT_IP_HEADER } from '../../server/auth';
import { type AvailabilityStatus, createStatusReader, Fleet } from '../../server/availability';
import { loadConfig } from '../../server/config';
import { type Database, schema } from '../../server/db';
import { createHttpServer } from '../../server/boot/http-server';
import { connectRedis } from '../../server/redis';
import { createServices } from '../../server/boot';
import { makeTempDir, ROOT, sleep } from '../lib/process';
import { percentile, sum } from '../lib/stats';
import { fleetTiming, pgStats, SETTINGS, silent, withClient, workerSelf } from './common';

const HOST = '127.0.0.1';
export const SERVE_FLAG = '--serve-status';

// ---------------------------------------------------------------------------------------
// child mode: the API with real services on a free port (started by the parent, below)

export async function serveStatus(): Promise<void> {
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
// the parent: start, load and stop that child

const children = new Set<ChildProcess>();

/** SIGKILL to every status server still running; synchronous, so it can also run in 'exit'. */
export function killStatusServers(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

type StatusMode = 'redis' | 'postgres';

interface StatusServer {
  child: ChildProcess;
  port: number;
  output(): string;
}

async function startStatusServer(mode: StatusMode, url: string, redisUrl: string): Promise<StatusServer> {
  const dataDir = makeTempDir(`darkroom-bench-status-${mode}-`);
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

export interface LoadResult {
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

export async function loadStatus(mode: StatusMode, url: string, redisUrl: string): Promise<LoadResult> {
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
      latencyAvgMs: Number((sum(times) / Math.max(1, times.length)).toFixed(3)),
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

export interface RawResult {
  path: string;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

function summarize(pathName: string, times: number[]): RawResult {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => percentile(sorted, q);
  const mean = sum(sorted) / Math.max(1, sorted.length);
  return { path: pathName, calls: sorted.length, p50Ms: Number(at(0.5).toFixed(3)), p99Ms: Number(at(0.99).toFixed(3)), meanMs: Number(mean.toFixed(3)) };
}

/**
 * The status reader called in-process, one call at a time: the Redis snapshot (a hit), the
 * snapshot rebuilt from the mirror (a miss, once per 10 s cluster-wide), and the PostgreSQL
 * path without its 2 s per-process memo (a fresh reader per call).
 */
export async function rawStatus(url: string, redisUrl: string): Promise<RawResult[]> {
  const client = postgres(url, { max: 4, onnotice: () => {} });
  const db = drizzle(client, { schema }) as unknown as Database;
  const redisClient = await connectRedis(redisUrl, silent, { required: true });
  try {
    const timing = { ...fleetTiming(), staleMs: 86_400_000 };
    const self = workerSelf(0);
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
export async function seedJobs(url: string): Promise<void> {
  await withClient(url, async (sql) => {
    await sql`
      insert into preprocess_jobs (id, kind, subject_id, status, attempts, finished_at)
      select gen_random_uuid()::text, 'develop-image', 'bench-image-' || g,
        case when g % 100 < 90 then 'succeeded' when g % 100 < 96 then 'queued' when g % 100 < 98 then 'running' else 'failed' end,
        1, now()
      from generate_series(1, ${SETTINGS.jobs}) g`;
    await sql`analyze preprocess_jobs`;
  });
}

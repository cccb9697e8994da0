/*
 * API throughput bench (npm run bench:api). In one run it starts three servers, each with
 * its own empty DATA_DIR, and loads the same route on each, one after another:
 *
 *   production-server  `npm start` (server/main.ts): node:http hands /api/v1/* to Hono
 *   next-mount         `next start`: the same Hono app behind app/api/v1/[[...route]]/route.ts
 *   bare-hono          bench/bare-hono.ts: @hono/node-server and one route, nothing else
 *
 * It prints req/s and latency per target and the ratios production-server/next-mount and
 * bare-hono/production-server, and writes bench/out/api.json. Speed is reported, never
 * asserted: the exit code is non-zero only if a server did not start or a request failed.
 *
 *   BENCH_SECONDS=10 npx tsx bench/api.ts
 */
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Routes loaded on every target. Add a real read with one line once it exists. */
interface Endpoint {
  path: string;
  /** e.g. a session cookie for an admin read */
  headers?: Record<string, string>;
  /** Also load the bare-hono baseline (it only answers /api/v1/health). */
  baseline?: boolean;
}

const ENDPOINTS: Endpoint[] = [
  { path: '/api/v1/health', baseline: true },
  // A real read: the public album list (a PostgreSQL/PGlite query per request, no cache yet).
  { path: '/api/v1/albums' },
];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_FILE = path.join(ROOT, 'bench', 'out', 'api.json');
const TSX_CLI = 'node_modules/tsx/dist/cli.mjs';
const NEXT_BIN = 'node_modules/next/dist/bin/next';
const HEALTH_PATH = '/api/v1/health';
const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 180_000;
const SERVER_ERROR_GIVE_UP_MS = 15_000;
const STOP_GRACE_MS = 5_000;

const SETTINGS = {
  connections: 50,
  pipelining: 1,
  durationSeconds: positiveNumberFromEnv('BENCH_SECONDS', 10),
  warmupSeconds: 2,
} as const;

type TargetName = 'production-server' | 'next-mount' | 'bare-hono';

interface Target {
  name: TargetName;
  what: string;
  args: (port: number) => string[];
  env: (port: number) => Record<string, string>;
}

const TARGETS: Target[] = [
  {
    name: 'production-server',
    what: 'npm start: server/main.ts, node:http → Hono',
    args: () => [TSX_CLI, 'server/main.ts'],
    env: (port) => ({ PORT: String(port), HOST }),
  },
  {
    name: 'next-mount',
    what: 'next start: app/api/v1/[[...route]]/route.ts → Hono',
    args: (port) => [NEXT_BIN, 'start', '-p', String(port), '-H', HOST],
    env: () => ({}),
  },
  {
    name: 'bare-hono',
    what: 'bench/bare-hono.ts: @hono/node-server, one route',
    args: () => [TSX_CLI, 'bench/bare-hono.ts'],
    env: (port) => ({ PORT: String(port), HOST }),
  },
];

interface Server {
  target: Target;
  port: number;
  dataDir: string;
  child: ChildProcess;
  stdout: Tail;
  stderr: Tail;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  exited: Promise<void>;
  spawnError?: Error;
}

interface Row {
  endpoint: string;
  target: TargetName;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyAvgMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

interface Ratios {
  endpoint: string;
  'production-server/next-mount': number;
  'bare-hono/production-server'?: number;
}

// ---------------------------------------------------------------------------------------
// child processes: every one is started in its own process group (tsx runs the script in
// a grandchild), and stopped by that group id — on success, on error and on Ctrl-C.

const servers: Server[] = [];
const tempDirs: string[] = [];

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

function startServer(target: Target, port: number): Server {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `darkroom-bench-${target.name}-`));
  tempDirs.push(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: '',
    REDIS_URL: '',
    DATA_DIR: dataDir,
    BETTER_AUTH_URL: `http://localhost:${port}`,
    NEXT_TELEMETRY_DISABLED: '1',
    ...target.env(port),
  };
  const child = spawn(process.execPath, target.args(port), {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server: Server = {
    target,
    port,
    dataDir,
    child,
    stdout: new Tail(),
    stderr: new Tail(),
    exited: new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        server.exit = { code, signal };
        resolve();
      });
      child.once('error', (error) => {
        server.spawnError = error;
        if (child.pid === undefined) {
          server.exit = { code: null, signal: null };
          resolve();
        }
      });
    }),
  };
  child.stdout?.on('data', (chunk: Buffer) => server.stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => server.stderr.push(chunk));
  servers.push(server);
  return server;
}

function killGroup(server: Server, signal: NodeJS.Signals) {
  if (server.child.pid === undefined) return;
  try {
    process.kill(-server.child.pid, signal);
  } catch {
    // ESRCH: the whole group is gone already
  }
}

async function stopServer(server: Server) {
  if (!server.exit) {
    killGroup(server, 'SIGTERM');
    await Promise.race([server.exited, sleep(STOP_GRACE_MS)]);
  }
  // Also reaps a grandchild that outlived its tsx parent.
  killGroup(server, 'SIGKILL');
  await Promise.race([server.exited, sleep(STOP_GRACE_MS)]);
}

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all(servers.map(stopServer));
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  })();
  return stopping;
}

// Last resort if the process ends some other way: synchronous, so it can run in 'exit'.
process.on('exit', () => {
  for (const server of servers) killGroup(server, 'SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the servers this bench started`);
    void stopAll().finally(() => process.exit(code));
  });
}

// ---------------------------------------------------------------------------------------

function positiveNumberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of seconds (got "${raw}")`);
  return value;
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

function ensureNextBuild() {
  if (fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) return;
  console.log('No Next production build (.next/BUILD_ID missing); running `next build` first…');
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
}

/** Distinct free loopback ports: all are held open at once, then released. */
async function freePorts(count: number): Promise<number[]> {
  const holders = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const holder = net.createServer();
          holder.once('error', reject);
          holder.listen(0, HOST, () => resolve(holder));
        }),
    ),
  );
  const ports = holders.map((holder) => {
    const address = holder.address();
    if (!address || typeof address === 'string') throw new Error('could not read a free port');
    return address.port;
  });
  await Promise.all(holders.map((holder) => new Promise<void>((resolve) => holder.close(() => resolve()))));
  return ports;
}

function describeOutput(server: Server): string {
  const parts: string[] = [];
  const stderr = server.stderr.toString();
  const stdout = server.stdout.toString();
  parts.push(stderr ? `--- stderr (tail) ---\n${stderr}` : '--- stderr: (empty) ---');
  if (stdout) parts.push(`--- stdout (tail) ---\n${stdout}`);
  return parts.join('\n');
}

class StartAborted extends Error {}

/**
 * Polls GET /api/v1/health until it answers 200 {"status":"ok"}. Gives up when the child
 * exits, when it keeps answering 5xx, at the startup timeout, or when another server failed.
 */
async function waitReady(server: Server, abort: AbortSignal): Promise<number> {
  const started = Date.now();
  const url = `http://${HOST}:${server.port}${HEALTH_PATH}`;
  const fail = (why: string) => new Error(`${server.target.name} ${why}\n${describeOutput(server)}`);
  let last = 'no answer yet';
  let failingSince: number | undefined;
  while (Date.now() - started < STARTUP_TIMEOUT_MS) {
    if (abort.aborted) throw new StartAborted();
    if (server.exit || server.spawnError) {
      const how = server.spawnError ? `could not be spawned (${server.spawnError.message})` : `exited (code ${server.exit?.code}, signal ${server.exit?.signal})`;
      throw fail(`${how} before answering ${url}`);
    }
    let status = 0;
    let body = '';
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      status = response.status;
      body = await response.text();
    } catch (error) {
      last = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
    if (status === 200) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      if ((parsed as { status?: unknown } | undefined)?.status !== 'ok') throw fail(`answered ${url} with 200 but not {"status":"ok"}: ${body.slice(0, 200)}`);
      return Date.now() - started;
    }
    if (status !== 0) last = `HTTP ${status} ${body.slice(0, 200)}`.trimEnd();
    if (status >= 500) {
      failingSince ??= Date.now();
      if (Date.now() - failingSince > SERVER_ERROR_GIVE_UP_MS) throw fail(`kept answering ${url} with ${last} for ${SERVER_ERROR_GIVE_UP_MS / 1000} s`);
    } else {
      failingSince = undefined;
    }
    await sleep(250);
  }
  throw fail(`did not answer ${url} with 200 within ${STARTUP_TIMEOUT_MS / 1000} s (last: ${last})`);
}

/** Starts every target at once; the first failure stops the wait for the others. */
async function startAll(ports: number[]): Promise<{ server: Server; readyMs: number }[]> {
  const abort = new AbortController();
  const started = TARGETS.map((target, i) => startServer(target, ports[i] ?? 0));
  const outcomes = await Promise.allSettled(
    started.map((server) =>
      waitReady(server, abort.signal).catch((error: unknown) => {
        abort.abort();
        throw error;
      }),
    ),
  );
  const errors = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected' && !(outcome.reason instanceof StartAborted) ? [outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)] : [],
  );
  if (errors.length > 0) throw new Error(`server start failed:\n${errors.join('\n\n')}`);
  return started.map((server, i) => {
    const outcome = outcomes[i];
    return { server, readyMs: outcome?.status === 'fulfilled' ? outcome.value : 0 };
  });
}

function load(url: string, seconds: number, headers?: Record<string, string>) {
  return autocannon({
    url,
    connections: SETTINGS.connections,
    pipelining: SETTINGS.pipelining,
    duration: seconds,
    headers,
  });
}

function statusCodes(result: autocannon.Result): Record<string, number> {
  return Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]));
}

function failuresOf(result: autocannon.Result): string | undefined {
  if (result.non2xx === 0 && result.errors === 0 && result.timeouts === 0) return undefined;
  return `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}, status codes ${JSON.stringify(statusCodes(result))}`;
}

const fmtNumber = (value: number, digits = 0, minDigits = digits) => value.toLocaleString('en-US', { minimumFractionDigits: minDigits, maximumFractionDigits: digits });
const fmtRatio = (value: number) => `${value.toFixed(value >= 10 ? 1 : 2)}x`;

function table(rows: Row[]): string {
  const header = ['target', 'req/s (avg)', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'];
  const lines = rows.map((row) => [
    row.target,
    fmtNumber(row.requestsPerSecond, 1),
    // autocannon records whole milliseconds
    fmtNumber(row.latencyP50Ms, 2, 0),
    fmtNumber(row.latencyP99Ms, 2, 0),
    fmtNumber(row.requests),
    String(row.non2xx),
    String(row.errors),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)));
  const render = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [render(header), ...lines.map(render)].map((line) => `  ${line}`).join('\n');
}

async function main(): Promise<number> {
  console.log(
    `bench:api — ${SETTINGS.connections} connections, pipelining ${SETTINGS.pipelining}, ${SETTINGS.durationSeconds} s per target ` +
      `(+${SETTINGS.warmupSeconds} s warm-up), ${os.availableParallelism()} CPUs, Node ${process.version}`,
  );
  ensureNextBuild();

  const ports = await freePorts(TARGETS.length);
  const ready = await startAll(ports);
  for (const { server, readyMs } of ready) {
    console.log(`  ${server.target.name.padEnd(18)} http://${HOST}:${server.port}  ready in ${(readyMs / 1000).toFixed(1)} s  (${server.target.what})`);
  }
  const started = ready.map(({ server }) => server);

  const rows: Row[] = [];
  const failures: string[] = [];
  const ratios: Ratios[] = [];
  for (const endpoint of ENDPOINTS) {
    const targets = started.filter((server) => endpoint.baseline || server.target.name !== 'bare-hono');
    console.log(`\nGET ${endpoint.path}`);
    for (const server of targets) {
      const url = `http://${HOST}:${server.port}${endpoint.path}`;
      const label = `${server.target.name} GET ${endpoint.path}`;
      const warm = await load(url, SETTINGS.warmupSeconds, endpoint.headers);
      const warmFailure = failuresOf(warm);
      if (warmFailure) failures.push(`${label} (warm-up): ${warmFailure}`);
      const result = await load(url, SETTINGS.durationSeconds, endpoint.headers);
      const failure = failuresOf(result);
      if (failure) failures.push(`${label}: ${failure}`);
      rows.push({
        endpoint: endpoint.path,
        target: server.target.name,
        requestsPerSecond: result.requests.average,
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        latencyAvgMs: result.latency.average,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes: statusCodes(result),
      });
      if (server.exit) failures.push(`${server.target.name} exited during the load (code ${server.exit.code}, signal ${server.exit.signal})\n${describeOutput(server)}`);
    }
    const endpointRows = rows.filter((row) => row.endpoint === endpoint.path);
    console.log(table(endpointRows));
    const rps = (name: TargetName) => endpointRows.find((row) => row.target === name)?.requestsPerSecond ?? Number.NaN;
    const ratio: Ratios = { endpoint: endpoint.path, 'production-server/next-mount': rps('production-server') / rps('next-mount') };
    if (endpoint.baseline) ratio['bare-hono/production-server'] = rps('bare-hono') / rps('production-server');
    ratios.push(ratio);
    console.log(`  production-server / next-mount: ${fmtRatio(ratio['production-server/next-mount'])}`);
    if (ratio['bare-hono/production-server'] !== undefined) console.log(`  bare-hono / production-server: ${fmtRatio(ratio['bare-hono/production-server'])}`);
  }

  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.arch()}` },
    settings: SETTINGS,
    targets: started.map((server) => ({ name: server.target.name, what: server.target.what, command: ['node', ...server.target.args(server.port)].join(' ') })),
    results: rows,
    ratios,
    ok: failures.length === 0,
    failures,
  };
  fs.writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(ROOT, OUT_FILE)}`);

  if (failures.length > 0) console.error(`\nFAILED requests:\n  ${failures.join('\n  ')}`);
  // The headline (first endpoint, /api/v1/health), last line so it greps easily.
  const headline = ratios[0];
  if (headline) {
    if (headline['bare-hono/production-server'] !== undefined) console.log(`ratio bare-hono/production-server: ${fmtRatio(headline['bare-hono/production-server'])}`);
    console.log(`ratio production-server/next-mount: ${fmtRatio(headline['production-server/next-mount'])}`);
  }
  return failures.length > 0 ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`bench:api failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await stopAll();
}
process.exit(exitCode);

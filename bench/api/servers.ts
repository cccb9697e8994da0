/*
 * The servers bench/api.ts loads: each a child in its own process group with its own
 * empty DATA_DIR, started at once and ready when GET /api/v1/health answers {"status":"ok"}.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { errorText } from '../lib/format';
import { npmCli } from '../footprint/processes';
import { makeTempDir, ProcessGroup, ROOT, sleep, TSX_CLI } from '../lib/process';

const NEXT_BIN = 'node_modules/next/dist/bin/next';
const HEALTH_PATH = '/api/v1/health';
export const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 180_000;
const SERVER_ERROR_GIVE_UP_MS = 15_000;

export type TargetName = 'production-server' | 'production-server-quiet' | 'next-mount' | 'bare-hono' | 'bare-hono-observed';

/** Owner created headlessly (ADMIN_EMAIL/ADMIN_PASSWORD) in each production server, to seed the cached read. */
export const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };

export interface Target {
  name: TargetName;
  what: string;
  args: (port: number) => string[];
  env: (port: number) => Record<string, string>;
  /** Logs at the default level (info) into DATA_DIR/stdout.log instead of LOG_LEVEL=silent. */
  logs?: boolean;
}

/**
 * `redisUrl(db)`: the bench's private redis-server, one database per target so no target
 * reads what another cached. The production servers run CACHE_MODE=strict, as with REDIS_URL set.
 */
export function targets(redisUrl: (db: number) => string): Target[] {
  const production = (db: number) => ({ REDIS_URL: redisUrl(db), CACHE_MODE: 'strict', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  return [
    {
      name: 'production-server',
      what: 'npm start (compiled dist/server/main.js), node:http → Hono; default LOG_LEVEL (info)',
      args: () => [npmCli(), 'start'],
      env: (port) => ({ PORT: String(port), HOST, ...production(1) }),
      logs: true,
    },
    {
      name: 'production-server-quiet',
      what: 'the same with LOG_LEVEL=silent (no access log)',
      args: () => [npmCli(), 'start'],
      env: (port) => ({ PORT: String(port), HOST, ...production(2) }),
    },
    {
      name: 'next-mount',
      what: 'next start: app/api/v1/[[...route]]/route.ts → Hono',
      args: (port) => [NEXT_BIN, 'start', '-p', String(port), '-H', HOST],
      env: () => ({}),
    },
    {
      name: 'bare-hono',
      what: 'bench/bare-hono.ts: @hono/node-server, /health and one Redis GET',
      args: () => [TSX_CLI, 'bench/bare-hono.ts'],
      env: (port) => ({ PORT: String(port), HOST, REDIS_URL: redisUrl(3) }),
    },
    {
      name: 'bare-hono-observed',
      what: 'the same + the product\'s requestContext: request id, duration histogram, batched access line',
      args: () => [TSX_CLI, 'bench/bare-hono.ts'],
      env: (port) => ({ PORT: String(port), HOST, REDIS_URL: redisUrl(4), BARE_HONO_OBSERVED: '1' }),
      logs: true,
    },
  ];
}

export interface Server {
  target: Target;
  port: number;
  dataDir: string;
  proc: ProcessGroup;
  /** Where the server's stdout (its log) goes, for targets with `logs`. */
  logFile?: string;
}

function startServer(target: Target, port: number): Server {
  const dataDir = makeTempDir(`darkroom-bench-${target.name}-`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: '',
    REDIS_URL: '',
    CACHE_MODE: '',
    DATA_DIR: dataDir,
    BETTER_AUTH_URL: `http://localhost:${port}`,
    NEXT_TELEMETRY_DISABLED: '1',
    ...target.env(port),
  };
  // Unset, not empty: the default a user gets.
  if (target.logs) delete env.LOG_LEVEL;
  if (!env.CACHE_MODE) delete env.CACHE_MODE;
  const logFile = target.logs ? path.join(dataDir, 'stdout.log') : undefined;
  return { target, port, dataDir, logFile, proc: new ProcessGroup(target.args(port), env, { stdoutFile: logFile }) };
}

export function ensureNextBuild() {
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
export async function freePorts(count: number): Promise<number[]> {
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

export function describeOutput(server: Server): string {
  const parts: string[] = [];
  const stderr = server.proc.stderr.toString();
  const stdout = server.proc.stdout.toString();
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
  const child = server.proc;
  let last = 'no answer yet';
  let failingSince: number | undefined;
  while (Date.now() - started < STARTUP_TIMEOUT_MS) {
    if (abort.aborted) throw new StartAborted();
    if (child.exit || child.spawnError) {
      const how = child.spawnError ? `could not be spawned (${child.spawnError.message})` : `exited (code ${child.exit?.code}, signal ${child.exit?.signal})`;
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
export async function startAll(list: Target[], ports: number[]): Promise<{ server: Server; readyMs: number }[]> {
  const abort = new AbortController();
  const started = list.map((target, i) => startServer(target, ports[i] ?? 0));
  const outcomes = await Promise.allSettled(
    started.map((server) =>
      waitReady(server, abort.signal).catch((error: unknown) => {
        abort.abort();
        throw error;
      }),
    ),
  );
  const errors = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected' && !(outcome.reason instanceof StartAborted) ? [errorText(outcome.reason)] : [],
  );
  if (errors.length > 0) throw new Error(`server start failed:\n${errors.join('\n\n')}`);
  return started.map((server, i) => {
    const outcome = outcomes[i];
    return { server, readyMs: outcome?.status === 'fulfilled' ? outcome.value : 0 };
  });
}

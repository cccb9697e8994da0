/*
 * What bench/footprint.ts starts, exactly as a user would: `npm start` and `npm run worker`
 * through npm itself (npm stays resident as their parent, so it counts), and the baseline, a
 * bare `node -e` HTTP server. Each runs in a process group of its own (bench/lib/process.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ProcessGroup, sleep } from '../lib/process';
import { type TreeMemory, treeMemory } from './tree';

const STARTUP_TIMEOUT_MS = 300_000;

/** npm's CLI: the one running this bench (npm run …), else the one installed beside node. */
export function npmCli(): string {
  const fromNpm = process.env.npm_execpath;
  if (fromNpm && fromNpm.endsWith('.js') && fs.existsSync(fromNpm)) return fromNpm;
  const beside = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (!fs.existsSync(beside)) throw new Error(`npm's CLI was not found at ${beside}; run the bench with npm run bench:footprint`);
  return beside;
}

/**
 * The environment of a user's shell: this one without Darkroom's variables, npm's own
 * npm_* variables or a NODE_ENV, so every setting is at its default unless `env` gives it.
 */
export function userEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  const darkroom = /^(DATABASE_URL|DATABASE_POOL_MAX|REDIS_URL|CACHE_MODE|LOG_LEVEL|DATA_DIR|STORAGE_|S3_|BETTER_AUTH_|PREPROCESS_|ADMIN_|UPLOAD_|METRICS_|DARKROOM_|WORKER_|PORT$|HOST$|NODE_ENV$|npm_)/;
  for (const name of Object.keys(clean)) if (darkroom.test(name)) delete clean[name];
  return { ...clean, NEXT_TELEMETRY_DISABLED: '1', ...env };
}

export interface Started {
  proc: ProcessGroup;
  readyMs: number;
}

function output(proc: ProcessGroup): string {
  return [`--- stderr (tail) ---\n${proc.stderr}`, `--- stdout (tail) ---\n${proc.stdout}`].join('\n');
}

/** Waits until `ready()` holds; fails when the process exits first or at the timeout. */
async function waitUntil(proc: ProcessGroup, what: string, ready: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < STARTUP_TIMEOUT_MS) {
    if (proc.exit || proc.spawnError) throw new Error(`${what} exited (code ${proc.exit?.code}, signal ${proc.exit?.signal}) before it was ready\n${output(proc)}`);
    if (await ready()) return Date.now() - started;
    await sleep(250);
  }
  throw new Error(`${what} was not ready within ${STARTUP_TIMEOUT_MS / 1000} s\n${output(proc)}`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** `npm start` (args `['start']`) or the baseline, ready when `url` answers 200. */
export async function startHttp(what: string, args: string[], env: NodeJS.ProcessEnv, url: string): Promise<Started> {
  const proc = new ProcessGroup(args, env);
  const readyMs = await waitUntil(proc, what, () => answers(url));
  return { proc, readyMs };
}

/** `npm run worker`, ready when it logs "worker started". */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<Started> {
  const proc = new ProcessGroup([npmCli(), 'run', 'worker'], env);
  const readyMs = await waitUntil(proc, 'npm run worker', async () => proc.stdout.toString().includes('"msg":"worker started"'));
  return { proc, readyMs };
}

/** The tree's memory after `seconds` of idling (timers, sweeps and GC had time to run). */
export async function idleMemory(proc: ProcessGroup, seconds: number): Promise<TreeMemory> {
  const pid = proc.child.pid;
  if (pid === undefined) throw new Error('the process has no pid');
  await sleep(seconds * 1000);
  if (proc.exit) throw new Error(`the process exited while idle (code ${proc.exit.code})\n${output(proc)}`);
  return treeMemory(pid);
}

export async function stop(started: Started): Promise<void> {
  // SIGTERM to the whole group, as Ctrl-C in a terminal would: npm, sh and node alike.
  await started.proc.stop(15_000);
}

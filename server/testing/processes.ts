import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger, type Logger } from '../log';
import { childBaseEnv } from './env';

/** One parsed pino line (msg, level and whatever the caller bound). */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Polls `probe` until it returns something other than undefined/false; the timeout error says what was awaited. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; diagnostics?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${options.diagnostics ? `\n${options.diagnostics()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

function parseLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** A pino logger of the app's own shape (redaction included) writing into memory. */
export function captureLogs(level = 'trace'): { log: Logger; text(): string; lines(): LogLine[] } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { log: createLogger({ level, destination: sink }), text: () => text, lines: () => parseLines(text) };
}

export interface WorkerProcess {
  pid: number;
  /** From its "worker started" line. */
  workerId: string;
  /** Everything it logged so far (stdout JSON lines). */
  lines(): LogLine[];
  /** The tail of its stdout and stderr, for failure messages. */
  output(): string;
  /** Whether the process is still running (false after kill(), stop() or a crash). */
  alive(): boolean;
  /** SIGKILL: a crash, no shutdown code runs. Resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after 15 s; removes the DATA_DIR it made itself. Safe to call twice. */
  stop(): Promise<void>;
}

/** A production server (`npm start`) running as a child of the test. */
export interface ServerProcess extends WorkerProcess {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  dataDir: string;
}

interface Spawned {
  child: ChildProcess;
  dataDir: string;
  lines(): LogLine[];
  output(): string;
  alive(): boolean;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `node <args>` (e.g. `--import tsx <script>`) as a child with its own DATA_DIR, so the pid is the
 * process itself (tsx's CLI forks a grandchild that would outlive a SIGKILL of the parent). Waits
 * for the first stdout line `ready` accepts (JSON lines parsed, other lines as `{ text }`); on
 * failure it stops the child and throws.
 */
async function spawnNodeProcess(
  args: string[],
  env: Record<string, string>,
  ready: { what: string; line: (line: LogLine) => boolean; timeoutMs: number; label: string },
): Promise<{ spawned: Spawned; readyLine: LogLine }> {
  // A DATA_DIR of its own unless the test gives one (which the test then cleans up).
  const ownDataDir = env.DATA_DIR ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), `darkroom-${ready.label}-`));
  const dataDir = env.DATA_DIR ?? ownDataDir ?? '';
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    // Only what it needs: nothing of the test runner's environment leaks into its config.
    env: { NODE_ENV: 'production', ...childBaseEnv(), LOG_LEVEL: 'info', ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  // 'close' comes after 'exit' once stdout and stderr are drained: every line it wrote is in.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const output = () => `--- ${ready.label} ${child.pid} stdout (tail) ---\n${stdout.slice(-6000)}\n--- stderr ---\n${stderr}`;
  const lines = () => parseLines(stdout);
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      if (alive()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => alive() && child.kill('SIGKILL'), 15_000);
        await closed;
        clearTimeout(timer);
      }
      if (ownDataDir) fs.rmSync(ownDataDir, { recursive: true, force: true });
    }
  };
  const kill = async () => {
    if (alive()) child.kill('SIGKILL');
    await closed;
  };
  const spawned: Spawned = { child, dataDir, lines, output, alive, kill, stop };
  try {
    const readyLine = await until(
      ready.what,
      () => {
        if (!alive()) throw new Error(`the ${ready.label} process exited with ${child.signalCode ?? child.exitCode}\n${output()}`);
        return [...lines(), ...stdout.split('\n').map((text) => ({ text }))].find(ready.line);
      },
      { timeoutMs: ready.timeoutMs, intervalMs: 50, diagnostics: output },
    );
    return { spawned, readyLine };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * `npm run worker`'s entry from source as a child: `node --import tsx server/boot/worker.ts`
 * (npm run worker runs the same file compiled to dist/server/), so the pid is the
 * worker itself (tsx's CLI forks a grandchild that would outlive a SIGKILL of the parent).
 * Each gets its own DATA_DIR, hence its own worker identity.
 */
export async function startWorkerProcess(env: Record<string, string>, options: { startTimeoutMs?: number } = {}): Promise<WorkerProcess> {
  const { spawned, readyLine } = await spawnNodeProcess(['--import', 'tsx', 'server/boot/worker.ts'], env, {
    what: 'the worker process to start',
    line: (l) => l.msg === 'worker started',
    timeoutMs: options.startTimeoutMs ?? 60_000,
    label: 'worker',
  });
  return {
    pid: spawned.child.pid ?? -1,
    workerId: String(readyLine.workerId),
    lines: spawned.lines,
    output: spawned.output,
    alive: spawned.alive,
    kill: spawned.kill,
    stop: spawned.stop,
  };
}

/**
 * `npm start`'s entry from source as a child (npm start runs it compiled to dist/server/):
 * `node --import tsx server/boot/main.ts` on 127.0.0.1:`port`, with its
 * own DATA_DIR (hence its own worker identity, read from DATA_DIR/worker-id). Needs a Next
 * build in .next/ (main.ts would otherwise build one itself, which no test should wait for).
 * Resolves once it logs "Darkroom is serving".
 */
export async function startServerProcess(env: Record<string, string>, options: { port: number; startTimeoutMs?: number }): Promise<ServerProcess> {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('startServerProcess needs a Next production build: run `npx next build` first');
  const { spawned } = await spawnNodeProcess(
    ['--import', 'tsx', 'server/boot/main.ts'],
    { HOST: '127.0.0.1', ...env, PORT: String(options.port) },
    {
      what: `the production server on port ${options.port} to serve`,
      line: (l) => typeof l.msg === 'string' && l.msg.startsWith('Darkroom is serving'),
      timeoutMs: options.startTimeoutMs ?? 120_000,
      label: 'server',
    },
  );
  const workerId = fs.readFileSync(path.join(spawned.dataDir, 'worker-id'), 'utf8').trim();
  return {
    pid: spawned.child.pid ?? -1,
    port: options.port,
    url: `http://127.0.0.1:${options.port}`,
    dataDir: spawned.dataDir,
    workerId,
    lines: spawned.lines,
    output: spawned.output,
    alive: spawned.alive,
    kill: spawned.kill,
    stop: spawned.stop,
  };
}

/**
 * `next start` on 127.0.0.1:`port` as a child, with its own DATA_DIR: the serverless entry
 * (Vercel), where `/api/v1/*` reaches the Hono app through the Next route handler and every module
 * is Next's bundle, not the source. Needs a Next build in .next/. Resolves once Next says Ready.
 */
export async function startNextProcess(env: Record<string, string>, options: { port: number }): Promise<Omit<ServerProcess, 'workerId'>> {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('startNextProcess needs a Next production build: run `npx next build` first');
  const nextBin = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
  const { spawned } = await spawnNodeProcess([nextBin, 'start', '-p', String(options.port), '-H', '127.0.0.1'], { NEXT_TELEMETRY_DISABLED: '1', ...env }, {
    what: `next start on port ${options.port} to be ready`,
    line: (l) => typeof l.text === 'string' && l.text.includes('Ready in'),
    timeoutMs: 60_000,
    label: 'next',
  });
  const { child: _child, ...rest } = spawned;
  return { ...rest, pid: spawned.child.pid ?? -1, port: options.port, url: `http://127.0.0.1:${options.port}` };
}

/** How an entry point ended (runToExit). */
export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's pino lines. */
  lines: LogLine[];
}

/** The tsx loader by absolute URL, so an entry can run from any working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Runs an entry point (`npm run worker`, `npm start`) to its exit, with only the given
 * environment (nothing of the test runner's); for startups that must refuse.
 */
export async function runToExit(entry: 'server/boot/worker.ts' | 'server/boot/main.ts', env: Record<string, string>, cwd = ROOT): Promise<Exited> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, entry)], {
    cwd,
    env: { NODE_ENV: 'production', ...childBaseEnv(), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let code: number | null | undefined;
  child.once('close', (c) => (code = c));
  try {
    await until(`${entry} to exit`, () => code !== undefined, { timeoutMs: 180_000, intervalMs: 50, diagnostics: () => `stdout:\n${stdout}\nstderr:\n${stderr}` });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  return { code: code ?? null, stdout, stderr, lines: parseLines(stdout) };
}

/** The ERROR lines of a run: pino level 50 messages and plain `ERROR …` lines on stderr. */
export const errorLines = (run: Exited): string[] => [
  ...run.lines.filter((l) => l.level === 50).map((l) => String(l.msg)),
  ...run.stderr.split('\n').filter((l) => l.startsWith('ERROR')),
];

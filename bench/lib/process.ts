/*
 * What a bench starts outside its own process: children in process groups of their own and
 * temp dirs. Every one is stopped or removed by the bench's cleanup, and failing that here at
 * exit, so none outlives the bench.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository; children run here. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TSX_CLI = 'node_modules/tsx/dist/cli.mjs';

export function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/** The last `max` characters a child wrote, for error messages. */
export class Tail {
  private text = '';
  constructor(private readonly max = 4_000) {}
  push(chunk: Buffer) {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.max);
  }
  toString() {
    return this.text.trimEnd();
  }
}

function readTail(file: string, max: number): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-max).trimEnd();
  } catch {
    return '';
  }
}

const groups = new Set<ProcessGroup>();
const tempDirs: string[] = [];

/**
 * `node <args>` in its own process group, stopped by that group id: tsx runs the script in a
 * grandchild, which a signal to the child alone would miss.
 */
export class ProcessGroup {
  readonly child: ChildProcess;
  readonly stdout: { toString(): string };
  readonly stderr = new Tail();
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  spawnError?: Error;
  readonly exited: Promise<void>;

  /**
   * `stdoutFile`: the child writes its stdout to that file instead of a pipe to the bench, as a
   * server whose log goes to a file or a container runtime does; the bench then spends no CPU reading it.
   */
  constructor(args: string[], env: NodeJS.ProcessEnv, options: { stdoutFile?: string } = {}) {
    const fd = options.stdoutFile === undefined ? undefined : fs.openSync(options.stdoutFile, 'a');
    const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
    if (fd !== undefined) fs.closeSync(fd);
    this.child = child;
    const file = options.stdoutFile;
    const tail = new Tail();
    this.stdout = file === undefined ? tail : { toString: () => readTail(file, 4_000) };
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
      child.once('error', (error) => {
        this.spawnError = error;
        if (child.pid === undefined) {
          this.exit = { code: null, signal: null };
          resolve();
        }
      });
    });
    child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    groups.add(this);
  }

  kill(signal: NodeJS.Signals) {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // ESRCH: the whole group is gone already
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`: the SIGKILL also reaps a grandchild that outlived its tsx parent. */
  async stop(graceMs = 5_000) {
    if (!this.exit) {
      this.kill('SIGTERM');
      await Promise.race([this.exited, sleep(graceMs)]);
    }
    this.kill('SIGKILL');
    await Promise.race([this.exited, sleep(graceMs)]);
    groups.delete(this);
  }
}

/** Stops every process group still running, all at once; `graceMs` after SIGTERM before SIGKILL. */
export async function stopProcessGroups(graceMs?: number): Promise<void> {
  await Promise.all([...groups].map((group) => group.stop(graceMs)));
}

/** A fresh directory under the OS temp dir, removed by removeTempDirs() or at exit. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

// Last resort if the process ends some other way: synchronous, so it can run in 'exit'.
process.on('exit', () => {
  for (const group of groups) group.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

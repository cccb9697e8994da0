import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogLine, until } from '../testing/processes';
import { childBaseEnv } from '../testing/env';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

const psGroup = (pgid: number) => {
  try {
    return execFileSync('ps', ['-o', 'pid,etime,args', '-g', String(pgid)], { encoding: 'utf8' });
  } catch {
    return '(ps found none)';
  }
};

let child: ChildProcess | undefined;
let dataDir: string | undefined;
afterEach(() => {
  // Whatever the outcome, nothing of the process group outlives the test.
  if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  child = undefined;
  dataDir = undefined;
});

describe('npm scripts under a process manager', () => {
  // `docker stop`, systemd and most platforms send SIGTERM to the process they started:
  // npm itself. The script must hand it to Darkroom, not leave Darkroom orphaned.
  it('SIGTERM to `npm run worker` reaches the worker, which stops cleanly, and nothing is left running', { timeout: 240_000 }, async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-npm-worker-'));
    const started = spawn('npm', ['run', '--silent', 'worker'], {
      cwd: ROOT,
      env: { ...childBaseEnv(), NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'info', PREPROCESS_TICKER_ENABLED: 'false' },
      // Its own process group, so the test can see (and clean up) every process npm started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const pgid = started.pid ?? -1;
    let stdout = '';
    let stderr = '';
    started.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'close' only once every process holding npm's stdout (the worker too) has exited.
    let closed = false;
    started.once('close', () => (closed = true));
    const lines = () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine);
    const diagnostics = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;

    await until('the worker to start under npm', () => lines().some((l) => l.msg === 'worker started'), { timeoutMs: 180_000, diagnostics });
    process.kill(pgid, 'SIGTERM');

    await until('npm and the worker to exit', () => closed, { timeoutMs: 30_000, diagnostics });
    expect(lines().find((l) => l.msg === 'worker shutting down')).toMatchObject({ signal: 'SIGTERM' });
    expect(started.exitCode, diagnostics()).toBe(0);
    // tsx's esbuild helper notices its parent is gone on its next ping.
    await until('every process npm started to be gone', () => !groupAlive(pgid), { timeoutMs: 10_000, diagnostics: () => psGroup(pgid) });
  });
});

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './processes';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const NEXT_BUILD_TIMEOUT_MS = 5 * 60_000;

const hasBuild = () => fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'));
/** One lock per checkout, outside it so nothing needs ignoring. */
const LOCK = path.join(os.tmpdir(), `darkroom-next-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);

function lockHolderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
  } catch {
    // No pid yet: the holder is between its mkdir and its write, unless the lock is old.
    const made = fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
    return made !== undefined && Date.now() - made < 10_000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** mkdir is atomic: exactly one caller gets the lock; a lock left by a dead process is taken over. */
function tryLock(): boolean {
  try {
    fs.mkdirSync(LOCK);
  } catch {
    if (lockHolderAlive()) return false;
    fs.rmSync(LOCK, { recursive: true, force: true });
    return tryLock();
  }
  fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
  return true;
}

async function build(): Promise<void> {
  const nextBin = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [nextBin, 'build'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const timer = setTimeout(() => child.kill('SIGKILL'), NEXT_BUILD_TIMEOUT_MS);
  const code = await new Promise<number | string>((resolve) => child.once('close', (c, signal) => resolve(c ?? signal ?? 'unknown')));
  clearTimeout(timer);
  if (code !== 0 || !hasBuild()) throw new Error(`\`next build\` failed (exit ${code}); tests that start production servers need a build in .next/\n${output}`);
}

/**
 * Production servers need a Next build, and `npm test` runs `next build` only after
 * vitest: on a fresh clone there is none yet, so the first test file that needs one builds
 * it, once; test files running in parallel wait for that build instead of starting their own.
 */
export async function ensureNextBuild(): Promise<void> {
  for (;;) {
    if (hasBuild()) return;
    if (tryLock()) break;
    await until('another test file’s `next build` to finish', () => !fs.existsSync(LOCK) || !lockHolderAlive(), { timeoutMs: NEXT_BUILD_TIMEOUT_MS, intervalMs: 500 });
  }
  try {
    if (!hasBuild()) await build();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

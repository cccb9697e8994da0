import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SpawnSyncOptions } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { ensureNextBuild } from './next-build';

const log = createLogger({ level: 'silent' });
const dirs: string[] = [];
const checkout = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-next-build-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the build `npm start` runs on a fresh checkout', () => {
  it('runs `next build` in the checkout with Next telemetry off, keeping the rest of the environment', () => {
    const dir = checkout();
    const calls: { args: string[]; options: SpawnSyncOptions }[] = [];
    ensureNextBuild(dir, log, (_command, args, options) => {
      calls.push({ args, options });
      return { status: 0, signal: null };
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args.at(-1)).toBe('build');
    expect(calls[0]?.options.cwd).toBe(dir);
    expect(calls[0]?.options.env?.NEXT_TELEMETRY_DISABLED).toBe('1');
    expect(calls[0]?.options.env?.PATH).toBe(process.env.PATH);
  });

  it('does not build when a build exists', () => {
    const dir = checkout();
    fs.mkdirSync(path.join(dir, '.next'));
    fs.writeFileSync(path.join(dir, '.next', 'BUILD_ID'), 'abc');
    let spawned = false;
    ensureNextBuild(dir, log, () => {
      spawned = true;
      return { status: 0, signal: null };
    });
    expect(spawned).toBe(false);
  });

  it('a failed build stops the start with a message saying what to do', () => {
    expect(() => ensureNextBuild(checkout(), log, () => ({ status: 1, signal: null }))).toThrow(/next build failed \(exit 1\).*npm start again/);
  });
});

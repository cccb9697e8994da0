import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError, lockPgliteDir } from './pglite-lock';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-lock-'));
  dirs.push(dir);
  return path.join(dir, 'pglite');
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('lockPgliteDir', () => {
  it('refuses a second holder while the first is alive, and frees on release', () => {
    const dir = tempDir();
    const release = lockPgliteDir(dir);
    expect(() => lockPgliteDir(dir)).toThrow(DatabaseLockedError);
    expect(() => lockPgliteDir(dir)).toThrow(/in use by another process .*pid \d+/);
    release();
    lockPgliteDir(dir)();
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid;
    await new Promise((resolve) => child.on('exit', resolve));
    fs.writeFileSync(`${dir}.lock`, JSON.stringify({ pid, hostname: os.hostname() }));
    const release = lockPgliteDir(dir);
    expect(JSON.parse(fs.readFileSync(`${dir}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });
});

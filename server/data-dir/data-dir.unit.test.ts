import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { captureLogs } from '../testing/processes';
import { secureDataDir, UMASK } from '.';

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-datadir-'));
  dirs.push(dir);
  return dir;
};
const mode = (file: string) => fs.lstatSync(file).mode & 0o777;

// The test runner's umask, restored after each test (secureDataDir sets the process umask).
let runnerUmask = 0o022;
beforeAll(() => {
  runnerUmask = process.umask(0o022);
  process.umask(runnerUmask);
});
afterEach(() => void process.umask(runnerUmask));

/** An install as an older Darkroom (or a careless restore) left it: everything open to everyone. */
function looseInstall(dataDir: string): string[] {
  const files = {
    'auth-secret': 'k'.repeat(43),
    'worker-id': 'host-1234abcd',
    'pglite/pg_wal/000000010000000000000001': 'wal with session tokens',
    'pglite/base/1/1259': 'relation',
    'uploads/originals/img-1/original.jpg': 'jpeg',
  };
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dataDir, name)), { recursive: true });
    fs.writeFileSync(path.join(dataDir, name), content);
  }
  const entries: string[] = [];
  const loosen = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      fs.chmodSync(file, entry.isDirectory() ? 0o777 : 0o666);
      entries.push(file);
      if (entry.isDirectory()) loosen(file);
    }
  };
  loosen(dataDir);
  fs.chmodSync(dataDir, 0o777);
  return entries;
}

describe('secureDataDir', () => {
  it('creates DATA_DIR 0700 and sets the umask, so new files are 0640 and directories 0750', async () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    const { log } = captureLogs();
    expect(secureDataDir(loadConfig({ DATA_DIR: dataDir }), log)).toEqual({ changed: 0 });
    expect(mode(dataDir)).toBe(0o700);
    expect(process.umask(UMASK)).toBe(UMASK);
    fs.writeFileSync(path.join(dataDir, 'new-file'), 'x');
    fs.mkdirSync(path.join(dataDir, 'new-dir'));
    expect(mode(path.join(dataDir, 'new-file'))).toBe(0o640);
    expect(mode(path.join(dataDir, 'new-dir'))).toBe(0o750);
  });

  it('tightens an existing install and says how many entries it changed', async () => {
    const dataDir = path.join(tempDir(), 'data');
    fs.mkdirSync(dataDir);
    const entries = looseInstall(dataDir);
    const logs = captureLogs();
    const { changed } = secureDataDir(loadConfig({ DATA_DIR: dataDir }), logs.log);
    expect(changed).toBe(entries.length + 1);
    expect(mode(dataDir)).toBe(0o700);
    for (const file of entries) expect(mode(file) & 0o027, file).toBe(0);
    expect(mode(path.join(dataDir, 'auth-secret'))).toBe(0o640);
    expect(mode(path.join(dataDir, 'pglite/base'))).toBe(0o750);
    const line = logs.lines().find((l) => typeof l.msg === 'string' && l.msg.startsWith('tightened the permissions'));
    expect(line).toMatchObject({ changed: entries.length + 1, dataDir });
    expect(line?.msg).toContain(`${entries.length + 1} entries`);

    // Nothing left to do at the next start, and nothing logged.
    const again = captureLogs();
    expect(secureDataDir(loadConfig({ DATA_DIR: dataDir }), again.log)).toEqual({ changed: 0 });
    expect(again.lines()).toEqual([]);
  });

  it('never follows a link out of DATA_DIR', async () => {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    const outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(outside, 'dir'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'file'), 'x');
    fs.writeFileSync(path.join(outside, 'dir', 'file'), 'x');
    for (const file of [path.join(outside, 'file'), path.join(outside, 'dir', 'file')]) fs.chmodSync(file, 0o666);
    fs.chmodSync(path.join(outside, 'dir'), 0o777);
    fs.mkdirSync(dataDir);
    fs.symlinkSync(path.join(outside, 'file'), path.join(dataDir, 'file-link'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(dataDir, 'dir-link'));
    secureDataDir(loadConfig({ DATA_DIR: dataDir }), captureLogs().log);
    expect(mode(path.join(outside, 'file'))).toBe(0o666);
    expect(mode(path.join(outside, 'dir'))).toBe(0o777);
    expect(mode(path.join(outside, 'dir', 'file'))).toBe(0o666);
  });

  it('leaves a shared STORAGE_LOCAL_DIR mounted inside DATA_DIR as the operator set it up', async () => {
    const dataDir = path.join(tempDir(), 'data');
    fs.mkdirSync(dataDir);
    looseInstall(dataDir);
    const photo = path.join(dataDir, 'uploads/originals/img-1/original.jpg');
    secureDataDir(loadConfig({ DATA_DIR: dataDir, STORAGE_SHARED: 'true' }), captureLogs().log);
    expect(mode(photo)).toBe(0o666);
    expect(mode(path.join(dataDir, 'uploads'))).toBe(0o777);
    expect(mode(path.join(dataDir, 'auth-secret'))).toBe(0o640);
  });

  it('walks the photos only while their top directory is loose: a tightened library is not walked at every start', () => {
    const dataDir = path.join(tempDir(), 'data');
    fs.mkdirSync(dataDir);
    looseInstall(dataDir);
    const photo = path.join(dataDir, 'uploads/originals/img-1/original.jpg');
    fs.chmodSync(path.join(dataDir, 'uploads'), 0o750);
    secureDataDir(loadConfig({ DATA_DIR: dataDir }), captureLogs().log);
    expect(mode(photo)).toBe(0o666);
    expect(mode(path.join(dataDir, 'pglite/base/1/1259'))).toBe(0o640);
  });
});

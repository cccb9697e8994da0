import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ensureNextBuild, NEXT_BUILD_TIMEOUT_MS } from '../testing/next-build';
import { formData, makeJpeg } from '../testing/photos';
import { type ServerProcess, startServerProcess, startWorkerProcess, until, type WorkerProcess } from '../testing/processes';
import { freePort } from '../testing/redis';

const OWNER = { email: 'owner@example.com', password: 'owner-password' };
const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
/** A DATA_DIR path that does not exist yet, inside a fresh temporary directory. */
const freshDataDir = () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-perms-'));
  dirs.push(parent);
  return path.join(parent, 'data');
};

let running: (ServerProcess | WorkerProcess)[] = [];
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop()));
  running = [];
});

const mode = (file: string) => fs.lstatSync(file).mode & 0o777;
/** Every entry below `dir` (links not followed), with its mode. */
function entries(dir: string): { file: string; mode: number; isDir: boolean }[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).map((entry) => {
    const file = path.join(entry.parentPath, entry.name);
    return { file, mode: mode(file), isDir: entry.isDirectory() };
  });
}
const octal = (list: { file: string; mode: number }[]) => list.map((e) => `${e.mode.toString(8)} ${e.file}`).join('\n');

/** What a fresh install must look like: DATA_DIR 0700, nothing group-writable or open to others, the database and the secret owner-only. */
function expectPrivate(dataDir: string) {
  expect(mode(dataDir)).toBe(0o700);
  const all = entries(dataDir);
  const open = all.filter((e) => e.mode & 0o027);
  expect(open, octal(open)).toEqual([]);
  const database = all.filter((e) => e.file === path.join(dataDir, 'pglite') || e.file.startsWith(`${path.join(dataDir, 'pglite')}${path.sep}`));
  expect(database.length).toBeGreaterThan(100);
  const groupReadable = database.filter((e) => e.mode & 0o077);
  expect(groupReadable, octal(groupReadable)).toEqual([]);
  expect(mode(path.join(dataDir, 'auth-secret'))).toBe(0o600);
  expect(mode(path.join(dataDir, 'worker-id')) & 0o027).toBe(0);
}

describe('file permissions of DATA_DIR', () => {
  it(
    'npm start on a fresh DATA_DIR: DATA_DIR 0700, the embedded database and the secret owner-only, uploads private',
    { timeout: NEXT_BUILD_TIMEOUT_MS + 240_000 },
    async () => {
      await ensureNextBuild();
      const dataDir = freshDataDir();
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const server = await startServerProcess(
        { DATA_DIR: dataDir, ADMIN_EMAIL: OWNER.email, ADMIN_PASSWORD: OWNER.password, BETTER_AUTH_URL: url, PREPROCESS_CONCURRENCY: '1', NEXT_TELEMETRY_DISABLED: '1' },
        { port, startTimeoutMs: 180_000 },
      );
      running.push(server);
      const signIn = await fetch(`${url}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { origin: url, 'content-type': 'application/json' },
        body: JSON.stringify(OWNER),
      });
      expect(signIn.status, await signIn.clone().text()).toBe(200);
      const cookie = signIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const headers = { origin: url, cookie };
      const upload = await fetch(`${url}/api/v1/admin/images`, {
        method: 'POST',
        headers,
        body: formData([{ name: 'photo.jpg', data: await makeJpeg({ width: 800, height: 600 }), type: 'image/jpeg' }]),
      });
      expect(upload.status, await upload.clone().text()).toBe(202);
      const [image] = ((await upload.json()) as { items: { id: string }[] }).items;
      if (!image) throw new Error('the upload answered no image');
      await until(
        'the photo to be developed',
        async () => ((await (await fetch(`${url}/api/v1/admin/images/${image.id}`, { headers })).json()) as { status: string }).status === 'ready',
        { timeoutMs: 90_000, intervalMs: 250, diagnostics: server.output },
      );

      expectPrivate(dataDir);
      const photos = entries(path.join(dataDir, 'uploads')).filter((e) => !e.isDir);
      expect(photos.some((e) => e.file.includes(`originals/${image.id}/`))).toBe(true);
      expect(photos.filter((e) => e.file.includes(`variants/${image.id}/`)).length).toBeGreaterThan(1);
      expect(server.lines().some((l) => typeof l.msg === 'string' && l.msg.startsWith('tightened'))).toBe(false);
    },
  );

  it('npm run worker on an existing install left open to everyone: tightened at startup, with a log line saying how many entries', { timeout: 240_000 }, async () => {
    const dataDir = freshDataDir();
    // The embedded database as an older Darkroom created it (PGlite writes its files 0666).
    fs.mkdirSync(dataDir);
    const old = new PGlite(path.join(dataDir, 'pglite'));
    await old.waitReady;
    await old.close();
    fs.writeFileSync(path.join(dataDir, 'auth-secret'), `${'s'.repeat(43)}\n`);
    fs.writeFileSync(path.join(dataDir, 'worker-id'), 'old-install-1234abcd\n');
    fs.mkdirSync(path.join(dataDir, 'uploads/originals/img-1'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'uploads/originals/img-1/original.jpg'), 'jpeg');
    for (const e of entries(dataDir)) fs.chmodSync(e.file, e.isDir ? 0o777 : 0o666);
    fs.chmodSync(dataDir, 0o777);
    const loose = entries(dataDir).length + 1;

    const worker = await startWorkerProcess({ DATA_DIR: dataDir, PREPROCESS_CONCURRENCY: '1', PREPROCESS_TICKER_ENABLED: 'false' }, { startTimeoutMs: 180_000 });
    running.push(worker);
    const line = worker.lines().find((l) => typeof l.msg === 'string' && l.msg.startsWith('tightened the permissions'));
    expect(line, worker.output()).toMatchObject({ changed: loose, dataDir });
    expect(line?.msg).toContain(`${loose} entries in DATA_DIR`);
    expect(mode(dataDir)).toBe(0o700);
    const open = entries(dataDir).filter((e) => e.mode & 0o027);
    expect(open, octal(open)).toEqual([]);
    expect(mode(path.join(dataDir, 'uploads/originals/img-1/original.jpg'))).toBe(0o640);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { startWorkerProcess } from '../testing/processes';

/*
 * `npm run worker` idles in as little memory as it can (issue 12): what only a photo or an
 * upload request needs loads with the first one. sharp maps libvips (~10 MB resident) and
 * @tus/server brings its HTTP stack (~9 MB); an idle worker has neither.
 */
const RECORD_IMPORTS = path.join(import.meta.dirname, '..', 'testing', 'record-imports.mjs');

describe('an idle worker process', () => {
  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-worker-idle-'));
  });
  afterAll(async () => {
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has loaded neither sharp (no libvips mapped) nor the tus server', { timeout: 120_000 }, async () => {
    if (!database.url) throw new Error('the test database has no URL');
    const imports = path.join(dir, 'imports.txt');
    const worker = await startWorkerProcess(
      {
        DATABASE_URL: database.url,
        CACHE_MODE: 'local',
        BETTER_AUTH_SECRET: 'worker-idle-secret-worker-idle-secret',
        PREPROCESS_TICKER_ENABLED: 'false',
        NODE_OPTIONS: `--import ${RECORD_IMPORTS}`,
        RECORD_IMPORTS_TO: imports,
      },
      { startTimeoutMs: 90_000 },
    );
    try {
      const maps = fs.readFileSync(`/proc/${worker.pid}/maps`, 'utf8');
      const loaded = fs.readFileSync(imports, 'utf8').split('\n');
      // The recording works: the worker's own modules and its libraries are in it.
      expect(loaded.some((url) => url.endsWith('/server/boot/worker.ts'))).toBe(true);
      expect(loaded.some((url) => url.includes('/node_modules/@tus/file-store/'))).toBe(true);
      expect(loaded.filter((url) => /\/node_modules\/(sharp|@tus\/server)\//.test(url))).toEqual([]);
      expect(maps).not.toMatch(/libvips/);
    } finally {
      await worker.stop();
    }
  });
});

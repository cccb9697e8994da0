import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorLines, runToExit } from '../testing/processes';

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
const tempDir = (label: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `darkroom-config-${label}-`));
  dirs.push(dir);
  return dir;
};

// URLs an operator pastes with their credentials in; each one is invalid for Darkroom.
const BAD_URLS = {
  DATABASE_URL: 'mysql://darkroom:hunter2@db.internal:3306/photos',
  REDIS_URL: 'http://default:hunter2@cache.internal:6379',
  STORAGE_DRIVER: 's3',
  S3_BUCKET: 'photos',
  S3_ENDPOINT: 'https://minio:hunter2@s3.internal:99999',
};

describe('a configuration error as the operator sees it', () => {
  it.each(['server/boot/worker.ts', 'server/boot/main.ts'] as const)('%s names each bad URL without its password', { timeout: 120_000 }, async (entry) => {
    // main.ts in a directory without a build: the config error must come before any build.
    const run = await runToExit(entry, { DATA_DIR: tempDir('data'), ...BAD_URLS }, entry === 'server/boot/main.ts' ? tempDir('cwd') : undefined);
    expect(run.code).not.toBe(0);
    const printed = `${run.stdout}\n${run.stderr}`;
    expect(printed).not.toContain('hunter2');
    expect(errorLines(run), printed).toContain('ERROR Invalid configuration:');
    expect(printed).toContain('(got "mysql://***@db.internal:3306/photos")');
    expect(printed).toContain('(got "http://***@cache.internal:6379")');
    expect(printed).toContain('(got "https://***@s3.internal:99999")');
  });
});

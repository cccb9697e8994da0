import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { schema } from '../db';
import { createLogger } from '../log';
import { createServices, type Services } from '../boot';
import { VOLUME_MARKER } from '../storage';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { errorLines, runToExit } from '../testing/processes';
import { ReplicaGuardError, VOLUME_SETTING } from '.';

const silent = createLogger({ level: 'silent' });
const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
const tempDir = (label: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `darkroom-volume-${label}-`));
  dirs.push(dir);
  return dir;
};

describe('STORAGE_SHARED=true: every replica must see the one shared volume', () => {
  let database: TestDatabase;
  const running: Services[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.handle.db.delete(schema.settings).where(eq(schema.settings.key, VOLUME_SETTING));
  });
  afterEach(async () => {
    for (const services of running.splice(0)) await services.close();
  });

  const env = (storageDir: string) => ({
    DATA_DIR: tempDir('data'),
    DATABASE_URL: database.url ?? '',
    STORAGE_SHARED: 'true',
    STORAGE_LOCAL_DIR: storageDir,
    BETTER_AUTH_SECRET: 'shared-volume-secret-shared-volume-secret',
    LOG_LEVEL: 'silent',
  });
  async function start(storageDir: string): Promise<Services> {
    const services = await createServices(loadConfig(env(storageDir)), { log: silent });
    running.push(services);
    return services;
  }
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('two replicas on the same directory both start', async () => {
    const shared = tempDir('shared');
    const first = await start(shared);
    await expect(start(shared)).resolves.toBeDefined();
    expect(fs.existsSync(path.join(shared, VOLUME_MARKER))).toBe(true);
    const [row] = await database.handle.db.select().from(schema.settings).where(eq(schema.settings.key, VOLUME_SETTING));
    expect(row?.value).toMatchObject({ path: shared, workerId: first.workerId, hostname: os.hostname() });
  });

  it('a replica whose STORAGE_LOCAL_DIR is another directory refuses, naming both paths', async () => {
    const volume = tempDir('mounted');
    const notMounted = tempDir('not-mounted');
    const first = await start(volume);
    const error = await refusal(start(notMounted));
    expect(error).toBeInstanceOf(ReplicaGuardError);
    const { message } = error as Error;
    expect(message).toContain(`its STORAGE_LOCAL_DIR ${notMounted} has no ${VOLUME_MARKER} marker`);
    expect(message).toContain(`first seen at ${volume} by worker ${first.workerId}`);
    expect(message).toContain('Mount that same volume at STORAGE_LOCAL_DIR on every replica');
    // Nothing was written into the directory that is not the volume.
    expect(fs.readdirSync(notMounted)).toEqual([]);
  });

  it('a directory holding another volume\'s marker is refused too, and so is the first replica once its volume is gone', async () => {
    const volume = tempDir('mounted');
    const other = tempDir('other');
    fs.writeFileSync(path.join(other, VOLUME_MARKER), JSON.stringify({ id: 'some-other-volume' }));
    await start(volume);
    await expect(start(other)).rejects.toThrow(`holds the marker of another volume (${VOLUME_MARKER} says some-other-volume)`);
    for (const services of running.splice(0)) await services.close();
    // The mount is missing after a reboot: an empty directory where the volume was.
    fs.rmSync(path.join(volume, VOLUME_MARKER));
    await expect(start(volume)).rejects.toThrow(ReplicaGuardError);
  });

  it('npm run worker refuses with an ERROR line naming both paths', { timeout: 180_000 }, async () => {
    const volume = tempDir('mounted');
    const notMounted = tempDir('not-mounted');
    await start(volume);
    const run = await runToExit('server/boot/worker.ts', { ...env(notMounted), LOG_LEVEL: 'info', PREPROCESS_CONCURRENCY: '1' });
    expect(run.code, run.stderr).not.toBe(0);
    const line = errorLines(run).find((l) => l.includes('STORAGE_SHARED=true'));
    expect(line, `${run.stdout}\n${run.stderr}`).toContain(notMounted);
    expect(line).toContain(volume);
  });
});

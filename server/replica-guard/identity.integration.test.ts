import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { startWorkerProcess, type WorkerProcess } from '../testing/processes';
import { type PrivateRedis, startPrivateRedis } from '../testing/redis';

/*
 * Two `npm run worker` processes on one PostgreSQL (+ Redis) and one DATA_DIR: one worker
 * id. The second must refuse; a restart after a crash of the first must not.
 */

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-identity-'));
  dirs.push(dir);
  return dir;
};

const PROCESS_TEST = { timeout: 240_000 };

describe.each([
  ['PostgreSQL and Redis', true],
  ['PostgreSQL alone', false],
] as const)('one DATA_DIR for two processes, on %s', (_, withRedis) => {
  let database: TestDatabase | undefined;
  let redis: PrivateRedis | undefined;
  let env: Record<string, string> = {};
  let running: WorkerProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    if (withRedis) redis = await startPrivateRedis();
    if (!database.url) throw new Error('the test database has no URL');
    env = {
      DATABASE_URL: database.url,
      ...(redis ? { REDIS_URL: redis.url, CACHE_MODE: 'strict' } : { CACHE_MODE: 'local' }),
      BETTER_AUTH_SECRET: 'identity-test-secret-identity-test-secret',
      PREPROCESS_CONCURRENCY: '1',
      PREPROCESS_TICKER_ENABLED: 'false',
      WORKER_HEARTBEAT_SECONDS: '1',
      // A crashed process's last heartbeat must still look fresh when the restart gets there,
      // however slow the machine: only a fresh one makes the restart watch it.
      WORKER_STALE_SECONDS: '60',
    };
  }, 60_000);
  afterEach(async () => {
    await Promise.all(running.map((p) => p.stop()));
    running = [];
  });
  afterAll(async () => {
    await redis?.kill();
    await database?.drop();
  });

  const start = async (dataDir: string) => {
    const worker = await startWorkerProcess({ ...env, DATA_DIR: dataDir }, { startTimeoutMs: 180_000 });
    running.push(worker);
    return worker;
  };

  it('the second process refuses with a message saying to give each replica its own DATA_DIR; the first runs on', PROCESS_TEST, async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const refusal = await start(dataDir).then(
      (second) => `started as ${second.workerId}`,
      (error: unknown) => String(error),
    );
    expect(refusal).toContain('exited with 1');
    expect(refusal).toContain(`worker id ${first.workerId}`);
    expect(refusal).toContain('is in use by another running Darkroom process');
    expect(refusal).toContain('Give each replica its own DATA_DIR');
    // The first process never saw a second boot under its id, and keeps working.
    expect(first.lines().filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
  });

  it('a restart after a crash (SIGKILL) with the same DATA_DIR starts', PROCESS_TEST, async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    await first.kill();
    const again = await start(dataDir);
    expect(again.workerId).toBe(first.workerId);
    expect(again.lines().some((l) => l.msg === 'this worker id heartbeated recently; making sure no other process still uses it')).toBe(true);
  });
});

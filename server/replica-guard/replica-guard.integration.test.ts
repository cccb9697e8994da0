import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { schema } from '../db';
import { createLogger } from '../log';
import { createServices, type Services } from '../boot';
import { createTestDatabase, type TestDatabase } from '../testing/db';
import { TEST_DATABASE_URL } from '../testing/env';
import { errorLines, runToExit, startWorkerProcess, type WorkerProcess } from '../testing/processes';
import { ReplicaGuardError } from '.';

const { workers } = schema;
const silent = createLogger({ level: 'silent' });
const SECRET = 'replica-guard-secret-replica-guard-secret';

const dirs: string[] = [];
function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `darkroom-guard-${label}-`));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('replica guard against a shared PostgreSQL database', () => {
  let database: TestDatabase;
  const running: Services[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.handle.db.execute(sql`delete from workers`);
  });
  afterEach(async () => {
    for (const services of running.splice(0)) await services.close();
  });

  /**
   * An instance on the shared database whose other components are single-instance only
   * (CACHE_MODE=local, local storage not shared): it may only run alone.
   */
  async function start(dataDir: string, env: Record<string, string> = {}): Promise<Services> {
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'silent', BETTER_AUTH_SECRET: SECRET, PREPROCESS_CONCURRENCY: '1', ...env });
    const services = await createServices(config, { log: silent });
    running.push(services);
    return services;
  }

  async function insertWorker(id: string, options: { online?: boolean; heartbeat?: Date } = {}) {
    await database.handle.db.insert(workers).values({
      id,
      hostname: 'elsewhere',
      version: 'test',
      concurrency: 2,
      isOnline: options.online ?? true,
      lastHeartbeatAt: options.heartbeat ?? new Date(),
    });
  }

  it('refuses when another live worker heartbeats in the shared database', async () => {
    await insertWorker('other-replica-1');
    const error = await start(tempDir('a')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReplicaGuardError);
    const { message } = error as ReplicaGuardError;
    expect(message).toContain('multi-instance deploy detected');
    expect(message).toContain('another live worker in the shared database (other-replica-1)');
    expect(message).toContain('CACHE_MODE=local');
    expect(message).toContain('local storage not declared shared');
    expect(message).toContain('DARKROOM_SINGLE_INSTANCE=1');
  });

  it('starts with the bypass despite the live worker', async () => {
    await insertWorker('other-replica-1');
    await expect(start(tempDir('a'), { DARKROOM_SINGLE_INSTANCE: '1' })).resolves.toBeDefined();
  });

  it('does not count an offline worker, nor one whose heartbeat is older than the mirror interval + stale window', async () => {
    const config = loadConfig({});
    const window = config.fleet.heartbeatMirrorMs + config.fleet.staleMs;
    await insertWorker('stopped-replica', { online: false });
    await insertWorker('dead-replica', { heartbeat: new Date(Date.now() - window - 60_000) });
    await expect(start(tempDir('a'))).resolves.toBeDefined();
  });

  it('the same instance restarting (same DATA_DIR, its own row still online) is not another replica', async () => {
    const dataDir = tempDir('same');
    const first = await start(dataDir);
    await first.fleet.register();
    const id = first.workerId;
    // A crash: no deregister, so its row stays online with a fresh heartbeat.
    await first.close();
    running.splice(running.indexOf(first), 1);
    const [row] = await database.handle.db.select().from(workers).where(eq(workers.id, id));
    expect(row).toMatchObject({ isOnline: true });

    const again = await start(dataDir);
    expect(again.workerId).toBe(id);
    await again.close();
    running.splice(running.indexOf(again), 1);

    // Whereas a different instance (another DATA_DIR, another identity) does see it.
    await expect(start(tempDir('other'))).rejects.toThrow(`another live worker in the shared database (${id})`);
  });

  it('starts on a database that has never been migrated (no workers table yet)', async () => {
    const name = `darkroom_guard_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    try {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/${name}`;
      const config = loadConfig({ DATA_DIR: tempDir('fresh'), DATABASE_URL: url.toString(), LOG_LEVEL: 'silent', BETTER_AUTH_SECRET: SECRET });
      const services = await createServices(config, { log: silent });
      await services.close();
    } finally {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// As real processes: `npm run worker` and `npm start` refusing to start.
// ---------------------------------------------------------------------------------------------

// Each run opens (on PGlite: initialises) a database before the guard answers; on a loaded
// machine that alone takes many seconds, hence the generous per-test budget.
const PROCESS_TEST = { timeout: 240_000 };

describe('replica guard as a real process', () => {
  it('npm run worker: DARKROOM_REPLICAS=2 without DATABASE_URL exits non-zero with an ERROR line', PROCESS_TEST, async () => {
    const run = await runToExit('server/boot/worker.ts', { DATA_DIR: tempDir('worker'), DARKROOM_REPLICAS: '2' });
    expect(run.code, run.stderr).not.toBe(0);
    const refusal = errorLines(run).find((l) => l.includes('multi-instance deploy detected'));
    expect(refusal, `${run.stdout}\n${run.stderr}`).toBeDefined();
    expect(refusal).toContain('DARKROOM_REPLICAS=2');
    expect(refusal).toContain('embedded PGlite database');
    expect(refusal).toContain('DARKROOM_SINGLE_INSTANCE=1');
    expect(run.lines.some((l) => l.msg === 'worker started')).toBe(false);
  });

  it('npm start: refuses before building the admin UI (run where no build exists) with a pino ERROR line', PROCESS_TEST, async () => {
    const cwd = tempDir('no-build');
    const run = await runToExit('server/boot/main.ts', { DATA_DIR: tempDir('main'), DARKROOM_REPLICAS: '2' }, cwd);
    expect(run.code, run.stderr).not.toBe(0);
    const refusal = run.lines.find((l) => l.level === 50 && String(l.msg).includes('multi-instance deploy detected'));
    expect(refusal?.msg, `${run.stdout}\n${run.stderr}`).toContain('DARKROOM_SINGLE_INSTANCE=1');
    expect(`${run.stdout}${run.stderr}`).not.toContain('no production build found');
    expect(fs.existsSync(path.join(cwd, '.next'))).toBe(false);
  });

  describe('the embedded database belongs to one process', () => {
    let first: WorkerProcess | undefined;
    afterEach(async () => {
      await first?.stop();
      first = undefined;
    });

    it('a second process on the same DATA_DIR refuses, even with DARKROOM_SINGLE_INSTANCE=1', PROCESS_TEST, async () => {
      const dataDir = tempDir('shared-data');
      first = await startWorkerProcess({ DATA_DIR: dataDir, PREPROCESS_CONCURRENCY: '0', PREPROCESS_TICKER_ENABLED: 'false' }, { startTimeoutMs: 180_000 });
      const env = { DATA_DIR: dataDir, DARKROOM_SINGLE_INSTANCE: '1', PREPROCESS_CONCURRENCY: '0', PREPROCESS_TICKER_ENABLED: 'false' };

      const worker = await runToExit('server/boot/worker.ts', env);
      expect(worker.code, worker.stderr).not.toBe(0);
      const workerError = errorLines(worker).find((l) => l.includes('in use by another process'));
      expect(workerError, `${worker.stdout}\n${worker.stderr}`).toContain(`pid ${first.pid}`);
      expect(workerError).toContain('set DATABASE_URL');

      const main = await runToExit('server/boot/main.ts', env, tempDir('no-build'));
      expect(main.code, main.stderr).not.toBe(0);
      const mainError = main.lines.find((l) => l.level === 50);
      expect(mainError?.msg, `${main.stdout}\n${main.stderr}`).toContain('in use by another process');
      expect(mainError?.msg).toContain(`pid ${first.pid}`);

      // The first process is unharmed by the attempts, and (with nothing to develop) still running.
      expect(first.lines().some((l) => l.level !== undefined && l.level >= 50)).toBe(false);
      expect(first.alive(), first.output()).toBe(true);
    });
  });
});

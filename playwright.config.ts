import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import type { DarkroomOptions } from './e2e/fixtures';

/*
 * The same specs run against two production servers (`npm start` on the existing
 * `next build`): one on embedded PGlite, one on a fresh PostgreSQL database. Playwright
 * loads this file in the runner and again in every worker: the runner creates the data
 * directories and the database once and hands them to the workers through the env.
 */
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function createE2eDatabase(): string {
  const name = `darkroom_e2e_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
  try {
    execFileSync('psql', [TEST_DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qc', `create database "${name}"`], { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `Could not create the e2e database on ${TEST_DATABASE_URL}: ${stderr || (error as Error).message}\n` +
        'Start PostgreSQL with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n' +
        'or point TEST_DATABASE_URL at a server where the user may CREATE DATABASE.',
    );
  }
  return name;
}

interface Scratch {
  pgliteDir: string;
  postgresDir: string;
  database: string;
}

function createScratch(): Scratch {
  const database = createE2eDatabase(); // first: it is the step that can fail
  const scratch = {
    pgliteDir: fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-e2e-pglite-')),
    postgresDir: fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-e2e-postgres-')),
    database,
  };
  // Not a globalTeardown: that runs while the web servers are still up. 'exit' comes after
  // Playwright has stopped them; a crashed run leaves a darkroom_e2e_* database behind.
  process.on('exit', () => {
    fs.rmSync(scratch.pgliteDir, { recursive: true, force: true });
    fs.rmSync(scratch.postgresDir, { recursive: true, force: true });
    try {
      execFileSync('psql', [TEST_DATABASE_URL, '-qc', `drop database if exists "${scratch.database}" with (force)`], { stdio: 'ignore' });
    } catch {
      // Best effort: the run's result matters more than a leftover scratch database.
    }
  });
  process.env.DARKROOM_E2E_SCRATCH = JSON.stringify(scratch);
  return scratch;
}

const inherited = process.env.DARKROOM_E2E_SCRATCH;
const scratch: Scratch = inherited ? JSON.parse(inherited) : createScratch();

const postgresUrl = new URL(TEST_DATABASE_URL);
postgresUrl.pathname = `/${scratch.database}`;

// Empty counts as unset for the server: nothing from the developer's shell leaks in.
const baseEnv = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  REDIS_URL: '',
  CACHE_MODE: '',
  BETTER_AUTH_SECRET: '',
  ADMIN_EMAIL: '',
  ADMIN_PASSWORD: '',
  // Every spec signs its users in from one address, more than the default 10 a minute;
  // the limit itself is tested in the API and integration suites.
  AUTH_SIGN_IN_LIMIT_PER_MINUTE: '60',
  // Small tus chunks, so e2e/upload.spec.ts can reload the page between chunks of one file.
  UPLOAD_CHUNK_BYTES: String(256 * 1024),
};

// Two ports from DARKROOM_E2E_PORT (default 3210): lets two checkouts run their e2e side by side.
const E2E_PORT = Number(process.env.DARKROOM_E2E_PORT ?? 3210);

const servers = [
  {
    name: 'pglite',
    port: E2E_PORT,
    databaseLabel: 'Embedded (PGlite)',
    env: { DATA_DIR: scratch.pgliteDir, DATABASE_URL: '' },
  },
  {
    name: 'postgres',
    port: E2E_PORT + 1,
    databaseLabel: 'PostgreSQL',
    env: { DATA_DIR: scratch.postgresDir, DATABASE_URL: postgresUrl.toString() },
  },
] as const;

export default defineConfig<DarkroomOptions>({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  // Each server is set up once; a retry would run against a server that is no longer fresh.
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    ...devices['Desktop Chrome'],
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  // Per database: `<db>-owner` sets the server up through the UI (owner-flow.spec.ts),
  // then `<db>` runs every other spec against it. `--project pglite` runs both.
  projects: servers.flatMap((server) => {
    const use = { baseURL: `http://localhost:${server.port}`, databaseLabel: server.databaseLabel };
    return [
      { name: `${server.name}-owner`, testMatch: 'owner-flow.spec.ts', use },
      {
        name: server.name,
        // library-grid.spec.ts inserts rows into the database beside the running server: PostgreSQL only.
        testIgnore: server.name === 'pglite' ? ['owner-flow.spec.ts', 'library-grid.spec.ts'] : 'owner-flow.spec.ts',
        dependencies: [`${server.name}-owner`],
        use,
      },
    ];
  }),
  webServer: servers.map((server) => ({
    // What a user runs: the compiled server (npm start compiles it first).
    command: 'npm start',
    url: `http://localhost:${server.port}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      ...baseEnv,
      ...server.env,
      PORT: String(server.port),
      BETTER_AUTH_URL: `http://localhost:${server.port}`,
    },
  })),
});

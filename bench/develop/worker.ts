/*
 * What the full path runs on: a fresh PostgreSQL database of its own and ONE worker child
 * (`npm run worker`) in its own process group.
 */
import postgres from 'postgres';
import { errorText } from '../lib/format';
import { ProcessGroup, sleep, TSX_CLI } from '../lib/process';
import { procStat } from './cpu';
import { SETTINGS, TEST_DATABASE_URL } from './settings';

export interface FreshDatabase {
  name: string;
  url: string;
  admin: postgres.Sql;
  drop(): Promise<void>;
}

export async function createDatabase(): Promise<FreshDatabase> {
  const name = `darkroom_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end({ timeout: 1 });
    throw new Error(`could not create a database on TEST_DATABASE_URL=${TEST_DATABASE_URL}: ${errorText(error)}`);
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    admin,
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export function startWorker(env: Record<string, string>): ProcessGroup {
  const worker = new ProcessGroup([TSX_CLI, 'server/boot/worker.ts'], { ...process.env, ...env });
  worker.child.once('error', (error) => worker.stderr.push(Buffer.from(`spawn error: ${error.message}`)));
  return worker;
}

export function workerOutput(w: ProcessGroup): string {
  const parts = [w.stderr.toString() && `--- worker stderr (tail) ---\n${w.stderr}`, w.stdout.toString() && `--- worker stdout (tail) ---\n${w.stdout}`].filter(Boolean);
  return parts.length ? parts.join('\n') : '(the worker printed nothing)';
}

export function assertWorkerAlive(w: ProcessGroup) {
  if (w.exit) throw new Error(`the worker exited (code ${w.exit.code}, signal ${w.exit.signal})\n${workerOutput(w)}`);
}

/** Ready = both LISTEN connections are up (the loop claims right after), seen in pg_stat_activity. */
export async function waitWorkerReady(w: ProcessGroup, db: FreshDatabase): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < SETTINGS.workerStartTimeoutMs) {
    assertWorkerAlive(w);
    const rows = await db.admin<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = ${db.name} and query ilike ${'listen%darkroom_jobs_cancel%'}`;
    if ((rows[0]?.n ?? 0) > 0) {
      await sleep(500); // its first (empty) claim
      return performance.now() - started;
    }
    await sleep(100);
  }
  throw new Error(`the worker did not start listening within ${SETTINGS.workerStartTimeoutMs / 1000} s\n${workerOutput(w)}`);
}

export async function postgresBackends(db: FreshDatabase): Promise<number[]> {
  const rows = await db.admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${db.name}`;
  // Only if PostgreSQL runs on this host, in this PID namespace.
  return rows.map((r) => r.pid).filter((pid) => procStat(pid)?.comm === 'postgres');
}

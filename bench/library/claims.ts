/** The queue's claim with a backlog: one job claimed (and completed) at 10,000 and at 10 queued. */
import { TransactionRollbackError } from 'drizzle-orm';
import { claimJobs, markSucceeded } from '../../server/queue/leases';
import { positiveIntegerFromEnv } from '../lib/env';
import { percentile } from '../lib/stats';
import type { LibraryDb } from './database';
import { QUEUED_JOBS } from './generate';

/** Develop time of one 24 MP photo to compare the overhead with (bench:develop: ~3–4 CPU-s). */
const DEVELOP_MS = positiveIntegerFromEnv('BENCH_DEVELOP_MS', 3000);

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
};

async function sample(library: LibraryDb, count: number) {
  const claim: number[] = [];
  const overhead: number[] = [];
  for (let i = 0; i < count; i++) {
    await library.db
      .transaction(async (tx) => {
        const t0 = performance.now();
        const [job] = await claimJobs(tx, { workerId: 'bench', limit: 1, leaseMs: 60_000 });
        const t1 = performance.now();
        if (!job) throw new Error('no queued job to claim');
        await markSucceeded(tx, job);
        claim.push(t1 - t0);
        overhead.push(performance.now() - t0);
        // Rolled back: every sample claims from the same backlog.
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error;
      });
  }
  return { claim: summary(claim), overhead: summary(overhead) };
}

export async function measureClaims(library: LibraryDb, count: number) {
  const big = await sample(library, count);
  let captured: Awaited<ReturnType<LibraryDb['capture']>> = [];
  await library.db
    .transaction(async (tx) => {
      captured = await library.capture(() => claimJobs(tx, { workerId: 'bench', limit: 1, leaseMs: 60_000 }));
      tx.rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof TransactionRollbackError)) throw error;
    });
  // Explained after the rollback: PGlite has one connection, so no second transaction while one is open.
  const [statement] = captured;
  const plan = statement ? `${statement.sql}\n${await library.explain(statement)}` : '';
  await library.exec(`update preprocess_jobs set status = 'cancelled' where status = 'queued' and subject_id not in (${Array.from({ length: 10 }, (_, i) => `'backlog-${i + 1}'`).join(',')})`);
  await library.exec('analyze preprocess_jobs');
  const small = await sample(library, count);
  return { rows: [{ queued: QUEUED_JOBS, ...big }, { queued: 10, ...small }], plan, developMs: DEVELOP_MS };
}

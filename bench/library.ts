/*
 * Library-scale bench (npm run bench:library).
 *
 * Generates BENCH_LIBRARY_IMAGES (1,000,000) images across 2,000 albums, ~2 tags each, ten years
 * of taken-at dates, one finished job per developed image and 10,000 queued jobs, straight in SQL
 * (a fresh database on TEST_DATABASE_URL, or PGlite in a temp dir with BENCH_LIBRARY_DB=pglite).
 * Then calls the service functions each HTTP read runs (in-process, no HTTP, no response cache):
 * p50/p95/p99 cold (a new connection, or a reopened PGlite, and targets not read before) and warm
 * (BENCH_SAMPLES random targets), EXPLAIN (ANALYZE, BUFFERS) of every statement (a Seq Scan on
 * images is flagged), and the queue's claim at 10,000 and at 10 queued jobs.
 * Speed is printed against the target, never asserted; exit 1 only when a call failed.
 *
 *   BENCH_LIBRARY_IMAGES=100000 npm run bench:library
 *   BENCH_LIBRARY_DB=pglite BENCH_LIBRARY_IMAGES=100000 npm run bench:library
 * BENCH_LIBRARY_ANALYZE=0 skips the statistics refresh after generating (what the server does
 * on its own: autovacuum, or its ANALYZE every 10 minutes on PGlite), to see plans without them.
 */
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../server/testing/db';
import { TEST_DATABASE_URL } from '../server/testing/env';
import { measureClaims } from './library/claims';
import { type LibraryDb, migratePglite, openPglite, openPostgres } from './library/database';
import { libraryStatements } from './library/generate';
import { resolvePicks } from './library/picks';
import { targets } from './library/targets';
import { errorText, fmt, table } from './lib/format';
import { positiveIntegerFromEnv } from './lib/env';
import { makeTempDir, removeTempDirs } from './lib/process';
import { machine, writeReport } from './lib/report';
import { mulberry32 } from './lib/random';
import { runBench } from './lib/run';
import { percentile } from './lib/stats';

const IMAGES = positiveIntegerFromEnv('BENCH_LIBRARY_IMAGES', 1_000_000);
const SAMPLES = positiveIntegerFromEnv('BENCH_SAMPLES', 200);
const COLD_SAMPLES = 20;
const KIND = process.env.BENCH_LIBRARY_DB || 'postgres';
const TARGET_MS = KIND === 'pglite' ? 50 : 20;
const ANALYZE = (process.env.BENCH_LIBRARY_ANALYZE || '1') === '1';

let database: TestDatabase | undefined;
let library: LibraryDb | undefined;

async function cleanup() {
  await library?.close().catch(() => {});
  library = undefined;
  await database?.drop().catch((error: unknown) => console.error(`could not drop the bench database: ${errorText(error)}`));
  database = undefined;
  removeTempDirs();
}

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), n: sorted.length };
};
type Stats = ReturnType<typeof stats>;
const ms = (v: number) => fmt(v, 1, 1);

async function timeCalls(count: number, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await call();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<number> {
  if (KIND !== 'postgres' && KIND !== 'pglite') throw new Error(`BENCH_LIBRARY_DB must be postgres or pglite (got "${KIND}")`);
  const [load1] = os.loadavg();
  console.log(`bench:library — ${fmt(IMAGES)} images on ${KIND}, ${SAMPLES} warm + ${COLD_SAMPLES} cold samples per read, ${ANALYZE ? 'analysed after generating' : 'never analysed'}; ${JSON.stringify(machine())}, load average ${fmt(load1 ?? 0, 2)}`);
  let open: () => Promise<LibraryDb>;
  if (KIND === 'postgres') {
    database = await createTestDatabase('postgres').catch((error: unknown) => {
      throw new Error(`could not create a database on TEST_DATABASE_URL=${TEST_DATABASE_URL}: ${errorText(error)}`);
    });
    const url = database.url ?? '';
    open = () => openPostgres(url);
  } else {
    const dir = path.join(makeTempDir('darkroom-bench-library-'), 'pglite');
    await migratePglite(dir);
    open = () => openPglite(dir);
  }
  library = await open();

  const started = performance.now();
  for (const statement of libraryStatements(IMAGES)) await library.exec(statement);
  // What the server would have done by now: autovacuum on PostgreSQL; on PGlite, which has no
  // autovacuum, the server's own ANALYZE every 10 minutes (server/db/statistics.ts).
  if (ANALYZE) await library.exec(KIND === 'pglite' ? 'analyze' : 'vacuum analyze');
  const generateSeconds = (performance.now() - started) / 1000;
  console.log(`generated in ${fmt(generateSeconds, 1)} s`);

  const picks = await resolvePicks(library);
  const pick = mulberry32(12);
  const results: { name: string; kind: string; cold: Stats; warm: Stats; seqScan: boolean }[] = [];
  const plans: Record<string, string[]> = {};
  for (const target of targets(picks)) {
    // Cold: a new connection (PostgreSQL) or a reopened database (PGlite), first reads of new targets.
    await library.close();
    library = await open();
    const current = library;
    await current.exec('select 1');
    const cold = await timeCalls(COLD_SAMPLES, () => target.run(current, pick));
    const warm = await timeCalls(SAMPLES, () => target.run(current, pick));
    const statements = await current.capture(() => target.run(current, pick));
    plans[target.name] = [];
    for (const statement of statements) plans[target.name]?.push(`${statement.sql}\n${await current.explain(statement)}`);
    const seqScan = plans[target.name]?.some((p) => /Seq Scan on images\b/.test(p)) ?? false;
    results.push({ name: target.name, kind: target.kind, cold: stats(cold), warm: stats(warm), seqScan });
  }

  console.log('\nEXPLAIN (ANALYZE, BUFFERS) of each statement (one call per read):');
  for (const [name, list] of Object.entries(plans)) {
    console.log(`\n=== ${name}`);
    for (const p of list) console.log(`${/Seq Scan on images\b/.test(p) ? '!!! SEQ SCAN ON images\n' : ''}${p.replace(/^/gm, '    ')}\n`);
  }

  const claims = await measureClaims(library, SAMPLES);
  console.log(`\nclaim plan at 10,000 queued:\n${claims.plan.replace(/^/gm, '    ')}`);

  console.log(`\nreads on ${KIND} at ${fmt(IMAGES)} images (ms; target p95 < ${TARGET_MS} ms)`);
  console.log(
    table(
      ['read', 'cold p50', 'p95', 'p99', 'warm p50', 'p95', 'p99', 'target', 'seq scan on images'],
      results.map((r) => [
        r.name, ms(r.cold.p50), ms(r.cold.p95), ms(r.cold.p99), ms(r.warm.p50), ms(r.warm.p95), ms(r.warm.p99),
        r.warm.p95 < TARGET_MS ? 'met' : 'MISSED', r.seqScan ? 'YES' : 'no',
      ]),
    ),
  );
  console.log(`\nqueue claim (one job, in a rolled-back transaction; ms)`);
  console.log(
    table(
      ['queued', 'claim p50', 'p95', 'claim+complete p50', 'p95'],
      claims.rows.map((r) => [fmt(r.queued), ms(r.claim.p50), ms(r.claim.p95), ms(r.overhead.p50), ms(r.overhead.p95)]),
    ),
  );
  const [big, small] = claims.rows;
  if (big && small) {
    console.log(`ratio claim p50 10,000/10 queued: ${(big.claim.p50 / small.claim.p50).toFixed(2)}x`);
    console.log(`queue overhead per job at 10,000 queued: ${((big.overhead.p50 / claims.developMs) * 100).toFixed(3)} % of a ${fmt(claims.developMs)} ms develop (target < 2 %)`);
  }
  const missed = results.filter((r) => r.warm.p95 >= TARGET_MS).length;
  console.log(`reads meeting p95 < ${TARGET_MS} ms: ${results.length - missed}/${results.length}; seq scans on images: ${results.filter((r) => r.seqScan).length}`);
  const file = writeReport(`library-${KIND}-${IMAGES}`, { machine: machine(), load1, images: IMAGES, kind: KIND, generateSeconds, results, claims: claims.rows, plans });
  console.log(`report: ${file}`);
  return 0;
}

void runBench('bench:library', main, { cleanup, onSignal: 'dropping the bench database', stack: true });

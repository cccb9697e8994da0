/*
 * Availability-mirror bench (npm run bench:availability).
 *
 * 1. PostgreSQL statements per minute caused by the heartbeats of BENCH_WORKERS (50) simulated
 *    workers — 50 `Fleet` instances of server/availability with distinct worker ids, each
 *    heartbeating every WORKER_HEARTBEAT_SECONDS — for BENCH_SECONDS, in two modes:
 *      per-ping  Fleet without Redis: every heartbeat is an UPDATE of its workers row
 *      mirror    Fleet with Redis: heartbeats go to Redis only; the heartbeat-mirror sweep
 *                (mirrorHeartbeats, one UNNEST statement) writes them all to PostgreSQL
 *                every HEARTBEAT_MIRROR_INTERVAL_SECONDS
 *    Every statement is counted by the postgres-js `debug` hook of the client the fleets use
 *    (cross-checked with pg_stat_database xact_commit / tup_updated deltas). It also measures
 *    what one cluster-duty tick (Queue.runClusterDuties with fleetSweeps) costs in each mode,
 *    and projects both to production defaults.
 * 2. GET /api/v1/status latency: the Hono app with real services (createServices + createApp
 *    behind the production node:http dispatcher) in a child process, loaded with autocannon,
 *    once with Redis (the shared snapshot) and once without (the PostgreSQL path); plus the
 *    status reader called in-process without any memo.
 *
 * Prints everything, writes bench/out/availability.json; the last two lines are the ratios.
 * Exit code non-zero only when something failed (a wrong answer, a non-2xx, an error).
 *
 *   BENCH_SECONDS=24 BENCH_WORKERS=50 npx tsx bench/availability.ts
 */
import os from 'node:os';
import { createTestDatabase, type TestDatabase } from '../server/testing/db';
import { TEST_DATABASE_URL } from '../server/testing/env';
import { type PrivateRedis, startPrivateRedis } from '../server/testing/redis';
import { DEFAULTS, SETTINGS } from './availability/common';
import { type HeartbeatResult, heartbeatMode, type TickResult, tickMode } from './availability/heartbeats';
import { killStatusServers, type LoadResult, loadStatus, rawStatus, seedJobs, SERVE_FLAG, serveStatus } from './availability/status';
import { errorText, fmt, fmtRatioOrNa, table } from './lib/format';
import { removeTempDirs } from './lib/process';
import { writeReport } from './lib/report';
import { runBench } from './lib/run';

// What this bench started, so every way out (success, error, Ctrl-C) cleans it up.
let database: TestDatabase | undefined;
let redis: PrivateRedis | undefined;

async function cleanup(): Promise<void> {
  killStatusServers();
  await redis?.kill().catch(() => {});
  redis = undefined;
  await database?.drop().catch((error: unknown) => console.error(`could not drop the bench database: ${String(error)}`));
  database = undefined;
  removeTempDirs();
}

const printTable = (header: string[], rows: string[][]) => console.log(table(header, rows, '   '));

async function main(): Promise<number> {
  const cpus = os.availableParallelism();
  console.log(
    `bench:availability — ${SETTINGS.workers} workers, heartbeat ${SETTINGS.heartbeatSeconds} s, mirror ${SETTINGS.mirrorSeconds} s, ` +
      `${SETTINGS.windowSeconds} s per mode; /status ${SETTINGS.connections} connections × ${SETTINGS.statusSeconds} s; ${cpus} CPUs, Node ${process.version}`,
  );
  database = await createTestDatabase('postgres').catch((error: unknown) => {
    throw new Error(`could not create a database on TEST_DATABASE_URL=${TEST_DATABASE_URL}: ${errorText(error)}`);
  });
  const url = database.url;
  if (!url) throw new Error('the bench database has no URL');
  redis = await startPrivateRedis();
  const redisUrl = redis.url;

  // ----- part 1
  console.log('\n1. PostgreSQL statements caused by heartbeats');
  const modes: HeartbeatResult[] = [];
  for (const mode of ['per-ping', 'mirror'] as const) {
    process.stdout.write(`   ${mode.padEnd(8)} running ${SETTINGS.windowSeconds} s … `);
    const result = await heartbeatMode(mode, url, redisUrl);
    modes.push(result);
    console.log(`${fmt(result.statementsPerMinute, 1)} statements/min`);
  }
  const [perPing, mirror] = modes as [HeartbeatResult, HeartbeatResult];
  const failures: string[] = [];
  if (perPing.heartbeatErrors || mirror.heartbeatErrors) failures.push(`heartbeat errors: per-ping ${perPing.heartbeatErrors}, mirror ${mirror.heartbeatErrors}`);
  if (mirror.sweeps === 0) failures.push('no mirror sweep ran inside the window: make BENCH_SECONDS at least HEARTBEAT_MIRROR_INTERVAL_SECONDS');
  if (mirror.sweepRowsUpdated.some((n) => n !== SETTINGS.workers)) failures.push(`a mirror sweep did not update all ${SETTINGS.workers} heartbeats: ${mirror.sweepRowsUpdated.join(', ')}`);
  if (perPing.stalestHeartbeatAgeSeconds > SETTINGS.heartbeatSeconds * 3) failures.push(`per-ping: a PostgreSQL heartbeat is ${perPing.stalestHeartbeatAgeSeconds} s old`);

  const row = (r: HeartbeatResult) => [
    r.mode,
    fmt(r.statementsPerMinute, 1),
    fmt(r.pgXactCommitPerMinute, 1),
    String(r.pgTupUpdatedDelta),
    fmt(r.redisCommandsPerMinute, 1),
    String(r.heartbeats),
    String(r.sweeps),
    `${r.freshestHeartbeatAgeSeconds}–${r.stalestHeartbeatAgeSeconds}`,
  ];
  printTable(['mode', 'statements/min', 'PG xact/min', 'PG rows updated', 'Redis cmds/min', 'heartbeats', 'sweeps', 'PG heartbeat age s'], [row(perPing), row(mirror)]);
  for (const r of modes) console.log(`   ${r.mode}: ${Object.entries(r.statementsByKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const statementRatio = perPing.statementsPerMinute / mirror.statementsPerMinute;

  console.log(`\n   one cluster-duty tick (${SETTINGS.ticks} ticks per mode, nothing due: the steady state)`);
  const ticks: TickResult[] = [];
  for (const mode of ['per-ping', 'mirror'] as const) ticks.push(await tickMode(mode, url, redisUrl));
  const [tickPerPing, tickMirror] = ticks as [TickResult, TickResult];
  printTable(
    ['mode', 'statements/tick', 'median ms', 'statements'],
    ticks.map((t) => [t.mode, fmt(t.statementsPerTick, 2), fmt(t.medianTickMs, 2), Object.entries(t.statementsByKind).map(([k, n]) => `${k} ${n}`).join(', ')]),
  );
  const tickDelta = tickMirror.statementsPerTick - tickPerPing.statementsPerTick;

  // Projection to the production defaults, from the per-event costs measured above.
  const W = SETTINGS.workers;
  const projection = {
    workers: W,
    defaults: DEFAULTS,
    perPingHeartbeatStatementsPerMinute: Number((W * (60 / DEFAULTS.heartbeatSeconds) * perPing.statementsPerHeartbeat).toFixed(1)),
    mirrorSweepStatementsPerMinute: Number(((60 / DEFAULTS.mirrorSeconds) * mirror.statementsPerSweep).toFixed(1)),
    mirrorExtraTickStatementsPerReplicaPerTick: Number(tickDelta.toFixed(2)),
    mirrorExtraTickStatementsPerMinute: Number((W * (60 / DEFAULTS.tickSeconds) * tickDelta).toFixed(1)),
  };
  const projectedRatio = projection.perPingHeartbeatStatementsPerMinute / projection.mirrorSweepStatementsPerMinute;
  const projectedRatioWithTicks = projection.perPingHeartbeatStatementsPerMinute / (projection.mirrorSweepStatementsPerMinute + projection.mirrorExtraTickStatementsPerMinute);
  console.log(
    `\n   projected to production defaults (heartbeat ${DEFAULTS.heartbeatSeconds} s, mirror ${DEFAULTS.mirrorSeconds} s, tick ${DEFAULTS.tickSeconds} s), ${W} workers:\n` +
      `     per-ping heartbeat UPDATEs          ${fmt(projection.perPingHeartbeatStatementsPerMinute, 1)} /min\n` +
      `     mirror sweep                        ${fmt(projection.mirrorSweepStatementsPerMinute, 1)} /min   → ${fmtRatioOrNa(projectedRatio)} fewer\n` +
      `     mirror's extra due() checks, if every worker runs a ticker (PREPROCESS_TICKER_ENABLED, default true):\n` +
      `       ${fmt(tickDelta, 2)} statements/tick × ${W} replicas × ${60 / DEFAULTS.tickSeconds} ticks/min = ${fmt(projection.mirrorExtraTickStatementsPerMinute, 1)} /min   → ${fmtRatioOrNa(projectedRatioWithTicks)} with them counted`,
  );

  // ----- part 2
  console.log(`\n2. GET /api/v1/status (${SETTINGS.jobs.toLocaleString('en-US')} job rows, ${W} workers online)`);
  await seedJobs(url);
  const loads: LoadResult[] = [];
  for (const mode of ['redis', 'postgres'] as const) loads.push(await loadStatus(mode, url, redisUrl));
  const [redisLoad, pgLoad] = loads as [LoadResult, LoadResult];
  printTable(
    ['path', 'req/s', 'p50 ms', 'p99 ms', 'avg ms', 'requests', 'PG xact/min', 'non-2xx', 'errors'],
    loads.map((l) => [l.mode, fmt(l.requestsPerSecond, 1), fmt(l.latencyP50Ms, 2), fmt(l.latencyP99Ms, 2), fmt(l.latencyAvgMs, 2), l.requests.toLocaleString('en-US'), fmt(l.pgXactPerMinute, 1), String(l.non2xx), String(l.errors)]),
  );
  console.log('   the status reader in-process, one call at a time:');
  const raw = await rawStatus(url, redisUrl);
  printTable(
    ['path', 'p50 ms', 'p99 ms', 'mean ms', 'calls'],
    raw.map((r) => [r.path, fmt(r.p50Ms, 3), fmt(r.p99Ms, 3), fmt(r.meanMs, 3), String(r.calls)]),
  );
  const p50Ratio = pgLoad.latencyP50Ms / redisLoad.latencyP50Ms;
  const rpsRatio = redisLoad.requestsPerSecond / pgLoad.requestsPerSecond;
  const rawHit = raw[0];
  const rawPg = raw[2];
  const rawRatio = rawHit && rawPg ? rawPg.p50Ms / rawHit.p50Ms : Number.NaN;

  const out = {
    machine: { cpus, node: process.version, platform: `${os.type()} ${os.release()}`, loadAverage: os.loadavg() },
    settings: SETTINGS,
    heartbeats: modes,
    ticks,
    projection: { ...projection, ratio: Number(projectedRatio.toFixed(1)), ratioWithTicks: Number(projectedRatioWithTicks.toFixed(2)) },
    status: { load: loads, raw },
    ratios: {
      perPingOverMirrorStatements: Number(statementRatio.toFixed(1)),
      statusPostgresOverRedisP50: Number(p50Ratio.toFixed(2)),
      statusRedisOverPostgresRequestsPerSecond: Number(rpsRatio.toFixed(2)),
      statusRawPostgresNoMemoOverRedisHitP50: Number(rawRatio.toFixed(2)),
    },
    ok: failures.length === 0,
    failures,
  };
  console.log(`\nwrote ${writeReport('availability', out)}`);
  if (failures.length) console.error(`FAILED:\n  ${failures.join('\n  ')}`);
  console.log(`ratio status redis/postgres req/s: ${fmtRatioOrNa(rpsRatio)}`);
  console.log(`ratio status postgres(no memo)/redis(hit) p50, in-process: ${fmtRatioOrNa(rawRatio)}`);
  console.log(`ratio per-ping/mirror statements: ${fmtRatioOrNa(statementRatio)}`);
  console.log(`ratio status postgres/redis p50: ${fmtRatioOrNa(p50Ratio)}`);
  return failures.length ? 1 : 0;
}

if (process.argv.includes(SERVE_FLAG)) {
  serveStatus().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  // Last resort (synchronous): no child outlives the bench.
  process.on('exit', killStatusServers);
  await runBench('bench:availability', main, { cleanup, onSignal: 'cleaning up what this bench started', stack: true });
}

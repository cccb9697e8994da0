/*
 * Part 1: the PostgreSQL statements heartbeats cause, per-ping against the Redis mirror, counted
 * by the `debug` hook of the fleets' client; and what one cluster-duty tick costs in each mode.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { Fleet, fleetSweeps, mirrorHeartbeats } from '../../server/availability';
import { type Database, schema } from '../../server/db';
import { Queue } from '../../server/queue';
import { connectRedis, type Redis } from '../../server/redis';
import { sleep } from '../lib/process';
import { fleetTiming, pgStats, SETTINGS, silent, withClient, workerId, workerSelf } from './common';

type Mode = 'per-ping' | 'mirror';

interface Counter {
  total: number;
  byKind: Record<string, number>;
  counting: boolean;
}

function classify(query: string): string {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ');
  if (q.startsWith('begin')) return 'begin';
  if (q === 'commit') return 'commit';
  if (q.startsWith('update "workers" set') && q.includes('"last_heartbeat_at" = now()')) return 'heartbeat UPDATE';
  if (q.startsWith('update workers w set last_heartbeat_at')) return 'mirror UNNEST UPDATE';
  if (q.startsWith('insert into settings')) return 'sweep due() upsert';
  if (q.includes('pg_try_advisory_xact_lock')) return 'cluster lock';
  if (q.startsWith('update "preprocess_jobs" set status')) return 'requeue expired';
  return q.slice(0, 60);
}

/** A drizzle database on its own postgres-js client whose every statement is counted. */
function countingDatabase(url: string): { db: Database; counter: Counter; end(): Promise<void> } {
  const counter: Counter = { total: 0, byKind: {}, counting: false };
  const client = postgres(url, {
    max: 10,
    onnotice: () => {},
    // No array-type lookup when a connection opens: every statement counted is one the code sent.
    fetch_types: false,
    debug: (_connection, query) => {
      if (!counter.counting) return;
      const kind = classify(query);
      counter.total += 1;
      counter.byKind[kind] = (counter.byKind[kind] ?? 0) + 1;
    },
  });
  return { db: drizzle(client, { schema }) as unknown as Database, counter, end: () => client.end({ timeout: 5 }) };
}

async function heartbeatAges(url: string): Promise<number[]> {
  const rows = await withClient(url, (sql) => sql<{ age: number }[]>`select extract(epoch from now() - last_heartbeat_at)::float8 as age from workers where id like 'bench-worker-%'`);
  return rows.map((r) => Number(r.age));
}

async function redisCommands(url: string): Promise<number> {
  const client = await connectRedis(url, silent, { required: true });
  try {
    const info = await client.info('stats');
    return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    client.disconnect();
  }
}

export interface HeartbeatResult {
  mode: Mode;
  windowSeconds: number;
  heartbeats: number;
  heartbeatErrors: number;
  sweeps: number;
  sweepRowsUpdated: number[];
  statements: number;
  statementsPerMinute: number;
  statementsByKind: Record<string, number>;
  statementsPerHeartbeat: number;
  statementsPerSweep: number;
  pgXactCommitDelta: number;
  pgXactCommitPerMinute: number;
  pgTupUpdatedDelta: number;
  redisCommandsDelta: number;
  redisCommandsPerMinute: number;
  freshestHeartbeatAgeSeconds: number;
  stalestHeartbeatAgeSeconds: number;
}

export async function heartbeatMode(mode: Mode, url: string, redisUrl: string): Promise<HeartbeatResult> {
  const clients: Redis[] = [];
  const timing = fleetTiming();
  for (let i = 0; i < SETTINGS.workers; i++) {
    // One Redis client per simulated worker, as each replica has its own.
    if (mode === 'mirror') clients.push(await connectRedis(redisUrl, silent, { required: true }));
  }
  // Setup, on a client of its own that is closed before the window, so its transactions are
  // in pg_stat_database before the first reading: every worker registered (PostgreSQL first,
  // then the mirror).
  const setupClient = postgres(url, { max: 5, onnotice: () => {} });
  try {
    const setupDb = drizzle(setupClient, { schema }) as unknown as Database;
    for (let i = 0; i < SETTINGS.workers; i++) await new Fleet({ db: setupDb, redis: clients[i], log: silent, self: workerSelf(i), timing }).register();
  } finally {
    await setupClient.end({ timeout: 5 });
  }
  await sleep(300);
  const counting = countingDatabase(url);
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  try {
    const fleets = Array.from({ length: SETTINGS.workers }, (_, i) => new Fleet({ db: counting.db, redis: clients[i], log: silent, self: workerSelf(i), timing }));
    const sweeper = fleets[0];
    if (!sweeper) throw new Error('no workers');

    const pgBefore = await pgStats(url);
    const redisBefore = await redisCommands(redisUrl);
    let heartbeats = 0;
    let heartbeatErrors = 0;
    let sweeps = 0;
    const sweepRows: number[] = [];
    counting.counter.counting = true;
    const started = performance.now();
    const hbMs = SETTINGS.heartbeatSeconds * 1000;
    fleets.forEach((fleet, i) => {
      // Independent processes: phases spread over one interval.
      const first = setTimeout(() => {
        const beat = () => {
          heartbeats += 1;
          track(fleet.heartbeat().catch(() => (heartbeatErrors += 1)));
        };
        beat();
        timers.push(setInterval(beat, hbMs));
      }, (i * hbMs) / fleets.length);
      timers.push(first);
    });
    if (mode === 'mirror') {
      const mirrorMs = SETTINGS.mirrorSeconds * 1000;
      // Half an interval in, then every interval: a whole number of sweeps per whole intervals.
      const sweep = () => {
        sweeps += 1;
        track(counting.db.transaction((tx) => mirrorHeartbeats(tx, sweeper)).then((rows) => sweepRows.push(rows)));
      };
      timers.push(
        setTimeout(() => {
          sweep();
          timers.push(setInterval(sweep, mirrorMs));
        }, mirrorMs / 2),
      );
    }
    await sleep(SETTINGS.windowSeconds * 1000);
    for (const timer of timers) clearInterval(timer);
    await Promise.all([...inFlight]);
    const elapsedSeconds = (performance.now() - started) / 1000;
    counting.counter.counting = false;

    await counting.end();
    for (const client of clients) client.disconnect();
    clients.length = 0;
    await sleep(300); // the backends have exited and flushed their statistics
    const pgAfter = await pgStats(url);
    const redisAfter = await redisCommands(redisUrl);
    // Where the truth stands afterwards: how old is PostgreSQL's copy of each heartbeat?
    const ageList = await heartbeatAges(url);

    const perMinute = (n: number) => (n / elapsedSeconds) * 60;
    const byKind = counting.counter.byKind;
    const sweepStatements = (byKind['mirror UNNEST UPDATE'] ?? 0) + (mode === 'mirror' ? (byKind.begin ?? 0) + (byKind.commit ?? 0) : 0);
    return {
      mode,
      windowSeconds: Number(elapsedSeconds.toFixed(2)),
      heartbeats,
      heartbeatErrors,
      sweeps,
      sweepRowsUpdated: sweepRows,
      statements: counting.counter.total,
      statementsPerMinute: Number(perMinute(counting.counter.total).toFixed(1)),
      statementsByKind: byKind,
      statementsPerHeartbeat: Number(((byKind['heartbeat UPDATE'] ?? 0) / Math.max(1, heartbeats)).toFixed(3)),
      statementsPerSweep: sweeps ? Number((sweepStatements / sweeps).toFixed(3)) : 0,
      // Minus the first stats reading's own transaction, flushed when its connection closed.
      pgXactCommitDelta: pgAfter.xactCommit - pgBefore.xactCommit - 1,
      pgXactCommitPerMinute: Number(perMinute(pgAfter.xactCommit - pgBefore.xactCommit - 1).toFixed(1)),
      pgTupUpdatedDelta: pgAfter.tupUpdated - pgBefore.tupUpdated,
      redisCommandsDelta: redisAfter - redisBefore,
      redisCommandsPerMinute: Number(perMinute(redisAfter - redisBefore).toFixed(1)),
      freshestHeartbeatAgeSeconds: Number(Math.min(...ageList).toFixed(2)),
      stalestHeartbeatAgeSeconds: Number(Math.max(...ageList).toFixed(2)),
    };
  } finally {
    for (const timer of timers) clearInterval(timer);
    for (const client of clients) client.disconnect();
    counting.counter.counting = false;
    await counting.end().catch(() => {});
  }
}

export interface TickResult {
  mode: Mode;
  ticks: number;
  statements: number;
  statementsPerTick: number;
  statementsByKind: Record<string, number>;
  medianTickMs: number;
}

/**
 * What one cluster-duty tick costs (every replica's ticker runs one per
 * PREPROCESS_TICK_INTERVAL_SECONDS): the lock transaction, re-queueing expired leases and the
 * availability sweeps' due() checks, when none of them is due (the steady state).
 */
export async function tickMode(mode: Mode, url: string, redisUrl: string): Promise<TickResult> {
  const counting = countingDatabase(url);
  const client = mode === 'mirror' ? await connectRedis(redisUrl, silent, { required: true }) : undefined;
  try {
    // Nobody heartbeats now; a day-long stale limit keeps the auto-offline sweep from taking the
    // simulated fleet offline (part 2 reads it).
    const timing = { ...fleetTiming(), staleMs: 86_400_000 };
    const fleet = new Fleet({ db: counting.db, redis: client, log: silent, self: workerSelf(0), timing });
    const queue = new Queue({ db: counting.db, log: silent, workerId: workerId(0), leaseMs: 60_000, maxAttempts: 5, retryBaseMs: 5000 });
    queue.addClusterDuty(fleetSweeps(fleet, queue));
    await queue.runClusterDuties(); // whatever is due now runs here, uncounted
    counting.counter.counting = true;
    const times: number[] = [];
    for (let i = 0; i < SETTINGS.ticks; i++) {
      const t = performance.now();
      const result = await queue.runClusterDuties();
      times.push(performance.now() - t);
      if (!result.ran) throw new Error('the cluster lock was not taken: is another process ticking on the bench database?');
    }
    counting.counter.counting = false;
    times.sort((a, b) => a - b);
    return {
      mode,
      ticks: SETTINGS.ticks,
      statements: counting.counter.total,
      statementsPerTick: Number((counting.counter.total / SETTINGS.ticks).toFixed(2)),
      statementsByKind: counting.counter.byKind,
      medianTickMs: Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(2)),
    };
  } finally {
    client?.disconnect();
    await counting.end().catch(() => {});
  }
}

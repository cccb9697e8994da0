/*
 * API throughput bench (npm run bench:api). In one run it starts five servers, each with its
 * own empty DATA_DIR, and loads each route on them one after another, never at once:
 *
 *   production-server        `npm start` (server/boot/main.ts), default LOG_LEVEL (info), CACHE_MODE=strict
 *   production-server-quiet  the same with LOG_LEVEL=silent
 *   next-mount               `next start`: the same Hono app behind app/api/v1/[[...route]]/route.ts
 *   bare-hono                bench/bare-hono.ts: @hono/node-server, /health and one Redis GET
 *   bare-hono-observed       the same + what every product request carries: a request id, the
 *                            duration histogram and a line in the batched access log (info)
 *
 * Routes: /api/v1/health, and a cached public read (GET /api/v1/albums/bench, warm, from
 * Redis) against a bare route doing one Redis GET of the same JSON. It prints req/s and
 * latency, the ratios production/bare with their target (issue 12: >= 0.8x), production/
 * bare-observed and bare-observed/bare (how much of the distance those three take alone), and
 * production/next-mount, checks that the access log holds one line per answered request
 * once the server has shut down, and writes bench/out/api.json. Speed is reported, never
 * asserted: the exit code is non-zero only if a server did not start or a request failed.
 *
 *   BENCH_SECONDS=10 npx tsx bench/api.ts
 */
import autocannon from 'autocannon';
import os from 'node:os';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { type PrivateRedis, startPrivateRedis } from '../server/testing/redis';
import { ADMIN, describeOutput, ensureNextBuild, freePorts, HOST, type Server, startAll, targets, type TargetName } from './api/servers';
import { positiveFromEnv } from './lib/env';
import { fmt, fmtRatio, table } from './lib/format';
import { removeTempDirs, sleep, stopProcessGroups } from './lib/process';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';

interface Endpoint {
  path: string;
  what: string;
  /** e.g. a session cookie for an admin read */
  headers?: Record<string, string>;
  /** Loaded on these, in this order; the first is the baseline the production targets are compared with. */
  targets: TargetName[];
}

/** The public album every production server creates before loading (seedAlbum). */
const ALBUM_SLUG = 'bench';
/** What production must reach against the bare baseline (issue 12): at least 0.8x its req/s. */
const TARGET_RATIO = 0.8;
const PRODUCTION: TargetName[] = ['production-server', 'production-server-quiet'];
const BARE: TargetName[] = ['bare-hono', 'bare-hono-observed'];

const ENDPOINTS: Endpoint[] = [
  { path: '/api/v1/health', what: 'liveness', targets: [...BARE, ...PRODUCTION, 'next-mount'] },
  { path: `/api/v1/albums/${ALBUM_SLUG}`, what: 'cached public read (CACHE_MODE=strict, warm) vs bare Hono + one Redis GET', targets: [...BARE, ...PRODUCTION] },
];

const SETTINGS = {
  connections: 50,
  pipelining: 1,
  durationSeconds: positiveFromEnv('BENCH_SECONDS', 10, 'number of seconds'),
  warmupSeconds: 2,
} as const;

interface Row {
  endpoint: string;
  target: TargetName;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyAvgMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

interface Ratio {
  endpoint: string;
  /** e.g. production-server/bare-hono */
  name: string;
  value: number;
  /** Only for production/bare. */
  target?: number;
}

let redis: PrivateRedis | undefined;
// Stops the servers (each by its process group), Redis, and deletes their temp dirs, once.
let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= stopProcessGroups()
    .then(removeTempDirs)
    .then(() => redis?.kill());
  return stopping;
}

/**
 * Creates the owner's public album on a production server and reads it until it comes from
 * Redis; returns the JSON it serves, which the bare baseline then serves from its own key.
 */
async function seedAlbum(server: Server): Promise<string> {
  const base = `http://${HOST}:${server.port}`;
  // BETTER_AUTH_URL, which both the auth handler and the admin API take as the only origin.
  const origin = `http://localhost:${server.port}`;
  const signIn = await fetch(`${base}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify(ADMIN) });
  if (!signIn.ok) throw new Error(`${server.target.name}: sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const created = await fetch(`${base}/api/v1/admin/albums`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, cookie },
    body: JSON.stringify({ title: 'Bench album', slug: ALBUM_SLUG, visibility: 'public', description: 'An album the API bench reads from the cache.' }),
  });
  if (created.status !== 201 && created.status !== 200) throw new Error(`${server.target.name}: creating the album failed: ${created.status} ${await created.text()}`);
  for (let i = 0; i < 2; i++) {
    const read = await fetch(`${base}/api/v1/albums/${ALBUM_SLUG}`);
    const body = await read.text();
    if (read.status !== 200) throw new Error(`${server.target.name}: GET /api/v1/albums/${ALBUM_SLUG} answered ${read.status} ${body.slice(0, 200)}`);
    const backend = read.headers.get('x-cache-backend');
    if (i === 1 && backend !== 'redis') throw new Error(`${server.target.name}: the second read came from ${backend}, not redis`);
    if (i === 1) return body;
  }
  throw new Error('unreachable');
}

/** Access-log lines ("msg":"request") in a log file. */
function countRequestLines(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  let count = 0;
  for (let at = text.indexOf('"msg":"request"'); at >= 0; at = text.indexOf('"msg":"request"', at + 1)) count += 1;
  return count;
}

function load(url: string, seconds: number, headers?: Record<string, string>) {
  return autocannon({
    url,
    connections: SETTINGS.connections,
    pipelining: SETTINGS.pipelining,
    duration: seconds,
    headers,
  });
}

function statusCodes(result: autocannon.Result): Record<string, number> {
  return Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]));
}

function failuresOf(result: autocannon.Result): string | undefined {
  if (result.non2xx === 0 && result.errors === 0 && result.timeouts === 0) return undefined;
  return `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}, status codes ${JSON.stringify(statusCodes(result))}`;
}

function resultTable(rows: Row[]): string {
  return table(
    ['target', 'req/s (avg)', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'],
    rows.map((row) => [
      row.target,
      fmt(row.requestsPerSecond, 1),
      // autocannon records whole milliseconds
      fmt(row.latencyP50Ms, 2, 0),
      fmt(row.latencyP99Ms, 2, 0),
      fmt(row.requests),
      String(row.non2xx),
      String(row.errors),
    ]),
  );
}

async function main(): Promise<number> {
  console.log(
    `bench:api — ${SETTINGS.connections} connections, pipelining ${SETTINGS.pipelining}, ${SETTINGS.durationSeconds} s per target ` +
      `(+${SETTINGS.warmupSeconds} s warm-up), ${os.availableParallelism()} CPUs, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  ensureNextBuild();

  redis = await startPrivateRedis();
  const redisUrl = (db: number) => `${redis?.url ?? ''}/${db}`;
  const list = targets(redisUrl);
  const ports = await freePorts(list.length);
  const ready = await startAll(list, ports);
  for (const { server, readyMs } of ready) {
    console.log(`  ${server.target.name.padEnd(24)} http://${HOST}:${server.port}  ready in ${(readyMs / 1000).toFixed(1)} s  (${server.target.what})`);
  }
  const started = ready.map(({ server }) => server);
  const byName = (name: TargetName) => started.find((server) => server.target.name === name);

  // The cached read: each production server caches its album in Redis; bare-hono serves the same JSON.
  // Answered requests per server, to check its access log against.
  const answered = new Map<TargetName, number>();
  const count = (name: TargetName, n: number) => answered.set(name, (answered.get(name) ?? 0) + n);
  let albumJson = '';
  for (const name of PRODUCTION) {
    const server = byName(name);
    if (!server) continue;
    albumJson = await seedAlbum(server);
    count(name, 4); // health probe, sign-in, create, two reads (the probe may have been answered more than once: >=)
  }
  for (const db of [3, 4]) {
    const bare = new Redis(redisUrl(db));
    await bare.set(`bench:album:${ALBUM_SLUG}`, albumJson);
    bare.disconnect();
  }
  console.log(`  cached read: ${Buffer.byteLength(albumJson)} bytes of JSON per answer`);

  const rows: Row[] = [];
  const failures: string[] = [];
  const ratios: Ratio[] = [];
  for (const endpoint of ENDPOINTS) {
    console.log(`\nGET ${endpoint.path} — ${endpoint.what}`);
    for (const name of endpoint.targets) {
      const server = byName(name);
      if (!server) continue;
      const url = `http://${HOST}:${server.port}${endpoint.path}`;
      const label = `${name} GET ${endpoint.path}`;
      const warm = await load(url, SETTINGS.warmupSeconds, endpoint.headers);
      const warmFailure = failuresOf(warm);
      if (warmFailure) failures.push(`${label} (warm-up): ${warmFailure}`);
      const result = await load(url, SETTINGS.durationSeconds, endpoint.headers);
      const failure = failuresOf(result);
      if (failure) failures.push(`${label}: ${failure}`);
      count(name, warm.requests.total + result.requests.total);
      rows.push({
        endpoint: endpoint.path,
        target: name,
        requestsPerSecond: result.requests.average,
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        latencyAvgMs: result.latency.average,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes: statusCodes(result),
      });
      if (server.proc.exit) failures.push(`${name} exited during the load (code ${server.proc.exit.code}, signal ${server.proc.exit.signal})\n${describeOutput(server)}`);
    }
    const endpointRows = rows.filter((row) => row.endpoint === endpoint.path);
    console.log(resultTable(endpointRows));
    const rps = (name: TargetName) => endpointRows.find((row) => row.target === name)?.requestsPerSecond ?? Number.NaN;
    const [baseline] = endpoint.targets;
    for (const name of PRODUCTION) {
      if (!baseline) break;
      const ratio: Ratio = { endpoint: endpoint.path, name: `${name}/${baseline}`, value: rps(name) / rps(baseline), target: TARGET_RATIO };
      ratios.push(ratio);
      console.log(`  ${ratio.name}: ${fmtRatio(ratio.value)} (target ≥ ${fmtRatio(TARGET_RATIO)}${ratio.value >= TARGET_RATIO ? ', met' : ', not met'})`);
    }
    // No target: how far the three things every request carries take a bare server, and the rest.
    for (const [name, base] of [['bare-hono-observed', 'bare-hono'], ['production-server', 'bare-hono-observed']] as const) {
      const ratio: Ratio = { endpoint: endpoint.path, name: `${name}/${base}`, value: rps(name) / rps(base) };
      ratios.push(ratio);
      console.log(`  ${ratio.name}: ${fmtRatio(ratio.value)}`);
    }
    if (endpoint.targets.includes('next-mount')) {
      const ratio: Ratio = { endpoint: endpoint.path, name: 'production-server/next-mount', value: rps('production-server') / rps('next-mount') };
      ratios.push(ratio);
      console.log(`  ${ratio.name}: ${fmtRatio(ratio.value)}`);
    }
  }

  // A clean shutdown (SIGTERM) must flush the asynchronous log: every answered request has its line.
  // SIGTERM first and wait for the server's own last line: stopping the group also kills what outlives tsx.
  const logged = byName('production-server');
  const stoppedLine = (file: string) => fs.readFileSync(file, 'utf8').includes('"msg":"stopped"');
  if (logged?.logFile) {
    logged.proc.kill('SIGTERM');
    for (const until = Date.now() + 30_000; Date.now() < until && !stoppedLine(logged.logFile); ) await sleep(200);
  }
  await stopProcessGroups();
  let accessLog: { answered: number; lines: number } | undefined;
  if (logged?.logFile) {
    accessLog = { answered: answered.get('production-server') ?? 0, lines: countRequestLines(logged.logFile) };
    console.log(`\naccess log of production-server after SIGTERM: ${fmt(accessLog.lines)} request lines for ${fmt(accessLog.answered)} answered requests`);
    if (!stoppedLine(logged.logFile)) {
      const last = fs.readFileSync(logged.logFile, 'utf8').split('\n').filter((line) => line && !line.includes('"msg":"request"')).slice(-5);
      failures.push(`production-server did not log "stopped" within 30 s of SIGTERM; its last lines other than requests:\n    ${last.join('\n    ')}`);
    }
    if (accessLog.lines < accessLog.answered) failures.push(`production-server's access log lost lines: ${accessLog.lines} for ${accessLog.answered} answered requests`);
  }

  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    loadAverage: os.loadavg(),
    settings: SETTINGS,
    targets: started.map((server) => ({ name: server.target.name, what: server.target.what, command: ['node', ...server.target.args(server.port)].join(' ') })),
    results: rows,
    ratios,
    accessLog,
    ok: failures.length === 0,
    failures,
  };
  console.log(`\nresults: ${writeReport('api', report)}`);

  if (failures.length > 0) console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
  // The headlines, last so they grep easily.
  for (const ratio of ratios) console.log(`ratio ${ratio.name} ${ratio.endpoint}: ${fmtRatio(ratio.value)}${ratio.target ? ` (target ≥ ${fmtRatio(ratio.target)})` : ''}`);
  return failures.length > 0 ? 1 : 0;
}

await runBench('bench:api', main, { cleanup: stopAll, onSignal: 'stopping the servers and the redis-server this bench started' });

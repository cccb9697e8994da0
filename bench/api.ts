/*
 * API throughput bench (npm run bench:api). In one run it starts three servers, each with
 * its own empty DATA_DIR, and loads the same route on each, one after another:
 *
 *   production-server  `npm start` (server/boot/main.ts): node:http hands /api/v1/* to Hono
 *   next-mount         `next start`: the same Hono app behind app/api/v1/[[...route]]/route.ts
 *   bare-hono          bench/bare-hono.ts: @hono/node-server and one route, nothing else
 *
 * It prints req/s and latency per target and the ratios production-server/next-mount and
 * bare-hono/production-server, and writes bench/out/api.json. Speed is reported, never
 * asserted: the exit code is non-zero only if a server did not start or a request failed.
 *
 *   BENCH_SECONDS=10 npx tsx bench/api.ts
 */
import autocannon from 'autocannon';
import os from 'node:os';
import { describeOutput, ensureNextBuild, freePorts, HOST, startAll, TARGETS, type TargetName } from './api/servers';
import { positiveFromEnv } from './lib/env';
import { fmt, fmtRatio, table } from './lib/format';
import { removeTempDirs, stopProcessGroups } from './lib/process';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';

/** Routes loaded on every target. Add a real read with one line once it exists. */
interface Endpoint {
  path: string;
  /** e.g. a session cookie for an admin read */
  headers?: Record<string, string>;
  /** Also load the bare-hono baseline (it only answers /api/v1/health). */
  baseline?: boolean;
}

const ENDPOINTS: Endpoint[] = [
  { path: '/api/v1/health', baseline: true },
  // A real read: the public album list (a PostgreSQL/PGlite query per request, no cache yet).
  { path: '/api/v1/albums' },
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

interface Ratios {
  endpoint: string;
  'production-server/next-mount': number;
  'bare-hono/production-server'?: number;
}

// Stops the servers (each by its process group) and deletes their temp dirs, once.
let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= stopProcessGroups().then(removeTempDirs);
  return stopping;
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
      `(+${SETTINGS.warmupSeconds} s warm-up), ${os.availableParallelism()} CPUs, Node ${process.version}`,
  );
  ensureNextBuild();

  const ports = await freePorts(TARGETS.length);
  const ready = await startAll(ports);
  for (const { server, readyMs } of ready) {
    console.log(`  ${server.target.name.padEnd(18)} http://${HOST}:${server.port}  ready in ${(readyMs / 1000).toFixed(1)} s  (${server.target.what})`);
  }
  const started = ready.map(({ server }) => server);

  const rows: Row[] = [];
  const failures: string[] = [];
  const ratios: Ratios[] = [];
  for (const endpoint of ENDPOINTS) {
    const targets = started.filter((server) => endpoint.baseline || server.target.name !== 'bare-hono');
    console.log(`\nGET ${endpoint.path}`);
    for (const server of targets) {
      const url = `http://${HOST}:${server.port}${endpoint.path}`;
      const label = `${server.target.name} GET ${endpoint.path}`;
      const warm = await load(url, SETTINGS.warmupSeconds, endpoint.headers);
      const warmFailure = failuresOf(warm);
      if (warmFailure) failures.push(`${label} (warm-up): ${warmFailure}`);
      const result = await load(url, SETTINGS.durationSeconds, endpoint.headers);
      const failure = failuresOf(result);
      if (failure) failures.push(`${label}: ${failure}`);
      rows.push({
        endpoint: endpoint.path,
        target: server.target.name,
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
      if (server.proc.exit) failures.push(`${server.target.name} exited during the load (code ${server.proc.exit.code}, signal ${server.proc.exit.signal})\n${describeOutput(server)}`);
    }
    const endpointRows = rows.filter((row) => row.endpoint === endpoint.path);
    console.log(resultTable(endpointRows));
    const rps = (name: TargetName) => endpointRows.find((row) => row.target === name)?.requestsPerSecond ?? Number.NaN;
    const ratio: Ratios = { endpoint: endpoint.path, 'production-server/next-mount': rps('production-server') / rps('next-mount') };
    if (endpoint.baseline) ratio['bare-hono/production-server'] = rps('bare-hono') / rps('production-server');
    ratios.push(ratio);
    console.log(`  production-server / next-mount: ${fmtRatio(ratio['production-server/next-mount'])}`);
    if (ratio['bare-hono/production-server'] !== undefined) console.log(`  bare-hono / production-server: ${fmtRatio(ratio['bare-hono/production-server'])}`);
  }

  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: SETTINGS,
    targets: started.map((server) => ({ name: server.target.name, what: server.target.what, command: ['node', ...server.target.args(server.port)].join(' ') })),
    results: rows,
    ratios,
    ok: failures.length === 0,
    failures,
  };
  console.log(`\nresults: ${writeReport('api', report)}`);

  if (failures.length > 0) console.error(`\nFAILED requests:\n  ${failures.join('\n  ')}`);
  // The headline (first endpoint, /api/v1/health), last line so it greps easily.
  const headline = ratios[0];
  if (headline) {
    if (headline['bare-hono/production-server'] !== undefined) console.log(`ratio bare-hono/production-server: ${fmtRatio(headline['bare-hono/production-server'])}`);
    console.log(`ratio production-server/next-mount: ${fmtRatio(headline['production-server/next-mount'])}`);
  }
  return failures.length > 0 ? 1 : 0;
}

await runBench('bench:api', main, { cleanup: stopAll, onSignal: 'stopping the servers this bench started' });

/*
 * Footprint bench (npm run bench:footprint): the memory of the WHOLE process tree a user's
 * command leaves running, idle, at default settings (LOG_LEVEL=info), against issue 12's targets:
 *
 *   baseline       a bare `node -e` HTTP server (no target; what Node alone costs here)
 *   embedded       `npm start` on a fresh DATA_DIR (embedded PGlite): first start   ≤ 350 MB
 *   restart        `npm start` again on the same DATA_DIR                           ≤ 350 MB
 *   postgres       `npm start` with DATABASE_URL to a fresh database                ≤ 250 MB
 *   worker         `npm run worker` with DATABASE_URL to a fresh database           ≤ 150 MB
 *   develop        `npm start` (embedded, PREPROCESS_CONCURRENCY=2) developing 24 MP JPEGs,
 *                  uploaded once it has idled BENCH_FOOTPRINT_IDLE_SECONDS; peak                                                             ≤ 600 MB
 *
 * RSS counts pages shared between processes of the tree once per process; PSS splits them.
 * Both are printed; the target is checked against RSS, the stricter one.
 *
 *   BENCH_FOOTPRINT_IDLE_SECONDS=30 npm run bench:footprint   # idle longer before measuring (default 15)
 *   BENCH_FOOTPRINT_PHOTOS=6 npm run bench:footprint          # 24 MP photos developed (default 4)
 */
import os from 'node:os';
import { freePorts, ensureNextBuild } from './api/servers';
import { makePhoto } from './develop/photos';
import { createDatabase, type FreshDatabase } from './develop/worker';
import { developPeak } from './footprint/develop';
import { idleMemory, npmCli, startHttp, startWorker, stop, userEnv, type Started } from './footprint/processes';
import type { TreeMemory } from './footprint/tree';
import { integerFromEnv, positiveIntegerFromEnv } from './lib/env';
import { fmt, fmtRatio, table } from './lib/format';
import { makeTempDir, removeTempDirs, stopProcessGroups } from './lib/process';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';

const MB = 1024 * 1024;
const HOST = '127.0.0.1';
const IDLE_SECONDS = positiveIntegerFromEnv('BENCH_FOOTPRINT_IDLE_SECONDS', 15);
const PHOTOS = integerFromEnv('BENCH_FOOTPRINT_PHOTOS', 4, 1, 20);
const OWNER = { email: 'owner@example.com', password: 'footprint-bench-password' };
const BASELINE = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '${HOST}')`;

const databases: FreshDatabase[] = [];
const mb = (bytes: number) => `${fmt(bytes / MB)} MB`;

interface Figure {
  name: string;
  what: string;
  targetMb?: number;
  readyMs: number;
  memory: TreeMemory;
}

function printTree(figure: Figure) {
  console.log(`\n${figure.name}: ${figure.what} — ready in ${fmt(figure.readyMs / 1000, 1)} s, measured after ${IDLE_SECONDS} s idle`);
  const rows = figure.memory.processes.map((p) => [String(p.pid), p.command, mb(p.rssBytes), mb(p.pssBytes)]);
  rows.push(['', 'whole tree', mb(figure.memory.rssBytes), mb(figure.memory.pssBytes)]);
  console.log(table(['pid', 'process', 'RSS', 'PSS'], rows));
}

async function measureIdle(name: string, what: string, targetMb: number | undefined, start: () => Promise<Started>): Promise<Figure> {
  const started = await start();
  try {
    const figure = { name, what, targetMb, readyMs: started.readyMs, memory: await idleMemory(started.proc, IDLE_SECONDS) };
    printTree(figure);
    return figure;
  } finally {
    await stop(started);
  }
}

async function freshDatabaseUrl(): Promise<string> {
  const database = await createDatabase();
  databases.push(database);
  return database.url;
}

async function main(): Promise<number> {
  console.log(`bench:footprint — ${os.availableParallelism()} CPUs, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}, Node ${process.version}`);
  ensureNextBuild();
  const npm = npmCli();
  const [port = 0] = await freePorts(1);
  const baseUrl = `http://localhost:${port}`;
  const health = `http://${HOST}:${port}/api/v1/health`;
  const server = (dataDir: string, env: Record<string, string> = {}) =>
    userEnv({ DATA_DIR: dataDir, PORT: String(port), HOST, BETTER_AUTH_URL: baseUrl, ...env });

  const figures: Figure[] = [];
  figures.push(
    await measureIdle('baseline', 'node -e: a bare node:http server', undefined, () =>
      startHttp('the baseline', ['-e', BASELINE], userEnv({ PORT: String(port) }), `http://${HOST}:${port}/`),
    ),
  );
  const embeddedDir = makeTempDir('darkroom-bench-footprint-');
  figures.push(await measureIdle('embedded', 'npm start, embedded PGlite, first start', 350, () => startHttp('npm start', [npm, 'start'], server(embeddedDir), health)));
  figures.push(await measureIdle('restart', 'npm start, embedded PGlite, same DATA_DIR again', 350, () => startHttp('npm start', [npm, 'start'], server(embeddedDir), health)));
  const pgUrl = await freshDatabaseUrl();
  figures.push(
    await measureIdle('postgres', 'npm start, DATABASE_URL (fresh database)', 250, () =>
      startHttp('npm start', [npm, 'start'], server(makeTempDir('darkroom-bench-footprint-pg-'), { DATABASE_URL: pgUrl }), health),
    ),
  );
  const workerUrl = await freshDatabaseUrl();
  figures.push(
    await measureIdle('worker', 'npm run worker, DATABASE_URL (fresh database)', 150, () =>
      startWorker(userEnv({ DATA_DIR: makeTempDir('darkroom-bench-footprint-worker-'), DATABASE_URL: workerUrl })),
    ),
  );

  console.log(`\ndevelop: generating ${PHOTOS} 24 MP JPEGs (not measured)…`);
  const photos = await Promise.all(Array.from({ length: PHOTOS }, (_, i) => makePhoto(i)));
  const developer = await startHttp(
    'npm start',
    [npm, 'start'],
    server(makeTempDir('darkroom-bench-footprint-develop-'), { PREPROCESS_CONCURRENCY: '2', ADMIN_EMAIL: OWNER.email, ADMIN_PASSWORD: OWNER.password }),
    health,
  );
  let peak;
  try {
    const root = developer.proc.child.pid ?? 0;
    // Uploaded to a server that has settled, as a user's upload finds it: the peak of a first
    // start (migrations, Next warming up) is over before the peaks are reset.
    const settled = await idleMemory(developer.proc, IDLE_SECONDS);
    console.log(`develop: the server settled at ${mb(settled.rssBytes)} RSS after ${IDLE_SECONDS} s; uploading now`);
    peak = await developPeak(root, baseUrl, OWNER, photos);
  } finally {
    await stop(developer);
  }
  console.log(`develop: npm start (embedded, PREPROCESS_CONCURRENCY=2) uploaded and developed ${peak.photos} × 24 MP in ${fmt(peak.seconds, 1)} s`);
  console.log(table(['pid', 'process', 'peak RSS (VmHWM)'], peak.processes.map((p) => [String(p.pid), p.command, mb(p.peakRssBytes)])));
  console.log(`  sampled every 100 ms: tree peak RSS ${mb(peak.sampledPeakRssBytes)}, PSS ${mb(peak.sampledPeakPssBytes)}; sum of per-process peaks ${mb(peak.peakRssBytes)}`);

  const baseline = figures[0]?.memory.rssBytes ?? Number.NaN;
  const verdict = (bytes: number, targetMb?: number) => (targetMb === undefined ? '' : bytes <= targetMb * MB ? 'yes' : 'NO');
  const rows = figures.map((f) => [
    f.name,
    mb(f.memory.rssBytes),
    mb(f.memory.pssBytes),
    String(f.memory.processes.length),
    fmtRatio(f.memory.rssBytes / baseline),
    f.targetMb === undefined ? '' : `${f.targetMb} MB`,
    verdict(f.memory.rssBytes, f.targetMb),
  ]);
  rows.push(['develop peak', mb(peak.peakRssBytes), mb(peak.sampledPeakPssBytes), String(peak.processes.length), fmtRatio(peak.peakRssBytes / baseline), '600 MB', verdict(peak.peakRssBytes, 600)]);
  console.log(`\nwhole process tree, idle (develop: peak; RSS = sum of per-process peaks, PSS = sampled)`);
  console.log(table(['figure', 'RSS', 'PSS', 'processes', 'x baseline', 'target', 'RSS within'], rows));
  const report = { date: new Date().toISOString(), machine: machine(), loadAverage: os.loadavg(), idleSeconds: IDLE_SECONDS, figures, develop: peak };
  console.log(`\nresults: ${writeReport('footprint', report)}`);
  return 0;
}

await runBench('bench:footprint', main, {
  cleanup: async () => {
    await stopProcessGroups();
    for (const database of databases.splice(0)) await database.drop().catch((error: unknown) => console.error(`could not drop ${database.name}: ${String(error)}`));
    removeTempDirs();
  },
  onSignal: 'stopping what the bench started, dropping its databases',
  stack: true,
});

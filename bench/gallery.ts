/*
 * Gallery bench (npm run bench:gallery), issue 9 item 8. In one run:
 *
 *   1. one production server (bench/gallery/serve.ts: what `npm start` runs, default settings
 *      and LOG_LEVEL, embedded database, CACHE_MODE=local) seeded with a public album of
 *      BENCH_PHOTOS (500) developed photos, listening twice: with the gallery page cache
 *      and without it;
 *   2. requests/s of GET /a/<slug> on each (autocannon), and the ratio (target ≥ 10x);
 *   3. the album page in Chromium: Largest Contentful Paint and Cumulative Layout Shift from
 *      PerformanceObserver (buffered), over BENCH_PAGE_LOADS fresh loads (targets LCP < 1 s, CLS 0).
 *
 * Speed is reported, never asserted: the exit code is non-zero only if something failed.
 *
 *   BENCH_SECONDS=10 BENCH_PHOTOS=500 npx tsx bench/gallery.ts
 */
import autocannon from 'autocannon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureNextBuild, freePorts, HOST } from './api/servers';
import type { Seeded } from './gallery/seed';
import { positiveFromEnv, positiveIntegerFromEnv } from './lib/env';
import { fmt, fmtRatio, table } from './lib/format';
import { makeTempDir, ProcessGroup, removeTempDirs, sleep, stopProcessGroups, TSX_CLI } from './lib/process';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';
import { launchChromium } from './lib/browser';

const SETTINGS = {
  photos: positiveIntegerFromEnv('BENCH_PHOTOS', 500),
  connections: 50,
  durationSeconds: positiveFromEnv('BENCH_SECONDS', 10, 'number of seconds'),
  warmupSeconds: 2,
  timeoutSeconds: 30,
  pageLoads: positiveIntegerFromEnv('BENCH_PAGE_LOADS', 5),
  viewport: { width: 1280, height: 800 },
} as const;
const TARGET = { ratio: 10, lcpMs: 1000, cls: 0 };
const STARTUP_TIMEOUT_MS = 300_000;

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= stopProcessGroups().then(removeTempDirs);
  return stopping;
}

async function startServer(): Promise<{ proc: ProcessGroup; cached: string; uncached: string; seeded: Seeded }> {
  const [port, uncachedPort] = await freePorts(2);
  if (!port || !uncachedPort) throw new Error('no free ports');
  const dataDir = makeTempDir('darkroom-bench-gallery-');
  // Default settings: none of the caller's database, Redis, cache mode or log level.
  const { DATABASE_URL: _db, REDIS_URL: _redis, CACHE_MODE: _mode, LOG_LEVEL: _level, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST,
    BETTER_AUTH_URL: `http://${HOST}:${port}`,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const proc = new ProcessGroup([TSX_CLI, 'bench/gallery/serve.ts', String(uncachedPort), String(SETTINGS.photos)], env);
  const ready = path.join(dataDir, 'bench-ready.json');
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!fs.existsSync(ready)) {
    if (proc.exit || Date.now() > deadline) {
      throw new Error(`the gallery server did not start (${proc.exit ? `exit ${proc.exit.code ?? proc.exit.signal}` : 'timeout'})\n${proc.stderr.toString()}\n${proc.stdout.toString()}`);
    }
    await sleep(200);
  }
  const seeded = JSON.parse(fs.readFileSync(ready, 'utf8')) as Seeded;
  return { proc, cached: `http://${HOST}:${port}`, uncached: `http://${HOST}:${uncachedPort}`, seeded };
}

interface LoadRow {
  target: 'cached' | 'uncached';
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  bytesPerResponse: number;
}

async function measure(target: LoadRow['target'], url: string, failures: string[]): Promise<LoadRow> {
  // The uncached page queues 50 renders on 2 cores: its tail passes autocannon's default 10 s timeout.
  const run = (duration: number) => autocannon({ url, connections: SETTINGS.connections, duration, timeout: SETTINGS.timeoutSeconds });
  await run(SETTINGS.warmupSeconds);
  const result = await run(SETTINGS.durationSeconds);
  if (result.non2xx || result.errors || result.timeouts) failures.push(`${target}: non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`);
  return {
    target,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
  };
}

interface Vitals {
  lcpMs: number;
  cls: number;
  lcpElement: string;
  images: number;
}

/** One fresh browser context per load (empty HTTP cache), the page's own PerformanceObserver readings. */
async function pageVitals(url: string): Promise<Vitals[]> {
  const browser = await launchChromium();
  try {
    const out: Vitals[] = [];
    for (let i = 0; i < SETTINGS.pageLoads; i++) {
      const context = await browser.newContext({ viewport: SETTINGS.viewport });
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle');
      out.push(
        await page.evaluate(
          () =>
            new Promise<Vitals>((resolve) => {
              let lcp = 0;
              let lcpElement = '';
              let cls = 0;
              new PerformanceObserver((list) => {
                for (const entry of list.getEntries() as (PerformanceEntry & { element?: Element | null })[]) {
                  lcp = entry.startTime;
                  lcpElement = entry.element ? entry.element.tagName.toLowerCase() : '';
                }
              }).observe({ type: 'largest-contentful-paint', buffered: true });
              new PerformanceObserver((list) => {
                for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) cls += entry.value;
              }).observe({ type: 'layout-shift', buffered: true });
              // Buffered entries are delivered in a task after observe().
              setTimeout(() => resolve({ lcpMs: lcp, cls, lcpElement, images: document.images.length }), 100);
            }),
        ),
      );
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function main(): Promise<number> {
  console.log(
    `bench:gallery — ${SETTINGS.photos} photos, ${SETTINGS.connections} connections, ${SETTINGS.durationSeconds} s per target (+${SETTINGS.warmupSeconds} s warm-up), ` +
      `${SETTINGS.pageLoads} page loads in Chromium, ${os.availableParallelism()} CPUs, Node ${process.version}`,
  );
  ensureNextBuild();
  const startedAt = Date.now();
  const server = await startServer();
  const albumPath = `/a/${server.seeded.slug}`;
  console.log(`  server ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (seeded ${server.seeded.photos} photos from ${server.seeded.distinctOriginals} developed originals)`);

  const failures: string[] = [];
  const probe = await fetch(server.cached + albumPath);
  await probe.text();
  if (probe.status !== 200) failures.push(`GET ${albumPath} answered ${probe.status}`);
  const again = await fetch(server.cached + albumPath);
  await again.text();
  console.log(`  ${albumPath}: ${again.status}, X-Cache ${again.headers.get('x-cache')}, X-Cache-Backend ${again.headers.get('x-cache-backend')}`);
  if (again.headers.get('x-cache') !== 'HIT') failures.push(`the cached server did not answer ${albumPath} from its cache (X-Cache ${again.headers.get('x-cache')})`);

  console.log(`\nGET ${albumPath}`);
  const rows = [await measure('cached', server.cached + albumPath, failures), await measure('uncached', server.uncached + albumPath, failures)];
  console.log(
    table(
      ['target', 'req/s (avg)', 'p50 ms', 'p99 ms', 'requests', 'KiB/response', 'non-2xx', 'errors'],
      rows.map((r) => [r.target, fmt(r.requestsPerSecond, 1), fmt(r.latencyP50Ms, 2, 0), fmt(r.latencyP99Ms, 2, 0), fmt(r.requests), fmt(r.bytesPerResponse / 1024, 1), String(r.non2xx), String(r.errors)]),
    ),
  );
  const ratio = (rows[0]?.requestsPerSecond ?? Number.NaN) / (rows[1]?.requestsPerSecond ?? Number.NaN);

  const vitals = await pageVitals(server.cached + albumPath);
  const lcp = median(vitals.map((v) => v.lcpMs));
  const cls = Math.max(...vitals.map((v) => v.cls));
  console.log(`\nChromium, ${SETTINGS.viewport.width}x${SETTINGS.viewport.height}, ${vitals.length} fresh loads of ${albumPath} (cached server):`);
  console.log(table(['load', 'LCP ms', 'LCP element', 'CLS', '<img>'], vitals.map((v, i) => [String(i + 1), fmt(v.lcpMs, 1), v.lcpElement, fmt(v.cls, 4), String(v.images)])));

  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: SETTINGS,
    command: 'npm run bench:gallery',
    load: rows,
    ratio,
    vitals,
    summary: { lcpMedianMs: lcp, clsMax: cls },
    targets: TARGET,
    ok: failures.length === 0,
    failures,
  };
  console.log(`\nresults: ${writeReport('gallery', report)}`);
  if (failures.length) console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(`ratio cached/uncached: ${fmtRatio(ratio)} (target ≥ ${TARGET.ratio}x: ${mark(ratio >= TARGET.ratio)})`);
  console.log(`LCP median: ${fmt(lcp, 0)} ms (target < ${TARGET.lcpMs} ms: ${mark(lcp < TARGET.lcpMs)})`);
  console.log(`CLS max: ${fmt(cls, 4)} (target ${TARGET.cls}: ${mark(cls === TARGET.cls)})`);
  return failures.length ? 1 : 0;
}

await runBench('bench:gallery', main, { cleanup: stopAll, onSignal: 'stopping the server this bench started' });

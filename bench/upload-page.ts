/*
 * Upload page bench (npm run bench:upload-page): does the upload page stay responsive with a
 * big batch? One production server (`npm start`, PGlite, developing switched off), Chromium on
 * /admin/upload, a small batch (baseline, BENCH_UPLOAD_PAGE_SMALL, default 20 files) and a big
 * one (BENCH_UPLOAD_PAGE_FILES, default 1,000) of small unique JPEGs chosen at once, as a
 * folder would be. For each it prints: time until the summary says every file finished and
 * per file; the main thread's long tasks (count, longest, total) and the worst delay of a 50 ms
 * timer in the page (what a click would wait for at worst); list rows in the DOM (virtualised:
 * a screenful, not one per file). The ratios big/small of per-file time and of the worst delay
 * show whether the page scales (targets: per file ≤ 1.5x, worst delay ≤ 2x). Speed is reported,
 * never asserted; the exit code is non-zero only if a file did not finish as accepted.
 */
import type { Page } from '@playwright/test';
import { ensureNextBuild } from './api/servers';
import { positiveIntegerFromEnv } from './lib/env';
import { fmt, fmtRatio, table } from './lib/format';
import { makeTempDir, removeTempDirs, stopProcessGroups } from './lib/process';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';
import { launchChromium } from './lib/browser';
import { renewNonces, writeBatch } from './upload/files';
import { type Server, startServer } from './upload/server';

const SETTINGS = {
  small: positiveIntegerFromEnv('BENCH_UPLOAD_PAGE_SMALL', 20),
  big: positiveIntegerFromEnv('BENCH_UPLOAD_PAGE_FILES', 1000),
  fileBytes: 48 * 1024,
} as const;

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= stopProcessGroups().then(removeTempDirs);
  return stopping;
}

interface Run {
  files: number;
  seconds: number;
  msPerFile: number;
  longTasks: number;
  longestTaskMs: number;
  longTasksTotalMs: number;
  /** When each long task started (ms after the files were chosen) and how long it took. */
  longTaskAtMs: number[];
  longTaskMs: number[];
  worstTimerDelayMs: number;
  rowsInDom: number;
  accepted: number;
}

/** Installed before the page's scripts: long tasks and the delay of a 50 ms timer, from the start. */
const PROBE = () => {
  const w = window as unknown as { __probe: { long: number[]; at: number[]; t0: number; worstDelay: number } };
  w.__probe = { long: [], at: [], t0: 0, worstDelay: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      w.__probe.long.push(entry.duration);
      w.__probe.at.push(Math.round(entry.startTime - w.__probe.t0));
    }
  }).observe({ type: 'longtask', buffered: true });
  let expected = performance.now() + 50;
  setInterval(() => {
    const now = performance.now();
    w.__probe.worstDelay = Math.max(w.__probe.worstDelay, now - expected);
    expected = now + 50;
  }, 50);
};

async function measure(page: Page, server: Server, dir: string, files: number): Promise<Run> {
  await page.goto(`${server.base}/admin/upload`);
  await page.getByTestId('upload-folder').waitFor({ state: 'attached' });
  // Forget what the page load itself cost: only the batch counts.
  await page.evaluate(() => {
    const probe = (window as unknown as { __probe: { long: number[]; at: number[]; t0: number; worstDelay: number } }).__probe;
    probe.long = [];
    probe.at = [];
    probe.t0 = performance.now();
    probe.worstDelay = 0;
  });
  const started = performance.now();
  await page.getByTestId('upload-folder').setInputFiles(dir);
  await page.getByTestId('upload-summary').filter({ hasText: `Finished: ${files} files` }).waitFor({ timeout: 30 * 60_000 });
  const seconds = (performance.now() - started) / 1000;
  const probe = await page.evaluate(() => (window as unknown as { __probe: { long: number[]; at: number[]; worstDelay: number } }).__probe);
  const accepted = Number((await page.getByTestId('count-accepted').textContent())?.replace(/\D+/g, '') ?? 0);
  const rowsInDom = await page.locator('.upload-row').count();
  return {
    files,
    seconds,
    msPerFile: (seconds * 1000) / files,
    longTasks: probe.long.length,
    longestTaskMs: Math.max(0, ...probe.long),
    longTasksTotalMs: probe.long.reduce((a, b) => a + b, 0),
    longTaskAtMs: probe.at,
    longTaskMs: probe.long.map(Math.round),
    worstTimerDelayMs: probe.worstDelay,
    rowsInDom,
    accepted,
  };
}

async function main(): Promise<number> {
  console.log(`Upload page bench: ${SETTINGS.small} files (baseline) then ${SETTINGS.big} files of ${fmt(SETTINGS.fileBytes / 1024)} KiB, Chromium, one production server on PGlite`);
  ensureNextBuild();
  const smallDir = makeTempDir('darkroom-bench-upload-page-small-');
  const bigDir = makeTempDir('darkroom-bench-upload-page-big-');
  // Different photos in each batch, so the big one finds nothing already in the library.
  renewNonces(await writeBatch(smallDir, SETTINGS.small, SETTINGS.fileBytes), 1);
  renewNonces(await writeBatch(bigDir, SETTINGS.big, SETTINGS.fileBytes), 2);
  const server = await startServer();
  const browser = await launchChromium();
  const runs: Run[] = [];
  try {
    const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1366, height: 900 } });
    const url = new URL(server.base);
    const cookies = server.cookie.split('; ').map((c) => {
      const [name = '', value = ''] = c.split(/=(.*)/s);
      return { name, value, domain: url.hostname, path: '/' };
    });
    if (!cookies.some((c) => c.name.endsWith('session_token'))) throw new Error('no session cookie from sign-in');
    await context.addCookies(cookies);
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    runs.push(await measure(page, server, smallDir, SETTINGS.small));
    runs.push(await measure(page, server, bigDir, SETTINGS.big));
  } finally {
    await browser.close();
  }

  console.log(
    table(
      ['files', 'seconds', 'ms/file', 'long tasks', 'longest ms', 'long total ms', 'worst 50 ms-timer delay', 'rows in DOM', 'accepted'],
      runs.map((r) => [String(r.files), fmt(r.seconds, 1), fmt(r.msPerFile, 1), String(r.longTasks), fmt(r.longestTaskMs), fmt(r.longTasksTotalMs), fmt(r.worstTimerDelayMs), String(r.rowsInDom), String(r.accepted)]),
    ),
  );
  const [small, big] = runs;
  const perFile = (big?.msPerFile ?? 0) / (small?.msPerFile ?? 1);
  const delay = (big?.worstTimerDelayMs ?? 0) / Math.max(1, small?.worstTimerDelayMs ?? 1);
  console.log(`per-file time big/small: ${fmtRatio(perFile)} (target ≤ 1.5x); worst timer delay big/small: ${fmtRatio(delay)} (target ≤ 2x)`);
  const out = writeReport('upload-page', { machine: machine(), settings: SETTINGS, runs, ratios: { perFile, worstDelay: delay } });
  console.log(`  wrote ${out}`);
  return runs.every((r) => r.accepted === r.files) ? 0 : 1;
}

await runBench('bench:upload-page', main, { cleanup: stopAll, onSignal: 'stopping the server and the browser' });

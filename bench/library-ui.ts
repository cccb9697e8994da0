/*
 * Admin library UI bench (npm run bench:library-ui): the library grid over a large library.
 * Seeds BENCH_LIBRARY_UI_IMAGES (default 100,000) rows into a fresh PostgreSQL database (the
 * bench/library generator, without its 10,000 junk queued jobs), starts the production server
 * as `npm start` runs it (default settings, default log level), opens /admin/library in
 * Chromium at 1366×900 and prints: time to first tiles, tiles in the DOM, JS heap, the longest
 * main-thread task while scrolling through BENCH_LIBRARY_UI_SCROLL photos (default 5,000) and
 * while jumping by date, the layout shift in each step (target 0: fixed-size cells), and the
 * API requests each step made. Also: the dashboard's server
 * time at this size, and EXPLAIN of the jump query (no sequential scan over images).
 * Speed is reported, never asserted; the exit code is non-zero only if a step fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Page } from '@playwright/test';
import { listImages } from '../server/images/admin';
import { createTestDatabase, type TestDatabase } from '../server/testing/db';
import { ensureNextBuild, freePorts, HOST } from './api/servers';
import { openPostgres } from './library/database';
import { libraryStatements } from './library/generate';
import { heapBytes, longestSince, pageNow, PROBE, largestShifts, shiftSince, tilesInDom, watchListRequests } from './library-ui/page';
import { positiveIntegerFromEnv } from './lib/env';
import { fmt, table } from './lib/format';
import { makeTempDir, ProcessGroup, removeTempDirs, ROOT, sleep, stopProcessGroups } from './lib/process';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';
import { launchChromium } from './lib/browser';

const IMAGES = positiveIntegerFromEnv('BENCH_LIBRARY_UI_IMAGES', 100_000);
const SCROLL = positiveIntegerFromEnv('BENCH_LIBRARY_UI_SCROLL', 5_000);
const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };
const THUMBHASH = 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG';

let database: TestDatabase | undefined;
let stopping: Promise<void> | undefined;
const stopAll = () => (stopping ??= stopProcessGroups().then(async () => { removeTempDirs(); await database?.drop(); }));
const load = () => fmt(os.loadavg()[0] ?? 0, 2);

async function startServer(url: string) {
  if (!fs.existsSync(`${ROOT}/dist/server/main.js`)) throw new Error('dist/server/main.js is missing: run npm run build first');
  const [port] = await freePorts(1);
  const base = `http://${HOST}:${port}`;
  const { REDIS_URL: _r, CACHE_MODE: _c, LOG_LEVEL: _l, ...inherited } = process.env;
  // As `npm start` runs it, without npm's wrapper process.
  const env: NodeJS.ProcessEnv = { ...inherited, NODE_ENV: 'production', MALLOC_ARENA_MAX: '2', DATABASE_URL: url, DATA_DIR: makeTempDir('darkroom-bench-library-ui-'), PORT: String(port), HOST, BETTER_AUTH_URL: base, NEXT_TELEMETRY_DISABLED: '1', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };
  const proc = new ProcessGroup(['--max-semi-space-size=16', 'dist/server/main.js'], env, { stdoutFile: `${makeTempDir('darkroom-bench-library-ui-log-')}/server.log` });
  for (const deadline = Date.now() + 180_000; ; await sleep(250)) {
    if (proc.exit || Date.now() > deadline) throw new Error(`the server did not start\n${proc.stderr.toString()}`);
    if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
  }
  const signIn = await fetch(`${base}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(ADMIN) });
  if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  return { base, cookie: signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
}

/** Waits (checking every frame) until `text` is the grid's position line; returns the page time then. */
const positionReads = (page: Page, text: string) =>
  page.waitForFunction((t) => document.querySelector('[data-testid=grid-position]')?.textContent === t && performance.now(), text, { polling: 'raf', timeout: 60_000 }).then((h) => h.jsonValue() as Promise<number>);

async function main(): Promise<number> {
  console.log(`bench:library-ui — ${fmt(IMAGES)} images on PostgreSQL, scroll through ${fmt(SCROLL)} photos, Chromium 1366×900; ${JSON.stringify(machine())}, load average ${load()}`);
  ensureNextBuild();
  database = await createTestDatabase('postgres');
  const db = await openPostgres(database.url ?? '');
  const started = performance.now();
  for (const statement of libraryStatements(IMAGES).filter((s) => !s.includes("'queued-'"))) await db.exec(statement);
  await db.exec(`update images set placeholder = '${THUMBHASH}'`);
  await db.exec('vacuum analyze');
  console.log(`seeded in ${fmt((performance.now() - started) / 1000, 1)} s`);
  const [newest] = await db.exec('select created_at from images order by created_at desc, id desc limit 1');
  const newestAt = new Date(String(newest?.created_at));
  // A month before the newest upload: the generator spreads uploads 30 s apart (~5 weeks at 100k).
  const jumpMonth = new Date(Date.UTC(newestAt.getUTCFullYear(), newestAt.getUTCMonth() - 1, 1));
  const month = jumpMonth.toISOString().slice(0, 7);
  const monthName = jumpMonth.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

  const jumpStatements = await db.capture(() => listImages({ db: db.db }, { limit: 100, before: new Date(Date.UTC(jumpMonth.getUTCFullYear(), jumpMonth.getUTCMonth() + 1, 1) - 1).toISOString() }));
  const takenStatements = await db.capture(() => listImages({ db: db.db }, { limit: 100, takenFrom: '2015-01-01T00:00:00Z', before: '2018-06-30T23:59:59Z' }));
  const plans = [];
  for (const s of [jumpStatements[0], takenStatements[0]]) if (s) plans.push(`${s.sql}\n${await db.explain(s)}`);
  await db.close();

  const server = await startServer(database.url ?? '');
  const dashboardMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const res = await fetch(`${server.base}/admin`, { headers: { cookie: server.cookie } });
    await res.text();
    if (!res.ok) throw new Error(`dashboard: ${res.status}`);
    dashboardMs.push(performance.now() - t0);
  }

  const browser = await launchChromium(['--enable-precise-memory-info']);
  const rows: string[][] = [];
  let shifts: { at: number; value: number; what: string }[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'UTC' });
    const host = new URL(server.base).hostname;
    await context.addCookies(server.cookie.split('; ').map((c) => { const [name = '', value = ''] = c.split(/=(.*)/s); return { name, value, domain: host, path: '/' }; }));
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const requests = watchListRequests(page);

    // 1. First tiles: page time from navigation start until a tile is in the DOM.
    await page.goto(`${server.base}/admin/library`, { waitUntil: 'commit' });
    const firstTiles = await page.waitForFunction(() => document.querySelector('ul.vgrid > li a') && performance.now(), undefined, { polling: 'raf', timeout: 60_000 }).then((h) => h.jsonValue() as Promise<number>);
    await sleep(500);
    rows.push(['open /admin/library', `${fmt(firstTiles)} ms to first tiles`, String(await tilesInDom(page)), fmt((await heapBytes(cdp)) / 2 ** 20, 1), fmt(await longestSince(page, 0)), fmt(await shiftSince(page, 0), 3), summary(requests.since(0))]);

    // 2. Scroll a long way: a screen at a time, every frame, until SCROLL photos are loaded.
    let mark = requests.mark();
    let t0 = await pageNow(page);
    const scrollStart = performance.now();
    for (;;) {
      const loaded = requests.since(0).reduce((n, r) => n + r.items, 0);
      if (loaded >= SCROLL) break;
      await page.evaluate(() => new Promise((resolve) => { window.scrollBy(0, window.innerHeight); requestAnimationFrame(() => requestAnimationFrame(resolve)); }));
      if (performance.now() - scrollStart > 600_000) throw new Error(`scrolling: only ${loaded} photos after 10 min`);
    }
    await sleep(500);
    rows.push([`scroll through ${fmt(SCROLL)} photos`, `${fmt((performance.now() - scrollStart) / 1000, 1)} s`, String(await tilesInDom(page)), fmt((await heapBytes(cdp)) / 2 ** 20, 1), fmt(await longestSince(page, t0)), fmt(await shiftSince(page, t0), 3), summary(requests.since(mark))]);

    shifts = await largestShifts(page, 5);

    // 3. Jump by upload month, from the top; then by month taken within a date range.
    for (const [label, url, input, expected] of [
      [`jump to ${month} (uploaded)`, '/admin/library', 'Jump to month (upload date)', `Uploaded ${monthName}`],
      ['jump to 2018-06 (taken)', '/admin/library?from=2015-01-01', 'Jump to month (date taken)', 'Taken June 2018'],
    ] as const) {
      await page.goto(`${server.base}${url}`);
      await page.locator('ul.vgrid > li a').first().waitFor();
      await sleep(300);
      mark = requests.mark();
      await page.getByLabel(input).fill(label.includes('taken') ? '2018-06' : month);
      t0 = await pageNow(page);
      await page.getByRole('button', { name: 'Jump', exact: true }).click();
      const shown = await positionReads(page, expected);
      await sleep(300);
      rows.push([label, `${fmt(shown - t0)} ms to its tiles`, String(await tilesInDom(page)), fmt((await heapBytes(cdp)) / 2 ** 20, 1), fmt(await longestSince(page, t0)), fmt(await shiftSince(page, t0), 3), summary(requests.since(mark))]);
    }
  } finally {
    await browser.close();
  }

  console.log(table(['step', 'time', 'tiles in DOM', 'JS heap MiB', 'longest task ms', 'layout shift', 'list API requests'], rows));
  const sorted = [...dashboardMs].sort((a, b) => a - b);
  console.log(`dashboard /admin at ${fmt(IMAGES)} photos: median ${fmt(sorted[5] ?? 0)} ms, max ${fmt(sorted.at(-1) ?? 0)} ms over 10 loads (server render; counts from statistics past 10,000 per status, no count(*) over images)`);
  console.log('targets (issue 12, point 2): layout shift 0 (fixed-size cells, placeholders first), a bounded DOM (a few screens of tiles, whatever was loaded), the jump made with one request (no walk through newer pages), no count(*) over images per dashboard view; no figure in ms is given by the issue');
  if (shifts.length) console.log(`largest layout shifts (opening and scrolling):\n${shifts.map((s) => `  ${fmt(s.value, 4)} at ${fmt(s.at)} ms: ${s.what}`).join('\n')}`);
  const seq = plans.some((p) => /Seq Scan on images\b/.test(p));
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the jump queries${seq ? ' — !!! SEQ SCAN ON images' : ' — index scans, no sequential scan over images'}:`);
  for (const p of plans) console.log(p.replace(/^/gm, '    '), '\n');
  console.log(`load average ${load()}`);
  const out = writeReport('library-ui', { machine: machine(), images: IMAGES, scroll: SCROLL, rows, dashboardMs, plans });
  console.log(`  wrote ${out}`);
  return seq ? 1 : 0;
}

const summary = (list: { url: string; items: number }[]) => `${list.length} (${fmt(list.reduce((n, r) => n + r.items, 0))} photos${list.some((r) => r.url.includes('before=')) ? ', with before=' : ''})`;

await runBench('bench:library-ui', main, { cleanup: stopAll, onSignal: 'stopping the server and the browser' });

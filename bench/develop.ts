/*
 * Develop throughput bench (npx tsx bench/develop.ts). In one run it develops the same
 * generated 24 MP JPEGs twice, one image at a time both ways:
 *
 *   bare-sharp  developImage() in a loop in this process: the transforms and nothing else
 *   full-path   the production path: multipart POST /api/v1/admin/images (in-process Hono
 *               app) → local storage + PostgreSQL row + queued job → ONE `npm run worker`
 *               child (PREPROCESS_CONCURRENCY=1) claims, reads the original, develops,
 *               writes the variants and commits → polled until every image is `ready`
 *
 * Each path first develops BENCH_WARMUP (default 1) extra photo untimed, so both are
 * measured warm. It prints images/s for both, CPU time per image, where the full path's
 * extra time went, and the last line `ratio full-path/bare-sharp: <n>x`; writes
 * bench/out/develop.json. Speed is reported, never asserted: the exit code is non-zero
 * only if something failed (an image `failed`, a 10-minute timeout, the worker died…).
 *
 *   BENCH_IMAGES=6 TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/develop.ts
 *   BENCH_ORDER=full-first npx tsx bench/develop.ts   # the full path before the baseline
 *   BENCH_ROUNDS=3 npx tsx bench/develop.ts           # both paths 3 times, order alternating
 *
 * Then time to first thumbnail (bench/develop/first-thumbnail.ts): the same photos uploaded one
 * at a time to an `npm start` production server, p50/p95 from the upload's answer to the smallest
 * variant answering 200, beside the time to `ready` (when the previous order published it).
 *
 *   npx tsx bench/develop.ts first-thumbnail           # only that part (npm run bench:first-thumbnail)
 */
import os from 'node:os';
import sharp from 'sharp';
import { configureSharp } from '../server/images/sharp';
import { type BareRun, compareOutputs, runBareSharp } from './develop/bare-sharp';
import { runFirstThumbnail, stopFirstThumbnailServer, summarize, TTFT_POLL_MS, TTFT_TARGET_MS } from './develop/first-thumbnail';
import { cleanup, type FullRun, runFullPath } from './develop/full-path';
import { makePhoto, type Photo } from './develop/photos';
import { combine, cpuSecondsPerImage, type PhaseResult, resultTable } from './develop/results';
import { CORES, SETTINGS, TEST_DATABASE_URL } from './develop/settings';
import type { Breakdown, ImageTimeline } from './develop/timeline';
import { fmt } from './lib/format';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';
import { median, sum } from './lib/stats';

async function main(): Promise<number> {
  if (process.argv.includes('first-thumbnail')) return firstThumbnailMain();
  const code = await throughputMain();
  return code || firstThumbnailMain();
}

async function firstThumbnailMain(): Promise<number> {
  const load = os.loadavg().map((v) => v.toFixed(2));
  console.log(
    `\nbench:develop first thumbnail — ${SETTINGS.images} photos ${SETTINGS.width}×${SETTINGS.height} JPEG q${SETTINGS.jpegQuality} (+${SETTINGS.warmup} warm-up), one at a time to an idle ` +
      `\`npm start\` server (embedded database, default settings, LOG_LEVEL info); ${CORES} CPUs, Node ${process.version}; load average at start ${load.join(' / ')}`,
  );
  configureSharp(1, CORES);
  const photos: Photo[] = [];
  for (let i = 0; i < SETTINGS.images; i++) photos.push(await makePhoto(i));
  const warmups: Photo[] = [];
  for (let i = 0; i < SETTINGS.warmup; i++) warmups.push(await makePhoto(SETTINGS.images + i, `warmup-${String(i + 1).padStart(2, '0')}.jpg`));
  const run = await runFirstThumbnail(photos, warmups);
  console.log(`  server answering ${fmt(run.serverReadyMs / 1000, 1)} s after spawn (not timed); polling every ${TTFT_POLL_MS} ms`);
  console.log(`\n  photo            upload ms  first thumbnail ms  ready ms (= first thumbnail before)`);
  for (const r of run.photos) console.log(`  ${r.name.padEnd(15)}  ${fmt(r.uploadMs).padStart(9)}  ${fmt(r.firstThumbnailMs).padStart(18)}  ${fmt(r.readyMs).padStart(8)}`);
  const first = summarize(run.photos.map((r) => r.firstThumbnailMs));
  const ready = summarize(run.photos.map((r) => r.readyMs));
  const endLoad = os.loadavg().map((v) => v.toFixed(2));
  console.log(`\n  first thumbnail (${run.photos[0]?.thumbnailWidth ?? '?'} px, published first): p50 ${fmt(first.p50)} ms, p95 ${fmt(first.p95)} ms`);
  console.log(`  ready (all variants; the previous order published the thumbnail only then): p50 ${fmt(ready.p50)} ms, p95 ${fmt(ready.p95)} ms`);
  console.log(`  target: first thumbnail p50 < ${TTFT_TARGET_MS} ms on an idle server — ${first.p50 < TTFT_TARGET_MS ? 'met' : 'NOT met'} in this run; load average at end ${endLoad.join(' / ')}`);
  const report = {
    date: new Date().toISOString(),
    machine: { ...machine(), loadAverageAtStart: load, loadAverageAtEnd: endLoad },
    settings: { images: SETTINGS.images, warmup: SETTINGS.warmup, width: SETTINGS.width, height: SETTINGS.height, jpegQuality: SETTINGS.jpegQuality, pollMs: TTFT_POLL_MS, targetMs: TTFT_TARGET_MS },
    photos: run.photos,
    firstThumbnailMs: first,
    readyMs: ready,
    ratio: { 'ready/first-thumbnail p50': ready.p50 / first.p50 },
    ok: true,
  };
  console.log(`\nresults: ${writeReport('develop-first-thumbnail', report)}`);
  console.log(`ratio ready/first-thumbnail p50: ${(ready.p50 / first.p50).toFixed(1)}x`);
  return 0;
}

async function throughputMain(): Promise<number> {
  const load = os.loadavg().map((v) => v.toFixed(2));
  console.log(
    `bench:develop — ${SETTINGS.images} photos ${SETTINGS.width}×${SETTINGS.height} JPEG q${SETTINGS.jpegQuality}, one at a time, ${SETTINGS.rounds} round(s); ` +
      `${CORES} CPUs, Node ${process.version}, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}; load average at start ${load.join(' / ')}`,
  );

  // What startBackground does in both processes (the API's upload inspection uses sharp too).
  configureSharp(1, CORES);
  const genStarted = performance.now();
  const photos: Photo[] = [];
  for (let i = 0; i < SETTINGS.images; i++) photos.push(await makePhoto(i));
  const warmups: Photo[] = [];
  for (let i = 0; i < SETTINGS.warmup; i++) warmups.push(await makePhoto(SETTINGS.images + i, `warmup-${String(i + 1).padStart(2, '0')}.jpg`));
  if (new Set([...photos, ...warmups].map((p) => p.sha256)).size !== photos.length + warmups.length) throw new Error('two generated photos have the same sha256');
  const totalMb = sum(photos.map((p) => p.data.length)) / 1e6;
  console.log(`  generated ${photos.length} photos (+${warmups.length} warm-up), ${fmt(totalMb, 1)} MB (${fmt(totalMb / photos.length, 1)} MB each) in ${fmt((performance.now() - genStarted) / 1000, 1)} s (not timed)`);

  const bares: BareRun[] = [];
  const fulls: FullRun[] = [];
  const order: string[] = [];
  for (let round = 0; round < SETTINGS.rounds; round++) {
    // With several rounds the order alternates, so neither path always runs first.
    const baselineFirst = (SETTINGS.order === 'baseline-first') === (round % 2 === 0);
    const label = SETTINGS.rounds > 1 ? ` #${round + 1}` : '';
    for (const which of baselineFirst ? (['bare', 'full'] as const) : (['full', 'bare'] as const)) {
      if (which === 'bare') {
        console.log(`  bare-sharp${label}: developImage() in a loop in this process…`);
        bares.push(await runBareSharp(photos, warmups));
        order.push(`bare-sharp${label}`);
      } else {
        console.log(`  full-path${label}: upload → queue → storage → PostgreSQL, one worker child (PREPROCESS_CONCURRENCY=1)…`);
        fulls.push(await runFullPath(photos, warmups));
        order.push(`full-path${label}`);
        await cleanup(); // stop the worker, drop the database before anything else is measured
      }
    }
  }
  const bare = combine(bares);
  const full = combine(fulls);
  console.log(`  order: ${order.join(' → ')}; worker listening ${fulls.map((f) => fmt(f.workerReadyMs / 1000, 1)).join(', ')} s after spawn (not timed)`);
  if (warmups.length) {
    const list = (runs: { warmupMs: number[] }[]) => runs.map((r) => r.warmupMs.map((ms) => fmt(ms)).join('+')).join(', ');
    console.log(`  warm-up (not timed, ${warmups.length} photo): bare-sharp ${list(bares)} ms; full-path upload→ready ${list(fulls)} ms`);
  }

  const rows = [
    ...(SETTINGS.rounds > 1 ? [...bares.map((r, i) => ({ path: `bare-sharp #${i + 1}`, result: r })), ...fulls.map((r, i) => ({ path: `full-path #${i + 1}`, result: r }))] : []),
    { path: SETTINGS.rounds > 1 ? 'bare-sharp (all)' : 'bare-sharp', result: bare },
    { path: SETTINGS.rounds > 1 ? 'full-path (all)' : 'full-path', result: full },
  ];
  console.log(`\n${resultTable(rows)}`);

  const medianOf = (pick: (t: ImageTimeline) => number, i: number) => median(fulls.map((f) => (f.timeline[i] ? pick(f.timeline[i]) : Number.NaN)));
  const cores = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? 'n/a' : fmt(value, 2));
  console.log(
    `\n  per image${SETTINGS.rounds > 1 ? ' (median of rounds)' : ''}  bare develop ms  upload ms (full-path)  full job claim→finish ms  overhead ms  other cores bare / full`,
  );
  for (const [i, photo] of photos.entries()) {
    const b = bare.perImageMs[i] ?? Number.NaN;
    const run = full.perImageMs[i] ?? Number.NaN;
    const up = medianOf((t) => t.uploadMs, i);
    const overhead = `${run - b >= 0 ? '+' : ''}${fmt(run - b)}`;
    const others = `${cores(bare.perImageOtherCores[i])} / ${cores(full.perImageOtherCores[i])}`;
    console.log(`  ${photo.name.padEnd(15)}  ${fmt(b).padStart(15)}  ${fmt(up).padStart(20)}  ${fmt(run).padStart(24)}  ${overhead.padStart(11)}  ${others.padStart(23)}`);
  }
  const br = (key: keyof Breakdown) => sum(fulls.map((f) => f.breakdown[key]));
  const fullMs = full.seconds * 1000;
  const line = (title: string, ms: number, extra = '') => console.log(`    ${title.padEnd(31)}${fmt(ms).padStart(7)} ms  ${`${fmt((100 * ms) / fullMs, 1)}%`.padStart(6)}${extra}`);
  console.log(`\n  where the full path's ${fmt(full.seconds, 2)} s went (bare-sharp loop: ${fmt(bare.seconds, 2)} s):`);
  line('first upload → first claim', br('startMs'));
  line('jobs running (claim→finish)', br('runMs'), `  (Σ bare develop ${fmt(sum(bares.map((b) => sum(b.perImageMs))))} ms)`);
  line('worker waiting for an upload', br('waitingForUploadMs'));
  line('finish → next claim', br('claimGapMs'));
  line('last finish → seen ready', br('tailMs'), `  (poll every ${SETTINGS.pollMs} ms)`);
  console.log(`    all uploads answered after ${fulls.map((f) => fmt(f.uploadsDoneMs)).join(', ')} ms (overlapping the jobs)`);
  if (full.cpu && bare.cpu) {
    const perImage = (cores: number) => fmt((cores * fullMs) / full.images);
    const uploadsCpu = sum(fulls.map((f) => f.uploadsBenchCpuMs));
    const benchCpu = sum(fulls.map((f) => f.benchCpuMs));
    console.log(
      `\n  CPU per image (ms): bare-sharp ${fmt(cpuSecondsPerImage(bare) * 1000)}; full-path ${fmt(cpuSecondsPerImage(full) * 1000)} = ` +
        `worker ${perImage(full.cpu.worker)} + API process ${perImage(full.cpu.bench)} (uploads ${fmt(uploadsCpu / full.images)}, ` +
        `polling ${fmt((benchCpu - uploadsCpu) / full.images)}) + PostgreSQL ${perImage(full.cpu.postgres)}`,
    );
  }

  const notes = [...new Set(fulls.flatMap((f) => compareOutputs(photos, bares[0]?.signatures ?? [], f.items).notes))];
  console.log(
    notes.length === 0
      ? '\n  output: identical both ways (sizes, variants and their byte counts, placeholder, dominant colour)'
      : `\n  output differs between the two paths:\n    ${notes.join('\n    ')}`,
  );
  const retried = fulls.flatMap((f) => f.timeline.filter((t) => t.attempts > 1));
  if (retried.length) console.log(`  note: retried jobs (timings include the retry): ${retried.map((t) => `${t.name} ×${t.attempts}`).join(', ')}`);

  const others = [...bares, ...fulls].map((r) => r.cpu?.other ?? 0);
  const busy = Math.max(...others) > 0.25;
  const machineNote = !bare.cpu
    ? 'machine: CPU use not measured (no /proc)'
    : busy
      ? `machine: BUSY — other processes used ${fmt(bare.cpu.other, 2)} (bare-sharp) and ${fmt(full.cpu?.other ?? Number.NaN, 2)} (full-path) of ${CORES} cores on average ` +
        `(${fmt(Math.min(...others), 2)}–${fmt(Math.max(...others), 2)} per run); wall-clock numbers are noisy, re-run on a quiet machine before quoting them`
      : `machine: quiet — other processes used at most ${fmt(Math.max(...others), 2)} of ${CORES} cores on average`;
  console.log(`  ${machineNote}`);

  const ratio = full.imagesPerSecond / bare.imagesPerSecond;
  const cpuRatio = cpuSecondsPerImage(bare) / cpuSecondsPerImage(full);
  if (Number.isFinite(cpuRatio)) console.log(`  ratio by CPU time per image, bare-sharp/full-path (less sensitive to a busy machine): ${cpuRatio.toFixed(2)}x`);
  const summary = (r: PhaseResult) => ({
    seconds: r.seconds,
    images: r.images,
    imagesPerSecond: r.imagesPerSecond,
    perImageMs: r.perImageMs,
    perImageOtherCores: r.perImageOtherCores,
    cpuCores: r.cpu, cpuSecondsPerImage: cpuSecondsPerImage(r) });
  const report = {
    date: new Date().toISOString(),
    machine: { ...machine(), loadAverageAtStart: os.loadavg(), busy, note: machineNote },
    settings: { ...SETTINGS, sharp: sharp.versions.sharp, vips: sharp.versions.vips, testDatabaseUrl: TEST_DATABASE_URL.replace(/\/\/[^@/]*@/, '//…@') },
    photos: [...photos, ...warmups].map((p) => ({ name: p.name, bytes: p.data.length, sha256: p.sha256 })),
    order,
    results: { 'bare-sharp': summary(bare), 'full-path': summary(full) },
    runs: {
      'bare-sharp': bares.map((b) => ({ ...summary(b), warmupMs: b.warmupMs })),
      'full-path': fulls.map((f) => ({
        ...summary(f),
        workerReadyMs: f.workerReadyMs,
        warmupMs: f.warmupMs,
        uploadsDoneMs: f.uploadsDoneMs,
        apiProcessCpuMs: { uploads: f.uploadsBenchCpuMs, total: f.benchCpuMs },
        breakdownMs: f.breakdown,
        timelineMs: f.timeline,
      })),
    },
    outputIdentical: notes.length === 0,
    outputNotes: notes,
    ratio: { 'full-path/bare-sharp': ratio, 'cpu-per-image bare-sharp/full-path': Number.isFinite(cpuRatio) ? cpuRatio : null },
    ok: true,
  };
  console.log(`\nresults: ${writeReport('develop', report)}`);
  console.log(`ratio full-path/bare-sharp: ${ratio.toFixed(2)}x`);
  return 0;
}

await runBench('bench:develop', main, {
  cleanup: () => Promise.all([cleanup(), stopFirstThumbnailServer()]).then(() => undefined),
  onSignal: 'stopping the worker and the server, dropping the bench database',
  stack: true,
});

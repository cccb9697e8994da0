/*
 * Upload bench (npm run bench:upload): one production server (`npm start`, PGlite, developing
 * switched off so only receiving is measured), one batch of BENCH_UPLOAD_FILES valid JPEGs of
 * BENCH_UPLOAD_MB MiB each (default 16 × 64 MiB = 1 GiB), sent twice in the same run:
 *
 *   multipart  POST /api/v1/admin/images, one file per request
 *   tus        /api/v1/admin/uploads with tus-js-client, chunks of the server's UPLOAD_CHUNK_BYTES (default)
 *
 * BENCH_UPLOAD_PARALLEL files in flight for both (default 3, as the upload page). The padding is
 * renewed between the halves, so both store every file. Prints MB/s of each, tus/multipart
 * (target ≥ 0.8x), and the server's RSS sampled every 200 ms (idle, median, peak, peak over idle:
 * flat means receiving does not grow with file size; try BENCH_UPLOAD_FILES=4 BENCH_UPLOAD_MB=256); writes
 * bench/out/upload.json. Speed is reported, never asserted; the exit code is non-zero only if
 * an upload failed or the library does not hold 2 × FILES images at the end.
 */
import fs from 'node:fs';
import { Upload } from 'tus-js-client';
import { ensureNextBuild } from './api/servers';
import { integerFromEnv, positiveIntegerFromEnv } from './lib/env';
import { fmt, fmtRatioOrNa, table } from './lib/format';
import { makeTempDir, removeTempDirs, sleep, stopProcessGroups } from './lib/process';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';
import { median } from './lib/stats';
import { renewNonces, writeBatch } from './upload/files';
import { sampleRss, type Server, serverRss, startServer } from './upload/server';

const MiB = 1024 * 1024;
const SETTINGS = {
  files: positiveIntegerFromEnv('BENCH_UPLOAD_FILES', 16),
  fileMiB: positiveIntegerFromEnv('BENCH_UPLOAD_MB', 64),
  parallel: integerFromEnv('BENCH_UPLOAD_PARALLEL', 3, 1, 16),
  rssSampleMs: 200,
} as const;
let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= stopProcessGroups().then(removeTempDirs);
  return stopping;
}

/** Runs `send` for every file, `parallel` at a time. */
async function pool(files: string[], send: (file: string) => Promise<void>) {
  const queue = [...files];
  await Promise.all(
    Array.from({ length: SETTINGS.parallel }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) await send(file);
    }),
  );
}

async function sendMultipart(server: Server, file: string) {
  const form = new FormData();
  form.append('files', await fs.openAsBlob(file, { type: 'image/jpeg' }), file.split('/').pop());
  const res = await fetch(`${server.base}/api/v1/admin/images`, { method: 'POST', headers: { cookie: server.cookie, origin: server.base }, body: form });
  if (res.status !== 202) throw new Error(`multipart ${file}: ${res.status} ${await res.text()}`);
}

/** The server's tus chunk size (UPLOAD_CHUNK_BYTES), or undefined when it has no tus endpoint. */
async function tusChunkBytes(server: Server): Promise<number | undefined> {
  const res = await fetch(`${server.base}/api/v1/admin/uploads/config`, { headers: { cookie: server.cookie } });
  if (!res.ok) return undefined;
  return ((await res.json()) as { chunkBytes: number }).chunkBytes;
}

function sendTus(server: Server, file: string, chunkSize: number) {
  return new Promise<void>((resolve, reject) => {
    const upload = new Upload(fs.createReadStream(file), {
      endpoint: `${server.base}/api/v1/admin/uploads`,
      chunkSize,
      uploadSize: fs.statSync(file).size,
      metadata: { filename: file.split('/').pop() ?? 'photo.jpg', filetype: 'image/jpeg' },
      headers: { cookie: server.cookie, origin: server.base },
      retryDelays: [],
      onError: reject,
      onSuccess: () => resolve(),
    });
    upload.start();
  });
}

interface Phase {
  path: 'multipart' | 'tus';
  seconds: number;
  mbPerSecond: number;
  rssMedianMiB: number;
  rssPeakMiB: number;
}

async function measure(server: Server, path: Phase['path'], files: string[], send: (file: string) => Promise<void>): Promise<Phase> {
  const stop = sampleRss(server.proc, SETTINGS.rssSampleMs);
  const started = performance.now();
  await pool(files, send);
  const seconds = (performance.now() - started) / 1000;
  const samples = await stop();
  const bytes = files.reduce((total, file) => total + fs.statSync(file).size, 0);
  return { path, seconds, mbPerSecond: bytes / 1e6 / seconds, rssMedianMiB: median(samples) / MiB, rssPeakMiB: Math.max(...samples) / MiB };
}

async function main(): Promise<number> {
  const totalMiB = SETTINGS.files * SETTINGS.fileMiB;
  console.log(`Upload bench: ${SETTINGS.files} × ${SETTINGS.fileMiB} MiB JPEGs (${fmt(totalMiB)} MiB), ${SETTINGS.parallel} in flight, one production server on PGlite`);
  ensureNextBuild();
  const dir = makeTempDir('darkroom-bench-upload-files-');
  const files = await writeBatch(dir, SETTINGS.files, SETTINGS.fileMiB * MiB);
  const server = await startServer({ UPLOAD_MAX_BYTES: String((SETTINGS.fileMiB + 1) * MiB) });
  await sleep(2_000); // let startup settle before the idle sample
  const idleMiB = (await serverRss(server.proc)) / MiB;

  const phases: Phase[] = [];
  renewNonces(files, 1);
  phases.push(await measure(server, 'multipart', files, (file) => sendMultipart(server, file)));
  // The server's default: the bench unsets UPLOAD_CHUNK_BYTES.
  const chunkSize = await tusChunkBytes(server);
  if (chunkSize) {
    renewNonces(files, 2);
    phases.push(await measure(server, 'tus', files, (file) => sendTus(server, file, chunkSize)));
  } else {
    console.log('  tus: the server has no GET /api/v1/admin/uploads/config; skipped');
  }

  const list = await fetch(`${server.base}/api/v1/admin/images?limit=100&status=pending`, { headers: { cookie: server.cookie } });
  const stored = ((await list.json()) as { items: unknown[] }).items.length;
  const expected = Math.min(100, SETTINGS.files * phases.length);

  const ratio = phases.length === 2 ? (phases[1]?.mbPerSecond ?? 0) / (phases[0]?.mbPerSecond ?? 1) : Number.NaN;
  console.log(
    table(
      ['path', 'seconds', 'MB/s', 'RSS median MiB', 'RSS peak MiB', 'peak − idle MiB'],
      phases.map((p) => [p.path, fmt(p.seconds, 1), fmt(p.mbPerSecond, 1), fmt(p.rssMedianMiB), fmt(p.rssPeakMiB), fmt(p.rssPeakMiB - idleMiB)]),
    ),
  );
  if (chunkSize) console.log(`  tus chunks of ${fmt(chunkSize / MiB)} MiB (UPLOAD_CHUNK_BYTES default)`);
  console.log(`  server RSS idle ${fmt(idleMiB)} MiB; images stored ${stored} of ${expected}`);
  console.log(`tus/multipart: ${fmtRatioOrNa(ratio)} (target ≥ 0.8x)`);
  const out = writeReport('upload', { machine: machine(), settings: { ...SETTINGS, chunkBytes: chunkSize }, idleRssMiB: idleMiB, phases, ratio, stored, expected });
  console.log(`  wrote ${out}`);
  return stored === expected ? 0 : 1;
}

await runBench('bench:upload', main, { cleanup: stopAll, onSignal: 'stopping the server and removing the batch' });

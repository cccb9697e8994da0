/*
 * Develop memory bench (npm run bench:develop-memory): the peak RSS of a process developing
 * the largest photo Darkroom accepts at its DEFAULT settings, PREPROCESS_CONCURRENCY copies at once.
 *
 *   1. reads the defaults (loadConfig with an empty environment): UPLOAD_MAX_PIXELS,
 *      UPLOAD_MAX_BYTES and PREPROCESS_CONCURRENCY (= this machine's CPU count);
 *   2. generates the largest 3:2 photo within the pixel cap (untimed, in this process) into
 *      a temp local storage, and checks it is within the byte cap;
 *   3. spawns a child (bench/develop-memory/child.ts) that reads it from storage and develops
 *      it `copies` times at once with developImage(), exactly as that many jobs would;
 *   4. prints the child's idle RSS, its peak RSS (the kernel's maxRSS) and the difference;
 *      writes bench/out/develop-memory.json. The last line is `peak RSS: <n> MB`.
 *
 *   BENCH_MEMORY_FORMAT=png npx tsx bench/develop-memory.ts   # jpeg (default) | png | tiff
 *   BENCH_MEMORY_COPIES=1 npx tsx bench/develop-memory.ts     # one job instead of the default concurrency
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../server/config';
import { originalKey } from '../server/images/keys';
import { FORMATS, type Format, largestSize, writeLargestPhoto } from './develop-memory/photo';
import { integerFromEnv } from './lib/env';
import { fmt } from './lib/format';
import { makeTempDir, ProcessGroup, removeTempDirs, stopProcessGroups, TSX_CLI } from './lib/process';
import { machine, writeReport } from './lib/report';
import { runBench } from './lib/run';

const MB = 1024 * 1024;

function formatFromEnv(): Format {
  const raw = process.env.BENCH_MEMORY_FORMAT || 'jpeg';
  if (!(FORMATS as readonly string[]).includes(raw)) throw new Error(`BENCH_MEMORY_FORMAT must be one of ${FORMATS.join(', ')} (got "${raw}")`);
  return raw as Format;
}

async function main(): Promise<number> {
  const defaults = loadConfig({});
  const format = formatFromEnv();
  const copies = integerFromEnv('BENCH_MEMORY_COPIES', defaults.preprocess.concurrency, 1, 256);
  const size = largestSize(defaults.upload.maxPixels, format);
  console.log(
    `bench:develop-memory — defaults: UPLOAD_MAX_PIXELS=${defaults.upload.maxPixels}, UPLOAD_MAX_BYTES=${defaults.upload.maxBytes}, ` +
      `PREPROCESS_CONCURRENCY=${defaults.preprocess.concurrency} (CPU count); developing ${copies} cop${copies === 1 ? 'y' : 'ies'} at once; ` +
      `sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}`,
  );

  const root = makeTempDir('darkroom-bench-memory-');
  const ext = format === 'jpeg' ? 'jpg' : format === 'tiff' ? 'tif' : format;
  const key = originalKey('00000000-0000-4000-8000-000000000000', ext);
  const file = path.join(root, key);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const genStarted = performance.now();
  const bytes = await writeLargestPhoto(file, size, format);
  console.log(
    `  generated ${size.width}×${size.height} ${format} (${fmt((size.width * size.height) / 1e6, 1)} MP, ${fmt(bytes / MB, 1)} MB) in ${fmt((performance.now() - genStarted) / 1000, 1)} s (not measured)`,
  );
  if (bytes > defaults.upload.maxBytes) throw new Error(`the generated photo (${bytes} bytes) is over UPLOAD_MAX_BYTES; it would not be accepted`);

  const child = new ProcessGroup([TSX_CLI, 'bench/develop-memory/child.ts', root, key, String(copies), String(defaults.upload.maxPixels)], {
    ...process.env,
    NODE_ENV: 'production',
  });
  await child.exited;
  if (child.exit?.code !== 0) throw new Error(`the measuring child failed (exit ${child.exit?.code ?? child.exit?.signal})\n${child.stderr}\n${child.stdout}`);
  const line = child.stdout.toString().trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(line) as { idleRssBytes: number; peakRssBytes: number; seconds: number; developed: { width: number; height: number; variants: number }[] };
  const mb = (n: number) => `${fmt(n / MB)} MB`;
  console.log(`  developed ${result.developed.length} × ${result.developed[0]?.width}×${result.developed[0]?.height} → ${result.developed[0]?.variants} variants each in ${fmt(result.seconds, 1)} s`);
  console.log(`  child RSS: idle ${mb(result.idleRssBytes)}, peak ${mb(result.peakRssBytes)}, develop added ${mb(result.peakRssBytes - result.idleRssBytes)} (${mb((result.peakRssBytes - result.idleRssBytes) / copies)} per job)`);
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: { format, copies, width: size.width, height: size.height, bytes, maxPixels: defaults.upload.maxPixels, maxBytes: defaults.upload.maxBytes, sharp: sharp.versions.sharp, vips: sharp.versions.vips },
    result,
  };
  console.log(`\nresults: ${writeReport('develop-memory', report)}`);
  console.log(`peak RSS: ${fmt(result.peakRssBytes / MB)} MB`);
  return 0;
}

await runBench('bench:develop-memory', main, {
  cleanup: async () => {
    await stopProcessGroups();
    removeTempDirs();
  },
  onSignal: 'stopping the child, removing the temp dir',
  stack: true,
});

/*
 * Compiles the two entry points (npm start, npm run worker) to plain JavaScript in dist/ with
 * esbuild, so they run on node alone: a TypeScript loader at run time costs ~100 MB per process.
 * Runs on node's own type stripping (`node server/boot/build-server.ts`), before anything is built.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const ENTRIES = { main: 'server/boot/main.ts', worker: 'server/boot/worker.ts' } as const;
const OUT_DIR = 'dist/server';

const result = await build({
  entryPoints: ENTRIES,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Dependencies load from node_modules as they are: native and WASM packages, and the same
  // module instances Next's server code uses in this process.
  packages: 'external',
  // Each `await import()` becomes a chunk of its own, loaded when it runs: what only one entry or
  // one configuration needs (users/ with better-auth's crypto in the worker, PGlite on PostgreSQL)
  // is not imported by the others. Without splitting, esbuild hoists those packages' imports to
  // the entry's top. Chunks are named by content hash, so replicas building at once agree.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  write: false,
  outdir: OUT_DIR,
  logLevel: 'warning',
});

// Each file is written beside its target and renamed over it: a process starting at the same
// time (a second replica on this checkout) reads either the old file or the new one, never half.
for (const file of result.outputFiles) {
  fs.mkdirSync(path.dirname(file.path), { recursive: true });
  const temp = `${file.path}.${process.pid}.tmp`;
  fs.writeFileSync(temp, file.contents);
  fs.renameSync(temp, file.path);
}

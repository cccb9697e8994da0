import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../log';

/** `npm start` on a fresh checkout: build the admin UI once if no build exists. */
export function ensureNextBuild(dir: string, log: Logger): void {
  if (fs.existsSync(path.join(dir, '.next', 'BUILD_ID'))) return;
  log.info('no production build found; running `next build` once (takes a minute or two)');
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: dir, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`next build failed (exit ${result.status ?? result.signal}); fix the error above, then run npm start again`);
  }
}

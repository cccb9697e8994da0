import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../log';

type Spawn = (command: string, args: string[], options: SpawnSyncOptions) => { status: number | null; signal: NodeJS.Signals | null };

/** A self-hosted photo library does not phone home: the build runs with Next's telemetry off. */
export function nextBuildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, NEXT_TELEMETRY_DISABLED: '1' };
}

/** `npm start` on a fresh checkout: build the admin UI once if no build exists. */
export function ensureNextBuild(dir: string, log: Logger, spawn: Spawn = spawnSync): void {
  if (fs.existsSync(path.join(dir, '.next', 'BUILD_ID'))) return;
  log.info('no production build found; running `next build` once (takes a minute or two)');
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const result = spawn(process.execPath, [nextBin, 'build'], { cwd: dir, stdio: 'inherit', env: nextBuildEnv() });
  if (result.status !== 0) {
    throw new Error(`next build failed (exit ${result.status ?? result.signal}); fix the error above, then run npm start again`);
  }
}

/** What bench/develop.ts measures; BENCH_* from the environment. */
import os from 'node:os';
import { integerFromEnv } from '../lib/env';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

function orderFromEnv(): 'baseline-first' | 'full-first' {
  const raw = process.env.BENCH_ORDER || 'baseline-first';
  if (raw !== 'baseline-first' && raw !== 'full-first') throw new Error(`BENCH_ORDER must be baseline-first or full-first (got "${raw}")`);
  return raw;
}

export const SETTINGS = {
  images: integerFromEnv('BENCH_IMAGES', 6),
  width: 6000,
  height: 4000,
  jpegQuality: 90,
  /** The full path's UPLOAD_MAX_PIXELS, so both paths call developImage with the same limit. */
  maxPixels: 200_000_000,
  order: orderFromEnv(),
  /** Both paths per round; the order alternates between rounds. */
  rounds: integerFromEnv('BENCH_ROUNDS', 1),
  /** Extra photos each path develops first, untimed: both then measure warm, like a long-running worker. */
  warmup: integerFromEnv('BENCH_WARMUP', 1, 0),
  pollMs: 100,
  timeoutMs: 10 * 60_000,
  workerStartTimeoutMs: 120_000,
  leaseSeconds: 60,
} as const;
export const CORES = os.availableParallelism();

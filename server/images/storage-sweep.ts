import fs from 'node:fs/promises';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import type { Config } from '../config';
import { schema } from '../db';
import { type ClusterDuty, isDue } from '../queue';
import { assertKey, type StoredEntry } from '../storage';
import type { ImagesContext } from './context';
import { imageIdOfOriginal, ORIGINALS, VARIANTS } from './keys';

const { images, imageVariants } = schema;

export type StorageSweepMode = 'dry-run' | 'delete' | 'off';

export interface StorageSweepOptions {
  mode: StorageSweepMode;
  intervalMs: number;
  /** Nothing younger is touched: the longest lease plus a margin, so no attempt still running owns it. */
  minAgeMs: number;
  /** This replica's upload temp files (DATA_DIR/tmp). */
  tmpDir: string;
  /** Temp files younger than this are uploads in progress. */
  tmpMinAgeMs: number;
}

/** What one area of one sweep found; `sample` names a few keys for the log. */
export interface SweepFindings {
  scanned: number;
  orphans: number;
  bytes: number;
  removed: number;
  sample: string[];
}

/** From the config: a lease plus a quarter hour protects what a running attempt wrote (and clock skew of S3). */
export const storageSweepOptions = (config: Config): StorageSweepOptions => ({
  ...config.storage.sweep,
  minAgeMs: config.preprocess.leaseMs + 15 * 60_000,
  tmpDir: path.join(config.dataDir, 'tmp'),
  tmpMinAgeMs: 24 * 60 * 60_000,
});

const BATCH = 500;
const SAMPLE = 5;
const fresh = (): SweepFindings => ({ scanned: 0, orphans: 0, bytes: 0, removed: 0, sample: [] });

/** Which of these keys some row references: originals by images.original_key, variants by image_variants.key. */
async function referencedKeys(ctx: ImagesContext, prefix: string, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  // originals/<image id>/…: looked up by primary key (original_key has no index of its own).
  const rows =
    prefix === ORIGINALS
      ? await ctx.db
          .select({ key: images.originalKey })
          .from(images)
          .where(inArray(images.id, [...new Set(keys.map(imageIdOfOriginal))]))
      : await ctx.db.select({ key: imageVariants.key }).from(imageVariants).where(inArray(imageVariants.key, keys));
  return new Set(rows.map((r) => r.key));
}

async function settle(findings: SweepFindings, orphans: { key: string; bytes: number }[], remove: ((key: string) => Promise<void>) | undefined) {
  for (const orphan of orphans) {
    findings.orphans++;
    findings.bytes += orphan.bytes;
    if (findings.sample.length < SAMPLE) findings.sample.push(orphan.key);
    if (!remove) continue;
    try {
      await remove(orphan.key);
      findings.removed++;
    } catch {
      // Counted as not removed; the next sweep tries again.
    }
  }
}

async function sweepPrefix(ctx: ImagesContext, prefix: string, options: StorageSweepOptions, cutoff: number): Promise<SweepFindings> {
  const findings = fresh();
  const remove = options.mode === 'delete' ? (key: string) => ctx.storage.delete(key) : undefined;
  let batch: StoredEntry[] = [];
  const flush = async () => {
    // Asked right before removing: a key referenced by then is kept.
    const referenced = await referencedKeys(ctx, prefix, batch.map((e) => e.key));
    await settle(findings, batch.filter((e) => !referenced.has(e.key)), remove);
    batch = [];
  };
  for await (const entry of ctx.storage.list(prefix)) {
    findings.scanned++;
    if (entry.lastModified.getTime() > cutoff) continue;
    try {
      assertKey(entry.key);
    } catch {
      continue; // not a name Darkroom writes: someone else's file, left alone
    }
    batch.push(entry);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return findings;
}

async function sweepTemp(options: StorageSweepOptions, now: number): Promise<SweepFindings> {
  const findings = fresh();
  const entries = await fs.readdir(options.tmpDir, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const stale: { key: string; bytes: number }[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    findings.scanned++;
    const file = path.join(entry.parentPath, entry.name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat && stat.mtimeMs < now - options.tmpMinAgeMs) stale.push({ key: path.relative(options.tmpDir, file), bytes: stat.size });
  }
  await settle(findings, stale, options.mode === 'delete' ? (key) => fs.rm(path.join(options.tmpDir, key), { force: true }) : undefined);
  return findings;
}

/**
 * Finds files no row references (originals/, variants/, stale upload temp files) older than
 * the minimum age, and removes them in `delete` mode; `dry-run` only logs what it would remove.
 */
export async function sweepStorage(ctx: ImagesContext, options: StorageSweepOptions, now = Date.now()) {
  const cutoff = now - options.minAgeMs;
  const areas = {
    originals: await sweepPrefix(ctx, ORIGINALS, options, cutoff),
    variants: await sweepPrefix(ctx, VARIANTS, options, cutoff),
    temp: await sweepTemp(options, now),
  };
  for (const [area, found] of Object.entries(areas)) {
    if (!found.orphans) continue;
    const fields = { mode: options.mode, area, files: found.orphans, bytes: found.bytes, sample: found.sample };
    if (options.mode === 'dry-run') ctx.log.info(fields, 'storage sweep (dry run): would remove files no row references; set STORAGE_SWEEP_MODE=delete to remove them');
    else ctx.log.info({ ...fields, removed: found.removed }, 'storage sweep removed files no row references');
  }
  return areas;
}

/**
 * The sweep as a cluster duty: under the lock one replica per interval decides to sweep; the
 * listing runs after the lock's transaction, in the background (a large bucket takes minutes and
 * must not hold up the tick), one sweep at a time per process. `running` is that sweep.
 */
export function storageSweepDuty(ctx: ImagesContext, options: StorageSweepOptions): ClusterDuty & { running?: Promise<void> } {
  const duty: ClusterDuty & { running?: Promise<void> } = async (tx) => {
    if (options.mode === 'off' || duty.running || !(await isDue(tx, 'storage', options.intervalMs))) return;
    return async () => {
      duty.running = sweepStorage(ctx, options)
        .then(() => undefined)
        .catch((error: unknown) => ctx.log.warn({ err: error }, 'storage sweep stopped early; the next one starts over'))
        .finally(() => {
          duty.running = undefined;
        });
    };
  };
  return duty;
}

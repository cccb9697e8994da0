import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Config } from '../config';
import type { Logger } from '../log';

/**
 * DATA_DIR holds the embedded database (its WAL carries live session tokens), the signing
 * secret and the worker identity: it is this replica's alone. Files Darkroom creates are
 * 0640 and directories 0750 (umask 027), so a shared STORAGE_LOCAL_DIR stays readable to a
 * backup or web-server group; DATA_DIR itself is 0700, so nothing inside it is reachable.
 */
export const UMASK = 0o027;
/** What an existing entry of DATA_DIR loses at startup: group write and all access for others. */
const LOOSE = 0o027;

interface Walk {
  changed: number;
  failed: string[];
  /** Local photo storage inside DATA_DIR: photos are many, so it is walked only when its top is loose. */
  storage?: string;
  /** A shared STORAGE_LOCAL_DIR mounted inside DATA_DIR: the operator's volume, left as it is. */
  skip?: string;
}

function tighten(file: string, mode: number, strip: number, walk: Walk): void {
  if (!(mode & strip)) return;
  try {
    fs.chmodSync(file, mode & 0o7777 & ~strip);
    walk.changed++;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') walk.failed.push(file);
  }
}

// Synchronous on purpose: it runs before anything else, and is ~8x faster than fs.promises here.
function tightenTree(dir: string, walk: Walk): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') walk.failed.push(dir);
    return;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    // chmod follows links: a link in DATA_DIR must never change a file outside it.
    if (entry.isSymbolicLink() || file === walk.skip) continue;
    let mode: number;
    try {
      mode = fs.lstatSync(file).mode;
    } catch {
      continue;
    }
    tighten(file, mode, LOOSE, walk);
    // A tight photo root means an install already tightened (or created) under this umask.
    if (entry.isDirectory() && !(file === walk.storage && !(mode & LOOSE))) tightenTree(file, walk);
  }
}

/**
 * The first startup step of every entry (npm start, npm run worker, the Next mount): the
 * umask for everything this process writes, DATA_DIR created 0700, and an existing install
 * tightened (an older Darkroom left the embedded database's files world-writable).
 */
export function secureDataDir(config: Pick<Config, 'dataDir' | 'storage'>, log: Logger): { changed: number } {
  // Worker threads share the process umask and may not set it.
  if (isMainThread) process.umask(UMASK);
  const { dataDir, storage } = config;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const local = storage.driver === 'local' ? storage.localDir : undefined;
  const walk: Walk = { changed: 0, failed: [], ...(storage.shared ? { skip: local } : { storage: local }) };
  tighten(dataDir, fs.statSync(dataDir).mode, 0o077, walk);
  tightenTree(dataDir, walk);
  if (walk.changed) {
    log.warn(
      { dataDir, changed: walk.changed },
      `tightened the permissions of ${walk.changed} entries in DATA_DIR: other users had access to them (DATA_DIR is now 0700, nothing in it is group-writable)`,
    );
  }
  if (walk.failed.length) {
    log.warn({ dataDir, files: walk.failed.slice(0, 10), count: walk.failed.length }, 'could not tighten the permissions of some entries in DATA_DIR (owned by another user?); fix them with chmod');
  }
  return { changed: walk.changed };
}

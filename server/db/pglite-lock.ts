import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The embedded database belongs to one process; a second one on the same DATA_DIR must refuse. */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>.lock`; a lock left by a dead process on this host is taken over. Returns the release function. */
export function lockPgliteDir(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid, hostname: os.hostname() }), { flag: 'wx' });
      return () => fs.rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockPath);
      if (holder && holder.hostname === os.hostname() && !isAlive(holder.pid)) {
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      throw new DatabaseLockedError(
        `The embedded database in ${dir} is in use by another process` +
          (holder ? ` (pid ${holder.pid} on ${holder.hostname})` : '') +
          '. Only one Darkroom process may use an embedded database; stop the other one, ' +
          `or set DATABASE_URL to a PostgreSQL server to run several. Remove ${lockPath} only if that process is gone.`,
      );
    }
  }
  throw new DatabaseLockedError(`Could not lock the embedded database in ${dir}`);
}

function readHolder(lockPath: string): { pid: number; hostname: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'pid' in parsed && 'hostname' in parsed) {
      return { pid: Number(parsed.pid), hostname: String(parsed.hostname) };
    }
  } catch {
    // An unreadable lock file is treated as held: refusing is the safe answer.
  }
  return undefined;
}

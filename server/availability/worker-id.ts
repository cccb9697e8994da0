import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * This instance's worker id, kept in DATA_DIR so a restart is the same worker, not a
 * second one (the replica guard counts only other identities).
 */
export function workerIdentity(dataDir: string): string {
  const file = path.join(dataDir, 'worker-id');
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    if (/^[a-z0-9-]{8,64}$/.test(id)) return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const host = os.hostname().toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 24) || 'host';
  const id = `${host}-${crypto.randomUUID().slice(0, 8)}`;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${id}\n`);
  return id;
}

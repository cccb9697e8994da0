import fs from 'node:fs';
import path from 'node:path';
import { writeFileOnce } from '../data-dir/write-once';

/**
 * A file at the top of STORAGE_LOCAL_DIR naming the volume it is on. Replicas that declare
 * STORAGE_SHARED=true must all see the same one; sweeps of orphaned files leave it alone.
 */
export const VOLUME_MARKER = '.darkroom-volume';

/** The volume id in `dir`, "unreadable" for a damaged marker, undefined when there is none. */
export function readVolumeMarker(dir: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, VOLUME_MARKER), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'id' in parsed && typeof parsed.id === 'string') return parsed.id;
  } catch {
    // reported below as unreadable
  }
  return 'unreadable';
}

/** The volume id in `dir`, created once; written aside and linked, so replicas racing on one volume agree. */
export function ensureVolumeMarker(dir: string): string {
  const existing = readVolumeMarker(dir);
  if (existing) return existing;
  fs.mkdirSync(dir, { recursive: true });
  const id = crypto.randomUUID();
  writeFileOnce(path.join(dir, VOLUME_MARKER), `${JSON.stringify({ id, createdAt: new Date().toISOString() })}\n`, 0o640);
  return readVolumeMarker(dir) ?? id;
}

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config';
import { type Database, schema } from '../db';
import { ensureVolumeMarker, readVolumeMarker, VOLUME_MARKER } from '../storage';
import { ReplicaGuardError } from './errors';

const { settings } = schema;
/** The settings row naming the shared volume: its marker id, and who saw it first, where. */
export const VOLUME_SETTING = 'storage:volume';

const volumeRecord = z.object({ id: z.string(), path: z.string(), workerId: z.string(), hostname: z.string() });
type VolumeRecord = z.infer<typeof volumeRecord>;

async function recorded(db: Database): Promise<VolumeRecord | undefined> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, VOLUME_SETTING));
  const parsed = volumeRecord.safeParse(row?.value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * STORAGE_SHARED=true is a promise that every replica's STORAGE_LOCAL_DIR is one volume.
 * The first replica leaves a marker file on it and records its id in PostgreSQL; a
 * replica that does not find that marker in its own STORAGE_LOCAL_DIR refuses to start
 * (else photos uploaded through one replica are missing on another).
 */
export async function checkSharedVolume(input: { config: Config; db: Database; workerId: string; hostname: string }): Promise<void> {
  const { storage } = input.config;
  if (storage.driver !== 'local' || !storage.shared) return;
  const dir = storage.localDir;
  let volume = await recorded(input.db);
  if (!volume) {
    const value: VolumeRecord = { id: ensureVolumeMarker(dir), path: dir, workerId: input.workerId, hostname: input.hostname };
    await input.db.insert(settings).values({ key: VOLUME_SETTING, value }).onConflictDoNothing();
    volume = (await recorded(input.db)) ?? value;
  }
  const marker = readVolumeMarker(dir);
  if (marker === volume.id) return;
  throw new ReplicaGuardError(
    `STORAGE_SHARED=true says STORAGE_LOCAL_DIR is one volume shared by every replica, but this replica does not see it: ` +
      `its STORAGE_LOCAL_DIR ${dir} ${marker ? `holds the marker of another volume (${VOLUME_MARKER} says ${marker})` : `has no ${VOLUME_MARKER} marker`}, ` +
      `while the shared volume was first seen at ${volume.path} by worker ${volume.workerId} on ${volume.hostname}. ` +
      `Photos uploaded through one replica would be missing on the other. Mount that same volume at STORAGE_LOCAL_DIR on every replica ` +
      `(or use STORAGE_DRIVER=s3). If you moved the photos to a new volume on purpose, copy ${VOLUME_MARKER} along with them.`,
  );
}

import type { Config } from '../config';
import { createLocalStorage } from './local';
import type { Storage } from './types';

export * from './types';
export { createLocalStorage } from './local';
export { ensureVolumeMarker, readVolumeMarker, VOLUME_MARKER } from './volume-marker';

export async function createStorage(config: Config['storage']): Promise<Storage> {
  if (config.driver === 's3') {
    const { createS3Storage } = await import('./s3');
    return createS3Storage(config.s3);
  }
  return createLocalStorage(config.localDir);
}

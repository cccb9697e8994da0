import type { Config } from '../config';
import { createLocalStorage } from './local';
import type { Storage } from './types';

export * from './types';
export { createLocalStorage } from './local';
export { ensureVolumeMarker, readVolumeMarker, VOLUME_MARKER } from './volume-marker';

/** Key of an original; the extension comes from the sniffed type, never the file name. */
export const originalKey = (imageId: string, ext: string) => `originals/${imageId}/original.${ext}`;
/** Variant keys carry a per-develop token so their bytes never change (immutable caching). */
export const variantKey = (imageId: string, token: string, width: number, format: string) =>
  `variants/${imageId}/${token}/${width}.${format}`;
export const variantPrefix = (imageId: string) => `variants/${imageId}/`;
export const originalPrefix = (imageId: string) => `originals/${imageId}/`;

export async function createStorage(config: Config['storage']): Promise<Storage> {
  if (config.driver === 's3') {
    const { createS3Storage } = await import('./s3');
    return createS3Storage(config.s3);
  }
  return createLocalStorage(config.localDir);
}

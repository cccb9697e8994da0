import { API_BASE } from '../http/paths';

/*
 * Where a photo's files live in storage, and where the API serves them: the one place that
 * knows the layout (the storage sweep, deletes and the files route all ask here).
 */
export const ORIGINALS = 'originals/';
export const VARIANTS = 'variants/';

export const originalPrefix = (imageId: string) => `${ORIGINALS}${imageId}/`;
export const variantPrefix = (imageId: string) => `${VARIANTS}${imageId}/`;
/** Key of an original; the extension comes from the sniffed type, never the file name. */
export const originalKey = (imageId: string, ext: string) => `${originalPrefix(imageId)}original.${ext}`;
/** Variant keys carry a per-develop token so their bytes never change (immutable caching). */
export const variantKey = (imageId: string, token: string, width: number, format: string) => `${variantPrefix(imageId)}${token}/${width}.${format}`;
/** The image an original belongs to: originals/<image id>/…. */
export const imageIdOfOriginal = (key: string) => key.slice(ORIGINALS.length).split('/')[0] ?? '';

/** The API route (under API_BASE) that serves a variant's bytes by its key. */
export const FILES_ROUTE = '/files';
export const FILES_PATH = `${API_BASE}${FILES_ROUTE}/`;
/** The URL a variant is served under, as image DTOs carry it. */
export const fileUrl = (variantKey: string) => FILES_PATH + variantKey;

import { thumbHashToDataURL } from 'thumbhash';
import { imageStatuses, visibilities } from '../../drizzle/schema/enums';
import { type AdminImage, ApiRequestError } from './api';

export type { AdminImage, Album, ImagePage } from './api';
export type ImageStatus = AdminImage['status'];
export type Visibility = AdminImage['visibility'];
export type Variant = AdminImage['variants'][number];

export const IMAGE_STATUSES: readonly ImageStatus[] = imageStatuses;
export const VISIBILITIES: readonly Visibility[] = visibilities;

/** `value` when it is one of `options` (a form field, a query parameter), else undefined. */
export const oneOf = <T extends string>(options: readonly T[], value: unknown): T | undefined => options.find((option) => option === value);
export const isDeveloping = (status: ImageStatus) => status === 'pending' || status === 'processing';

export const errorMessage = (error: unknown, fallback: string) => (error instanceof Error && error.message ? error.message : fallback);
export const isNotFound = (error: unknown) => error instanceof ApiRequestError && error.status === 404;

export const imageLabel = (image: Pick<AdminImage, 'title' | 'originalName'>) => image.title || image.originalName || 'Untitled';

/** One variant per format (avif, webp) picked by `choose` among that format's variants, widest last. */
function perFormat(variants: Variant[], choose: (sorted: Variant[]) => Variant | undefined) {
  const pick = (format: Variant['format']) => choose(variants.filter((v) => v.format === format).sort((a, b) => a.width - b.width));
  return { avif: pick('avif'), webp: pick('webp') };
}

/** For tiles: the smallest variant at least `min` px wide, else the widest there is. */
export const tileVariants = (variants: Variant[], min = 320) => perFormat(variants, (s) => s.find((v) => v.width >= min) ?? s.at(-1));

/** For the detail view: the widest variant no wider than `max` px, else the narrowest there is. */
export const largeVariants = (variants: Variant[], max = 1920) => perFormat(variants, (s) => s.filter((v) => v.width <= max).at(-1) ?? s[0]);

/** ThumbHash (base64) → PNG data URL; null when absent or malformed. */
export function placeholderUrl(hash: string | null): string | null {
  if (!hash) return null;
  try {
    const bytes = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
    return thumbHashToDataURL(bytes);
  } catch {
    return null;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const formatDate = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** Time only for today, else a short date and time: for dense tables. */
export function formatShortDate(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  const today = date.toDateString() === new Date().toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** 0.004 → "1/250 s", 2.5 → "2.5 s". */
export function formatExposure(seconds: number): string {
  if (seconds <= 0) return '—';
  if (seconds >= 1) return `${Number(seconds.toFixed(1))} s`;
  return `1/${Math.round(1 / seconds)} s`;
}

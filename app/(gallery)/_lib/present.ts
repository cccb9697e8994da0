import { thumbHashToDataURL } from 'thumbhash';
import type { ImageDto } from '../../../server/images';

/** Pure presentation helpers of the gallery: safe in server and client components alike. */
export type GalleryImage = ImageDto;
type Variant = ImageDto['variants'][number];
type Format = Variant['format'];

/** ThumbHash (base64) → a tiny PNG data URL painted before any image byte arrives; null when absent or malformed. */
export function placeholderDataUrl(hash: string | null): string | null {
  if (!hash) return null;
  try {
    return thumbHashToDataURL(Uint8Array.from(atob(hash), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

/** One format on server and browser alike (a fixed locale and zone, so hydration agrees). */
export function formatTaken(iso: string | null): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : dateFormat.format(date);
}

/** Alt text: the title, else "Photo" and the day it was taken (or uploaded). */
export function altText(image: Pick<ImageDto, 'title' | 'takenAt' | 'createdAt'>): string {
  const title = image.title.trim();
  if (title) return title;
  const date = new Date(image.takenAt ?? image.createdAt);
  return Number.isNaN(date.getTime()) ? 'Photo' : `Photo, ${dayFormat.format(date)}`;
}

/** Width over height, 3:2 while the dimensions are unknown. */
export function aspectRatio(image: Pick<ImageDto, 'width' | 'height'>): number {
  return image.width && image.height ? image.width / image.height : 3 / 2;
}

const ofFormat = (variants: Variant[], format: Format) => variants.filter((v) => v.format === format).sort((a, b) => a.width - b.width);

/** `url 320w, url 640w, …` of one format, narrowest first; empty when there is none. */
export function srcSet(variants: Variant[], format: Format): string {
  return ofFormat(variants, format)
    .map((v) => `${v.url} ${v.width}w`)
    .join(', ');
}

/** The widest variant no wider than `max` (WebP first, the format every browser takes), else the narrowest. */
export function variantUpTo(variants: Variant[], max: number): Variant | undefined {
  for (const format of ['webp', 'avif'] as const) {
    const list = ofFormat(variants, format);
    const pick = list.filter((v) => v.width <= max).at(-1) ?? list[0];
    if (pick) return pick;
  }
  return undefined;
}

/** 0.004 → "1/250 s", 2.5 → "2.5 s". */
export function formatShutter(seconds: number): string | null {
  if (!(seconds > 0)) return null;
  if (seconds >= 1) return `${Number(seconds.toFixed(1))} s`;
  return `1/${Math.round(1 / seconds)} s`;
}

const trimNumber = (n: number, digits = 1) => String(Number(n.toFixed(digits)));

/** The camera: make and model, without repeating a make the model already names ("Canon" + "Canon EOS R5"). */
export function cameraName(make?: string, model?: string): string | null {
  const m = make?.trim() ?? '';
  const d = model?.trim() ?? '';
  if (!m) return d || null;
  if (!d) return m;
  return d.toLowerCase().startsWith(m.toLowerCase().split(' ')[0] ?? m.toLowerCase()) ? d : `${m} ${d}`;
}

export interface ExifRow {
  label: string;
  value: string;
  /** A map link for the location row. */
  href?: string;
}

/** The EXIF panel's rows in reading order; the location only when the DTO carries it (the album allows GPS). */
export function exifRows(image: Pick<ImageDto, 'exif' | 'takenAt'>): ExifRow[] {
  const { exif } = image;
  const rows: (ExifRow | null)[] = [
    row('Camera', cameraName(exif.make, exif.model)),
    row('Lens', exif.lens?.trim() || null),
    row('Focal length', exif.focalLength ? `${trimNumber(exif.focalLength)} mm` : null),
    row('Aperture', exif.fNumber ? `f/${trimNumber(exif.fNumber)}` : null),
    row('Shutter', exif.exposureTime ? formatShutter(exif.exposureTime) : null),
    row('ISO', exif.iso ? String(Math.round(exif.iso)) : null),
    row('Taken', formatTaken(image.takenAt)),
  ];
  if (exif.gps) {
    const { latitude, longitude } = exif.gps;
    rows.push({
      label: 'Location',
      value: `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`,
      href: `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=15/${latitude}/${longitude}`,
    });
  }
  return rows.filter((r): r is ExifRow => r !== null);
}

function row(label: string, value: string | null): ExifRow | null {
  return value ? { label, value } : null;
}

/** Row heights of the justified grid (gallery.css): phones, then wider screens. */
export const ROW_HEIGHT = { narrow: 110, wide: 260 } as const;

/**
 * `sizes` for a grid tile: its row height times its aspect ratio, with room for the row
 * stretching to fill the width (up to 1.5×), so the browser never fetches far more pixels than it shows.
 */
export function tileSizes(ratio: number): string {
  const px = (h: number) => `${Math.ceil(h * ratio * 1.5)}px`;
  return `(max-width: 640px) ${px(ROW_HEIGHT.narrow)}, ${px(ROW_HEIGHT.wide)}`;
}

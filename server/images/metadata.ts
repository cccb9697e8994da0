import type { ExifData } from '../../drizzle/schema';
import { cleanText } from '../text';

/** What a photo says about itself, cleaned; `warnings` tell the owner what was unreadable. */
export interface PhotoMetadata {
  exif: ExifData;
  takenAt: Date | null;
  gps: { latitude: number; longitude: number } | null;
  warnings: string[];
}

const NONE: PhotoMetadata = { exif: {}, takenAt: null, gps: null, warnings: [] };
const errorText = (error: unknown) => cleanText(error instanceof Error ? error.message : String(error), { maxLength: 300 }).value ?? 'unknown error';
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Camera, lens, exposure, taken-at and GPS via exifr. Never throws: metadata never fails a
 * photo. Every string goes through cleanText (EXIF ASCII is NUL-terminated, often padded,
 * and sometimes not text at all).
 */
export async function readMetadata(original: Buffer): Promise<PhotoMetadata> {
  // Loaded with the first photo, like sharp (./sharp.ts).
  const { default: exifr } = await import('exifr');
  let parsed: unknown;
  try {
    parsed = await exifr.parse(original, { tiff: true, exif: true, gps: true, ifd1: false, interop: false, xmp: false, icc: false, iptc: false });
  } catch (error) {
    return { ...NONE, warnings: [`EXIF could not be read (${errorText(error)}); developed without it`] };
  }
  if (parsed === undefined || parsed === null) return NONE;
  if (typeof parsed !== 'object') return { ...NONE, warnings: ['EXIF could not be read (not a set of tags); developed without it'] };
  const raw = parsed as Record<string, unknown>;
  const warnings: string[] = [];
  // exifr reports damaged blocks in `errors` and returns what it could read.
  const errors = Array.isArray(raw.errors) ? raw.errors.map((e: unknown) => errorText(e).split('\n')[0] ?? '') : [];
  if (errors.length) warnings.push(`EXIF could not be read (${errors.join('; ')}); developed without the unreadable parts`);

  const cleaned: string[] = [];
  const text = (field: keyof ExifData, value: unknown) => {
    const result = cleanText(value, { stopAtNul: true, maxLength: 200 });
    if (result.issues.length) cleaned.push(`${field} (${result.issues.join(', ')})`);
    return result.value;
  };
  const exif: ExifData = {
    make: text('make', raw.Make),
    model: text('model', raw.Model),
    lens: text('lens', raw.LensModel) ?? text('lens', raw.Lens),
    focalLength: num(raw.FocalLength),
    fNumber: num(raw.FNumber),
    exposureTime: num(raw.ExposureTime),
    iso: num(raw.ISO) ?? num(raw.ISOSpeedRatings),
  };
  if (cleaned.length) warnings.push(`Camera details were cleaned: ${cleaned.join(', ')}`);
  const taken = raw.DateTimeOriginal ?? raw.CreateDate;
  const takenAt = taken instanceof Date && !Number.isNaN(taken.getTime()) ? taken : null;
  const latitude = num(raw.latitude);
  const longitude = num(raw.longitude);
  const gps = latitude !== undefined && longitude !== undefined && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 ? { latitude, longitude } : null;
  return { exif: Object.fromEntries(Object.entries(exif).filter(([, v]) => v !== undefined)) as ExifData, takenAt, gps, warnings };
}

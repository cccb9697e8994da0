import type { ExifData, ImageStatus, VariantFormat, Visibility } from '../../drizzle/schema';
import type { schema } from '../db';
import { fileUrl } from './keys';

type ImageRow = typeof schema.images.$inferSelect;
type VariantRow = typeof schema.imageVariants.$inferSelect;

export interface ImageDto {
  id: string;
  status: ImageStatus;
  title: string;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  dominantColor: string | null;
  takenAt: string | null;
  exif: ExifData & { gps?: { latitude: number; longitude: number } };
  variants: { width: number; height: number; format: VariantFormat; bytes: number; url: string }[];
  albumId: string | null;
  visibility: Visibility;
  createdAt: string;
}

export interface AdminImageDto extends ImageDto {
  originalName: string;
  mime: string;
  bytes: number;
  warnings: string[];
  lastError: string | null;
  tags: string[];
  updatedAt: string;
}

/** Explicit field by field: a new column never reaches a response by accident. */
export function toImageDto(row: ImageRow, variants: VariantRow[], options: { gps: boolean }): ImageDto {
  const exif: ImageDto['exif'] = { ...(row.exif ?? {}) };
  if (options.gps && row.gpsLatitude !== null && row.gpsLongitude !== null) exif.gps = { latitude: row.gpsLatitude, longitude: row.gpsLongitude };
  return {
    id: row.id,
    status: row.status,
    title: row.title,
    width: row.width,
    height: row.height,
    placeholder: row.placeholder,
    dominantColor: row.dominantColor,
    takenAt: row.takenAt?.toISOString() ?? null,
    exif,
    variants: variants
      .filter((v) => v.imageId === row.id)
      .sort((a, b) => a.width - b.width || a.format.localeCompare(b.format))
      .map((v) => ({ width: v.width, height: v.height, format: v.format, bytes: v.bytes, url: fileUrl(v.key) })),
    albumId: row.albumId,
    visibility: row.visibility,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toAdminImageDto(row: ImageRow, variants: VariantRow[], tags: string[]): AdminImageDto {
  return {
    ...toImageDto(row, variants, { gps: true }),
    originalName: row.originalName,
    mime: row.mime,
    bytes: row.bytes,
    warnings: row.warnings,
    lastError: row.lastError,
    tags,
    updatedAt: row.updatedAt.toISOString(),
  };
}
